"""The small-component filter on known-answer masks."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.mmseg_ext.segmentors.small_components import (
    per_class_min_areas,
    remove_small_components,
)


def _scene() -> np.ndarray:
    """12x12: a 4x4 cat (16 px), a 3x3 dog (9 px), a 2-px dog speck, a 1-px cat inside the dog."""
    pred = np.zeros((12, 12), np.uint8)
    pred[1:5, 1:5] = 1  # cat, 16 px
    pred[7:10, 7:10] = 2  # dog, 9 px (8 after the cat pixel below)
    pred[8, 8] = 1  # 1-px cat inside the dog
    pred[0, 10:12] = 2  # 2-px dog speck in the background
    return pred


def test_removes_foreground_components_below_n_and_keeps_the_rest():
    pred = _scene()
    out = remove_small_components(pred, 3)
    assert out[0, 10:12].tolist() == [0, 0]  # 2 px < 3: background around it
    assert out[8, 8] == 2  # 1-px cat inside the dog: takes the surrounding dog
    assert (out[1:5, 1:5] == 1).all() and (out[7:10, 7:10] == 2).all()
    assert (pred == _scene()).all()  # input untouched


def test_threshold_is_strictly_smaller_than_n():
    pred = _scene()
    assert (remove_small_components(pred, 2)[0, 10:12] == 2).all()  # area 2 == N: kept
    out = remove_small_components(pred, 9)
    assert (out[7:10, 7:10] == 0).all()  # dog ring 8 px < 9 and the cat speck: background
    assert (out[1:5, 1:5] == 1).all()  # cat 16 >= 9 kept


def test_per_class_thresholds():
    pred = _scene()
    out = remove_small_components(pred, [0, 0, 3])  # dogs under 3 only
    assert (out[0, 10:12] == 0).all()
    assert out[8, 8] == 1  # the 1-px cat is not filtered (cat threshold 0)


def test_integer_leaves_background_holes_a_list_can_fill_them():
    pred = np.full((7, 7), 2, np.uint8)
    pred[3, 3] = 0  # a 1-px background hole in a dog
    assert remove_small_components(pred, 5)[3, 3] == 0
    assert remove_small_components(pred, [5, 5, 5])[3, 3] == 2


def test_eight_connectivity_joins_diagonal_pixels():
    pred = np.zeros((5, 5), np.uint8)
    pred[1, 1] = pred[2, 2] = 1  # diagonal neighbours: one component of 2 px
    assert (remove_small_components(pred, 2) == pred).all()
    assert not remove_small_components(pred, 3).any()


def test_removed_pixels_take_the_nearest_kept_class():
    pred = np.zeros((5, 8), np.uint8)
    pred[:, :3] = 1  # cat, 15 px, kept
    pred[:, 3:5] = 2  # dog strip, 10 px, removed with N=11; background from column 5 on
    out = remove_small_components(pred, 11)
    assert (out[:, :3] == 1).all()
    assert (out[:, 3] == 1).all()  # next to the cat
    assert (out[:, 4] == 0).all()  # next to the background
    assert (out[:, 5:] == 0).all()


def test_nothing_kept_becomes_background():
    pred = np.ones((3, 3), np.uint8)  # one 9-px cat
    assert not remove_small_components(pred, 10).any()


def test_zero_or_none_is_off():
    pred = _scene()
    assert (remove_small_components(pred, 0) == pred).all()
    assert (remove_small_components(pred, None) == pred).all()


def test_min_area_values():
    assert per_class_min_areas(64).tolist() == [0, 64, 64]
    assert per_class_min_areas([1, 2, 3]).tolist() == [1, 2, 3]
    assert per_class_min_areas(None).tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match='one value per class'):
        per_class_min_areas([1, 2])
    with pytest.raises(ValueError, match='>= 0'):
        per_class_min_areas(-1)
    with pytest.raises(ValueError, match='H, W'):
        remove_small_components(np.zeros((1, 4, 4), np.uint8), 3)
