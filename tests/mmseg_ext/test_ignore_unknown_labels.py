"""IgnoreUnknownLabels maps stray mask values to 255 and leaves valid ones alone."""

from __future__ import annotations

import numpy as np

from practicum_work.mmseg_ext.transforms import IgnoreUnknownLabels


def test_stray_values_become_ignore_and_valid_values_stay():
    seg = np.array([[0, 1, 2], [3, 128, 255], [254, 2, 0]], np.uint8)
    out = IgnoreUnknownLabels(num_classes=3)({'gt_seg_map': seg.copy(), 'seg_map_path': 'm.png'})
    expected = np.array([[0, 1, 2], [255, 255, 255], [255, 2, 0]], np.uint8)
    np.testing.assert_array_equal(out['gt_seg_map'], expected)


def test_clean_mask_is_returned_unchanged():
    seg = np.array([[0, 1], [2, 255]], np.uint8)
    out = IgnoreUnknownLabels()({'gt_seg_map': seg})
    assert out['gt_seg_map'] is seg


def test_without_a_mask_it_does_nothing():
    """MMSeg's inferencers drop LoadAnnotations from the test pipeline."""
    results = {'img': np.zeros((2, 2, 3), np.uint8)}
    assert IgnoreUnknownLabels()(results) == results
