"""Blurry images: generated demo photos, a few blurred with cv2.GaussianBlur, found by eda."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from practicum_work.data.checks.blurry import MIN_IMAGES, blur_threshold, laplacian_variance
from practicum_work.data.demo_data import generate_demo_dataset
from practicum_work.data.eda.run import run_eda
from practicum_work.review.sources import load_source

BLURRED = {'train_0003': 1.5, 'train_0011': 2.5, 'val_0002': 4.0}  # stem -> Gaussian sigma


@pytest.fixture(scope='module')
def blurred_dataset(tmp_path_factory):
    """Clean demo data (30/10 images of 128x128) with three images blurred in place."""
    root = tmp_path_factory.mktemp('blur') / 'pets'
    generate_demo_dataset(root, n_train=30, n_val=10, n_test=0, size=128, workers=1,
                          show_progress=False)  # fmt: skip
    for stem, sigma in BLURRED.items():
        path = next(root.glob(f'img/*/{stem}.jpg'))
        image = cv2.imread(str(path))
        cv2.imwrite(
            str(path), cv2.GaussianBlur(image, (0, 0), sigma), [cv2.IMWRITE_JPEG_QUALITY, 95]
        )
    return root


def test_the_blurred_images_and_only_they_are_flagged_and_shown_in_review(
    blurred_dataset, tmp_path
):
    result = run_eda(blurred_dataset, out=tmp_path / 'eda', overlays=0, workers=1,
                     show_progress=False)  # fmt: skip
    blurry = [i for i in result.report['items'] if i['kind'] == 'blurry_image']
    assert {i['stem'] for i in blurry} == set(BLURRED)
    for item in blurry:
        assert item['severity'] == 'info' and item['action'] == 'keep'
        assert item['file'].startswith('img/')
        assert item['evidence']['laplacian_variance'] < item['evidence']['threshold']
        assert item['evidence']['robust_z'] < -3
    review = load_source(tmp_path / 'eda')
    shown = {item.stem: item for item in review.items if 'blurry_image' in item.issues}
    assert set(shown) == set(BLURRED)
    for item in shown.values():
        assert item.evidence['laplacian variance'] < item.evidence['threshold']


def test_the_variance_falls_with_blur_and_is_exact():
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (64, 80), dtype=np.uint8)
    sharp = laplacian_variance(grey)
    assert sharp == pytest.approx(cv2.Laplacian(grey, cv2.CV_64F).var())
    assert laplacian_variance(cv2.GaussianBlur(grey, (0, 0), 2)) < sharp / 10


def test_the_threshold_is_robust_and_needs_enough_spread():
    rng = np.random.default_rng(1)
    sharp = 10 ** rng.normal(3.0, 0.2, 200)
    alone = blur_threshold(sharp)
    # a quarter of the images blurred (100x less variance) barely moves the threshold
    crowded = blur_threshold(np.concatenate([sharp, sharp[:50] / 100]))
    assert abs(crowded[0] - alone[0]) < 0.35 and alone[0] == pytest.approx(2.4, abs=0.15)
    assert blur_threshold(sharp[: MIN_IMAGES - 1]) is None
    assert blur_threshold(np.full(50, 100.0)) is None
