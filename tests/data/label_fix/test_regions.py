"""Species regions: one per single-species mask, one per component when both species are present."""

from __future__ import annotations

import numpy as np

from practicum_work.data.label_fix.regions import (
    MIN_COMPONENT_PIXELS,
    find_regions,
    square_crop,
)


def test_single_species_mask_is_one_region_with_its_components():
    mask = np.zeros((20, 20), np.uint8)
    mask[2:6, 2:6] = 1  # 16 px
    mask[10:12, 10:14] = 1  # 8 px, same species
    mask[18, 18] = 2  # a 1-px dog below the threshold
    regions, selections = find_regions(mask, min_pixels=5)
    assert len(regions) == 1
    region = regions[0]
    assert (region.label, region.scope, region.pixels) == (1, 'image', 24)
    assert region.component_areas == [16, 8]
    assert region.bbox == (2, 2, 14, 12)
    assert selections[0].sum() == 24


def test_mixed_mask_is_judged_per_component_and_small_ones_are_skipped():
    mask = np.zeros((20, 20), np.uint8)
    mask[0:5, 0:5] = 1  # 25
    mask[0:2, 10:12] = 1  # 4: too small
    mask[10:16, 10:16] = 2  # 36
    regions, selections = find_regions(mask, min_pixels=5, min_component_pixels=0)
    assert [(r.label, r.scope, r.pixels) for r in regions] == [
        (1, 'component', 25),
        (2, 'component', 36),
    ]
    x, y = regions[1].seed_xy
    assert mask[y, x] == 2
    assert [s.sum() for s in selections] == [25, 36]


def test_a_fragment_smaller_than_one_descriptor_is_not_judged():
    """Issue 22: 170-800 px fragments beside another species got P(other) 0.88-1.00 and filled
    the review list; a component smaller than one 36 x 36 px descriptor footprint is not judged,
    whatever ``min_pixels`` says, while a whole animal of either species still is."""
    mask = np.zeros((256, 256), np.uint8)
    mask[20:120, 20:120] = 2  # a dog, 10000 px
    mask[200:213, 200:213] = 1  # a cat-labelled fragment, 169 px
    mask[130:170, 150:190] = 1  # a small cat, 1600 px
    regions, _ = find_regions(mask, min_pixels=131)
    assert [(r.label, r.pixels) for r in regions] == [(1, 1600), (2, 10000)]
    assert MIN_COMPONENT_PIXELS == 36 * 36
    mask[130:170, 150:190] = 0
    regions, _ = find_regions(mask, min_pixels=131)
    assert [(r.label, r.scope, r.pixels) for r in regions] == [(2, 'component', 10000)]


def test_empty_mask_has_no_regions():
    assert find_regions(np.zeros((8, 8), np.uint8), 1) == ([], [])


def test_square_crop_pads_outside_the_image():
    image = np.full((10, 10, 3), 200, np.uint8)
    crop = square_crop(image, (0, 0, 4, 4), size=16, margin=0.5)
    assert crop.shape == (16, 16, 3)
    assert crop[0, 0].max() == 0 and crop[-1, -1].min() == 200
