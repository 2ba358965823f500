"""Dense SIFT visual words: descriptors, the vocabulary, the encoding."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from practicum_work.data.label_fix.visual_words import (
    DENSE_CELLS,
    DENSE_STEP,
    dense_descriptors,
    dense_sift,
    encode_words,
    learn_vocabulary,
    nearest_words,
    orientation_planes,
)


def _scene(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 256, (96, 128, 3), np.uint8)
    selection = np.zeros((96, 128), bool)
    selection[20:70, 30:100] = True
    return image, selection


def test_descriptors_cover_the_region_and_are_rootsift_normalised():
    image, selection = _scene()
    descriptors = dense_descriptors(image, selection)
    inside = cv2.dilate(selection.astype(np.uint8), np.ones((5, 5), np.uint8))
    ys, xs = np.mgrid[4 : 96 - 4 : DENSE_STEP, 4 : 128 - 4 : DENSE_STEP]
    assert descriptors.shape == (int((inside[ys, xs] > 0).sum()) * len(DENSE_CELLS), 128)
    assert descriptors.dtype == np.float32 and (descriptors >= 0).all()
    # RootSIFT: the squares of a descriptor sum to one.
    assert np.allclose((descriptors.astype(np.float64) ** 2).sum(axis=1), 1.0, atol=1e-4)
    assert dense_descriptors(image, np.zeros_like(selection)).shape == (0, 128)


def test_a_vertical_edge_fills_the_horizontal_gradient_bins():
    grey = np.zeros((40, 40), np.float32)
    grey[:, 20:] = 255  # gradient along +x: angle 0 -> orientation bin 0
    planes = orientation_planes(grey)
    descriptor = dense_sift(planes, np.array([[20, 20]]), cell=3)[0].reshape(16, 8)
    assert descriptor[:, 0].sum() > 0 and descriptor[:, 1:].sum() == pytest.approx(0.0)


def test_vocabulary_is_deterministic_and_words_are_nearest():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(4, 128)).astype(np.float32) * 10
    samples = np.repeat(centres, 50, axis=0) + rng.normal(size=(200, 128)).astype(np.float32)
    vocabulary = learn_vocabulary(samples, 4, seed=1)
    assert np.array_equal(vocabulary, learn_vocabulary(samples, 4, seed=1))
    # Every true centre has one word within noise distance.
    distance = ((centres[:, None] - vocabulary[None]) ** 2).sum(-1)
    assert (np.sort(distance.min(axis=1)) < 128 * 0.1).all()
    words = nearest_words(samples, vocabulary)
    assert len(set(words[:50])) == 1 and len(set(words)) == 4


def test_encoding_is_a_hellinger_mapped_histogram():
    vocabulary = np.eye(3, 128, dtype=np.float32)
    descriptors = np.eye(3, 128, dtype=np.float32)[[0, 0, 0, 1]]
    encoded = encode_words(descriptors, vocabulary)
    assert encoded == pytest.approx(np.sqrt([0.75, 0.25, 0.0]))
    assert encode_words(np.zeros((0, 128), np.float32), vocabulary).sum() == 0
