"""Dense RootSIFT visual words inside a species region: appearance evidence for ``self``.

The classic recipe of the Oxford-IIIT Pet paper's appearance model (Parkhi et al. 2012), learned
on the dataset being checked: SIFT descriptors on a dense grid (every ``DENSE_STEP`` pixels,
cells of ``DENSE_CELLS`` pixels) inside the dilated region, RootSIFT-normalised; a vocabulary of
``VOCABULARY_SIZE`` words by k-means on a sample of the training pool's descriptors (no
labels involved); each region becomes the square root of its L1-normalised word histogram
(Hellinger map, so that a linear model acts like a Hellinger kernel). Eyes, noses, whiskers,
ear tips and fur patterns become words, whatever the breed.

The descriptors are computed the dense way (VLFeat's ``dsift``: orientation planes pooled
once per image), about 6 ms per 256 px image, where OpenCV's ``SIFT.compute`` on the same grid
took ~170 ms; on the real sample (12 noise seeds) the two gave the same ranking quality
(AUROC of swapped vs clean 0.998 vs 0.997).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np

DENSE_STEP = 6
DENSE_CELLS = (9, 15)  # cell sizes in pixels: descriptors of 36 and 60 pixels across
VOCABULARY_SIZE = 256
SAMPLE_PER_REGION = 60
MAX_VOCABULARY_REGIONS = 200
KMEANS_ITERATIONS = 25


ORIENTATIONS = 8
CELLS = 4  # a descriptor is CELLS x CELLS cells of ORIENTATIONS gradient bins (128 values)


def orientation_planes(grey: np.ndarray) -> np.ndarray:
    """Gradient magnitude split into ORIENTATIONS soft (linearly interpolated) angle bins."""
    gx = cv2.Sobel(grey, cv2.CV_32F, 1, 0, ksize=1)
    gy = cv2.Sobel(grey, cv2.CV_32F, 0, 1, ksize=1)
    magnitude, angle = cv2.cartToPolar(gx, gy)
    position = angle * (ORIENTATIONS / (2 * np.pi))
    lower = np.floor(position).astype(np.int64) % ORIENTATIONS
    upper_weight = position - np.floor(position)
    planes = np.zeros((ORIENTATIONS, *grey.shape), np.float32)
    for b in range(ORIENTATIONS):  # 8 planes, each one vectorised over the image
        planes[b] = magnitude * (
            np.where(lower == b, 1 - upper_weight, 0)
            + np.where((lower + 1) % ORIENTATIONS == b, upper_weight, 0)
        )
    return planes


def dense_sift(planes: np.ndarray, points: np.ndarray, cell: int) -> np.ndarray:
    """SIFT-like descriptors (len(points), 128) at integer ``points`` (x, y), cells of ``cell`` px.

    The dense shortcut of VLFeat's ``dsift``: the orientation planes are pooled once for the
    whole image with a triangular window (two box filters: SIFT's bilinear cell weighting),
    then each descriptor reads its 4 x 4 cell centres; no per-keypoint rotation.
    """
    kernel = (cell, cell)
    pooled = np.stack([cv2.blur(cv2.blur(plane, kernel), kernel) for plane in planes])
    h, w = planes.shape[1:]
    offsets = (np.arange(CELLS) - (CELLS - 1) / 2) * cell
    ox, oy = np.meshgrid(offsets, offsets)
    xs = np.clip(np.rint(points[:, :1] + ox.ravel()[None]), 0, w - 1).astype(np.int64)
    ys = np.clip(np.rint(points[:, 1:] + oy.ravel()[None]), 0, h - 1).astype(np.int64)
    descriptors = pooled[:, ys, xs]  # (ORIENTATIONS, N, CELLS * CELLS)
    return descriptors.transpose(1, 2, 0).reshape(len(points), -1)


def dense_descriptors(image: np.ndarray, selection: np.ndarray) -> np.ndarray:
    """RootSIFT-normalised descriptors (N, 128) float32 on a dense grid inside ``selection``.

    Every ``DENSE_STEP`` pixels of the dilated region, one descriptor per cell size of
    ``DENSE_CELLS``; SIFT's normalisation (unit length, clipped at 0.2, unit length again),
    then RootSIFT (square root of the L1-normalised descriptor).
    """
    inside = cv2.dilate(selection.astype(np.uint8), np.ones((5, 5), np.uint8))
    grey = cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_RGB2GRAY)
    ys, xs = np.mgrid[4 : grey.shape[0] - 4 : DENSE_STEP, 4 : grey.shape[1] - 4 : DENSE_STEP]
    keep = inside[ys, xs] > 0
    points = np.stack([xs[keep], ys[keep]], axis=1)
    if not len(points):
        return np.zeros((0, 128), np.float32)
    planes = orientation_planes(grey.astype(np.float32))
    descriptors = np.vstack([dense_sift(planes, points, cell) for cell in DENSE_CELLS])
    descriptors /= np.linalg.norm(descriptors, axis=1, keepdims=True) + 1e-7
    descriptors = np.minimum(descriptors, 0.2)
    descriptors /= np.linalg.norm(descriptors, axis=1, keepdims=True) + 1e-7
    descriptors /= descriptors.sum(axis=1, keepdims=True) + 1e-7
    return np.sqrt(descriptors).astype(np.float32)


def sample_rows(rows: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Up to ``k`` rows of ``rows``, chosen by ``seed`` (for the vocabulary sample)."""
    if len(rows) <= k:
        return rows
    chosen = np.random.default_rng(seed).choice(len(rows), size=k, replace=False)
    return rows[np.sort(chosen)]


def nearest_words(descriptors: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    """The index of the nearest word (squared L2) for every descriptor."""
    cross = descriptors.astype(np.float32) @ vocabulary.T.astype(np.float32)
    distance = (vocabulary.astype(np.float32) ** 2).sum(axis=1)[None, :] - 2 * cross
    return distance.argmin(axis=1)


def learn_vocabulary(samples: np.ndarray, size: int = VOCABULARY_SIZE, seed: int = 0) -> np.ndarray:
    """``size`` words (size, 128) float32 by k-means (k-means++ start, Lloyd iterations).

    Deterministic for the same samples and seed; an empty word is re-seeded with the sample
    farthest from its word.
    """
    samples = np.asarray(samples, np.float32)
    size = min(size, len(samples))
    rng = np.random.default_rng(seed)
    centres = [samples[rng.integers(len(samples))]]
    nearest = ((samples - centres[0]) ** 2).sum(axis=1)
    for _ in range(1, size):
        pick = rng.choice(len(samples), p=nearest / nearest.sum()) if nearest.sum() > 0 else 0
        centres.append(samples[pick])
        nearest = np.minimum(nearest, ((samples - samples[pick]) ** 2).sum(axis=1))
    vocabulary = np.stack(centres)
    for _ in range(KMEANS_ITERATIONS):
        words = nearest_words(samples, vocabulary)
        counts = np.bincount(words, minlength=size)
        sums = np.zeros_like(vocabulary)
        np.add.at(sums, words, samples)
        empty = counts == 0
        vocabulary = np.where(empty[:, None], vocabulary, sums / np.maximum(counts, 1)[:, None])
        if empty.any():
            gaps = ((samples - vocabulary[words]) ** 2).sum(axis=1)
            vocabulary[empty] = samples[np.argsort(-gaps)[: int(empty.sum())]]
    return vocabulary.astype(np.float32)


def encode_words(descriptors: np.ndarray, vocabulary: np.ndarray) -> np.ndarray:
    """The Hellinger-mapped word histogram (len(vocabulary),) float64 of one region."""
    histogram = np.zeros(len(vocabulary))
    if len(descriptors):
        histogram = np.bincount(nearest_words(descriptors, vocabulary), minlength=len(vocabulary))
        histogram = histogram / histogram.sum()
    return np.sqrt(histogram)


@lru_cache(maxsize=2)
def load_vocabulary(path: str) -> np.ndarray:
    """A vocabulary saved with ``np.save`` (read once per worker process)."""
    return np.load(Path(path))
