"""MergePetClasses maps cat and dog to pet and leaves background and ignore alone."""

from __future__ import annotations

import numpy as np

from practicum_work.mmseg_ext.transforms import MergePetClasses


def test_cat_and_dog_become_pet_background_and_ignore_stay():
    seg = np.array([[0, 1, 2], [255, 2, 1], [0, 0, 255]], np.uint8)
    out = MergePetClasses()({'gt_seg_map': seg.copy()})
    expected = np.array([[0, 1, 1], [255, 1, 1], [0, 0, 255]], np.uint8)
    np.testing.assert_array_equal(out['gt_seg_map'], expected)
    assert out['gt_seg_map'].dtype == np.uint8


def test_the_input_array_is_not_changed_in_place():
    seg = np.array([[2, 0]], np.uint8)
    MergePetClasses()({'gt_seg_map': seg})
    np.testing.assert_array_equal(seg, [[2, 0]])


def test_already_binary_mask_is_returned_unchanged():
    seg = np.array([[0, 1], [1, 255]], np.uint8)
    out = MergePetClasses()({'gt_seg_map': seg})
    assert out['gt_seg_map'] is seg


def test_without_a_mask_it_does_nothing():
    """MMSeg's inferencers drop LoadAnnotations from the test pipeline."""
    results = {'img': np.zeros((2, 2, 3), np.uint8)}
    assert MergePetClasses()(results) == results
    assert repr(MergePetClasses()) == 'MergePetClasses(pet_labels=(1, 2), pet_label=1)'
