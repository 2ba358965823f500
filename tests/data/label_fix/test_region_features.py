"""Region descriptors: invariant to position and scale, and they see thin parts and spikes."""

from __future__ import annotations

import cv2
import numpy as np

from practicum_work.data.label_fix.region_features import (
    normalised_silhouette,
    region_features,
    shape_features,
)


def _blob_with_tail(size: int, offset: int, scale: float) -> np.ndarray:
    mask = np.zeros((size, size), np.uint8)
    centre = (int(offset + 40 * scale), int(offset + 40 * scale))
    cv2.circle(mask, centre, int(25 * scale), 1, -1)
    end = (int(centre[0] + 60 * scale), centre[1])
    cv2.line(mask, centre, end, 1, max(1, int(4 * scale)))
    return mask.astype(bool)


def test_descriptors_do_not_depend_on_position_or_scale():
    image = np.full((300, 300, 3), 120, np.uint8)
    small = region_features(image, _blob_with_tail(300, 10, 1.0))
    moved_and_bigger = region_features(image, _blob_with_tail(300, 60, 2.0))
    star = np.zeros((300, 300), np.uint8)
    angles = np.linspace(0, 2 * np.pi, 10, endpoint=False)
    radii = np.where(np.arange(10) % 2 == 0, 60, 25)
    points = np.stack([150 + radii * np.cos(angles), 150 + radii * np.sin(angles)], 1)
    cv2.fillPoly(star, [points.astype(np.int32)], 1)
    other_shape = region_features(image, star.astype(bool))
    assert small.dtype == np.float64 and np.isfinite(small).all()
    same = np.linalg.norm(small - moved_and_bigger)
    assert same < 0.25 * np.linalg.norm(small - other_shape)


def test_thickness_spectrum_sees_a_thin_tail():
    disc = np.zeros((200, 200), np.uint8)
    cv2.circle(disc, (100, 100), 40, 1, -1)
    with_tail = disc.copy()
    cv2.line(with_tail, (100, 100), (195, 100), 1, 5)
    plain = shape_features(normalised_silhouette(disc.astype(bool)))
    tailed = shape_features(normalised_silhouette(with_tail.astype(bool)))
    # After an opening of radius 4 (of 20), the disc is whole; the tail is gone.
    assert plain[3] > 0.97
    assert tailed[3] < plain[3] - 0.02


def test_upward_spikes_show_in_the_upward_boundary_histogram():
    base = np.zeros((200, 200), np.uint8)
    cv2.circle(base, (100, 120), 50, 1, -1)
    spiky = base.copy()
    for x in (70, 130):
        cv2.fillPoly(spiky, [np.array([[x - 12, 80], [x + 12, 80], [x, 30]], np.int32)], 1)
    # First upward histogram at radius 4: its lowest bins hold sharp (mostly outside) points.
    up_start = 10 + 3 + 6 + 7  # opening radii, misc, defects, then the all-boundary histogram
    plain = shape_features(normalised_silhouette(base.astype(bool)))
    spikes = shape_features(normalised_silhouette(spiky.astype(bool)))
    assert sum(spikes[up_start : up_start + 3]) > sum(plain[up_start : up_start + 3]) + 0.01
