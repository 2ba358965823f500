"""Replaying planned changes on a mask."""

from __future__ import annotations

import numpy as np

from practicum_work.data.label_fix.apply import apply_changes

MASK = np.array([[0, 1, 1, 0], [0, 1, 7, 0], [2, 0, 0, 2]], np.uint8)


def test_format_and_stray_changes():
    out = apply_changes(MASK, [{'type': 'stray_values', 'values': [7], 'pixels': 1, 'to': 255}])
    assert out[1, 2] == 255 and out.dtype == np.uint8
    out = apply_changes(MASK, [{'type': 'stray_values', 'values': [7], 'pixels': 1, 'to': 0}])
    assert out[1, 2] == 0


def test_resize_then_swap():
    changes = [{'type': 'resize_nearest', 'from': [4, 3], 'to': [8, 6]}, {'type': 'swap_species'}]
    out = apply_changes(MASK[:, :], changes[:1] + changes[1:])
    assert out.shape == (6, 8)
    assert set(np.unique(out)) == {0, 1, 2, 7}  # stray values untouched when not planned
    assert (out[0:2, 2:4] == 2).all() and (out[4:6, 0:2] == 1).all()


def test_swap_one_component_only():
    mask = np.zeros((4, 8), np.uint8)
    mask[0:2, 0:2] = 1
    mask[0:2, 5:7] = 1
    mask[3, :] = 2
    change = {'type': 'swap_component', 'label': 'cat', 'seed_xy': [5, 0], 'pixels': 4}
    out = apply_changes(mask, [change])
    assert (out[0:2, 5:7] == 2).all() and (out[0:2, 0:2] == 1).all() and (out[3] == 2).all()


def test_no_change_is_identity():
    assert np.array_equal(apply_changes(MASK, []), MASK)
