"""Mask policies: stray values, nearest-neighbour resizing, species swaps (empty/tiny masks:
tests/data/checks/test_foreground.py)."""

from __future__ import annotations

import numpy as np

from practicum_work.core.mask_encoding import count_values
from practicum_work.data.checks.stray_values import stray_counts
from practicum_work.data.label_fix.mask_policies import (
    class_pixel_counts,
    component_at,
    replace_stray,
    resize_nearest,
    swap_species,
)

MASK = np.array(
    [
        [0, 1, 1, 0, 2],
        [0, 1, 3, 0, 2],
        [128, 0, 0, 0, 255],
    ],
    np.uint8,
)


def test_counts_and_stray_values():
    counts = class_pixel_counts(MASK)
    assert counts == {'background': 7, 'cat': 3, 'dog': 2, 'ignore': 1, 'stray': 2}
    assert class_pixel_counts(count_values(MASK)) == counts
    assert stray_counts(count_values(MASK)) == {3: 1, 128: 1}


def test_stray_values_go_to_ignore_or_background_and_nothing_else_changes():
    ignored = replace_stray(MASK)
    assert ignored[1, 2] == 255 and ignored[2, 0] == 255
    background = replace_stray(MASK, 'background')
    assert background[1, 2] == 0 and background[2, 0] == 0
    valid = np.isin(MASK, [0, 1, 2, 255])
    assert np.array_equal(ignored[valid], MASK[valid])
    wide = MASK.astype(np.int32)
    wide[0, 0] = 1000
    assert replace_stray(wide).dtype == np.uint8 and replace_stray(wide)[0, 0] == 255


def test_resize_is_nearest_neighbour():
    resized = resize_nearest(MASK, (10, 6))
    assert resized.shape == (6, 10)
    assert set(np.unique(resized)) == set(np.unique(MASK))  # no blended values


def test_swap_species_everywhere_or_in_a_region():
    swapped = swap_species(MASK)
    assert np.array_equal(swapped == 2, MASK == 1) and np.array_equal(swapped == 1, MASK == 2)
    assert np.array_equal(swap_species(swapped), MASK)
    left = np.zeros(MASK.shape, bool)
    left[:, :3] = True
    partly = swap_species(MASK, left)
    assert (partly[0, 1:3] == 2).all() and (partly[:2, 4] == 2).all()


def test_component_at_selects_one_connected_component():
    mask = np.zeros((5, 7), np.uint8)
    mask[1:3, 0:2] = 1
    mask[1:3, 4:6] = 1
    component = component_at(mask, 1, (4, 1))
    assert component.sum() == 4 and component[1, 4] and not component[1, 0]
