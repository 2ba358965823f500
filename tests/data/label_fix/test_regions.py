"""Species regions: one per single-species mask, one per component when both species are present."""

from __future__ import annotations

import numpy as np

from practicum_work.data.label_fix.regions import find_regions, square_crop


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
    regions, selections = find_regions(mask, min_pixels=5)
    assert [(r.label, r.scope, r.pixels) for r in regions] == [
        (1, 'component', 25),
        (2, 'component', 36),
    ]
    x, y = regions[1].seed_xy
    assert mask[y, x] == 2
    assert [s.sum() for s in selections] == [25, 36]


def test_empty_mask_has_no_regions():
    assert find_regions(np.zeros((8, 8), np.uint8), 1) == ([], [])


def test_square_crop_pads_outside_the_image():
    image = np.full((10, 10, 3), 200, np.uint8)
    crop = square_crop(image, (0, 0, 4, 4), size=16, margin=0.5)
    assert crop.shape == (16, 16, 3)
    assert crop[0, 0].max() == 0 and crop[-1, -1].min() == 200
