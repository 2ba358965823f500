"""Bootstrap intervals of mDice over images, of the very metric MMSeg reports.

A test split's mDice is computed from areas summed over its images (``IoUMetric``: per class
2 * intersection / (prediction + label), then the mean over classes, NaN skipped). Resampling
images with replacement and summing the same per-image areas for each resample gives the
distribution of that metric over "other test sets like this one"; the 2.5th and 97.5th
percentiles are the 95% interval (percentile bootstrap). A paired bootstrap draws the same
images for two experiments in each resample, so that the interval of their difference is
not widened by which images happen to be hard.

Per-image areas come from ``per_image_<split>_<checkpoint>.json``, which MetricsJsonHook writes
next to the test metrics of ``tools/test.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from practicum_work.core.errors import PetsegError

DEFAULT_RESAMPLES = 2000
CONFIDENCE = 0.95


@dataclass
class PerImageAreas:
    """Per-image areas of one test run: ``(images, classes)`` arrays."""

    images: list[str]
    classes: list[str]
    intersect: np.ndarray
    pred: np.ndarray
    label: np.ndarray

    def select(self, images: list[str]) -> PerImageAreas:
        """The rows of ``images``, in that order."""
        index = {name: i for i, name in enumerate(self.images)}
        rows = [index[name] for name in images]
        return PerImageAreas(
            list(images), self.classes, self.intersect[rows], self.pred[rows], self.label[rows]
        )


def read_per_image(path: str | Path) -> PerImageAreas:
    """``per_image_<split>_<checkpoint>.json`` as arrays; a broken file is a clear error."""
    path = Path(path)
    try:
        record = json.loads(path.read_text(encoding='utf-8'))
        return PerImageAreas(
            list(record['images']),
            list(record['classes']),
            np.asarray(record['area_intersect'], dtype=np.float64),
            np.asarray(record['area_pred'], dtype=np.float64),
            np.asarray(record['area_label'], dtype=np.float64),
        )
    except (OSError, ValueError, KeyError) as err:
        raise PetsegError(f'{path}: not a per-image areas file ({err})') from err


def mdice_of_sums(intersect: np.ndarray, pred: np.ndarray, label: np.ndarray) -> np.ndarray:
    """mDice (percent) of areas summed over the last-but-one axis (NaN classes skipped).

    ``(..., images, classes)`` -> ``(...)``: one value per resample when given a stack.
    """
    i, p, lab = intersect.sum(-2), pred.sum(-2), label.sum(-2)
    with np.errstate(invalid='ignore', divide='ignore'):
        dice = 2 * i / (p + lab)
    return np.nanmean(dice, axis=-1) * 100


def _resample_sums(areas: PerImageAreas, draws: np.ndarray) -> np.ndarray:
    """mDice of each resample: ``draws`` is ``(resamples, images)`` of row indices."""
    counts = np.stack([np.bincount(d, minlength=len(areas.images)) for d in draws])
    i, p, lab = (counts @ a for a in (areas.intersect, areas.pred, areas.label))
    with np.errstate(invalid='ignore', divide='ignore'):
        dice = 2 * i / (p + lab)
    return np.nanmean(dice, axis=-1) * 100


def _draws(n_images: int, resamples: int, seed: int) -> np.ndarray:
    if n_images < 2:
        raise PetsegError(f'{n_images} test image(s): a bootstrap needs at least 2')
    return np.random.default_rng(seed).integers(0, n_images, size=(resamples, n_images))


@dataclass
class Interval:
    """A point estimate and its percentile-bootstrap interval."""

    value: float
    low: float
    high: float
    images: int
    resamples: int

    def to_json(self) -> dict:
        """Rounded to 2 decimals, as MMSeg reports percent."""
        return {
            'value': round(self.value, 2),
            'low': round(self.low, 2),
            'high': round(self.high, 2),
            'confidence': CONFIDENCE,
            'images': self.images,
            'resamples': self.resamples,
        }


def _interval(value: float, samples: np.ndarray, images: int) -> Interval:
    tail = (1 - CONFIDENCE) / 2 * 100
    low, high = np.nanpercentile(samples, [tail, 100 - tail])
    return Interval(float(value), float(low), float(high), images, len(samples))


def mdice_interval(
    areas: PerImageAreas, resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> Interval:
    """Test mDice and its 95% bootstrap interval over images."""
    draws = _draws(len(areas.images), resamples, seed)
    value = float(mdice_of_sums(areas.intersect, areas.pred, areas.label))
    return _interval(value, _resample_sums(areas, draws), len(areas.images))


def paired_difference(
    first: PerImageAreas, second: PerImageAreas, resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> Interval:
    """mDice(first) - mDice(second) on the images both hold, with its paired 95% interval."""
    common = sorted(set(first.images) & set(second.images))
    if first.classes != second.classes:
        raise PetsegError(f'different classes: {first.classes} vs {second.classes}')
    a, b = first.select(common), second.select(common)
    draws = _draws(len(common), resamples, seed)
    value = float(
        mdice_of_sums(a.intersect, a.pred, a.label) - mdice_of_sums(b.intersect, b.pred, b.label)
    )
    samples = _resample_sums(a, draws) - _resample_sums(b, draws)
    return _interval(value, samples, len(common))


def difference_sentence(best: str, other: str, diff: Interval) -> str:
    """One plain sentence on whether ``best`` really beats ``other``."""
    span = f'95% CI [{diff.low:.1f}, {diff.high:.1f}]'
    if diff.low > 0:
        return f'{best} beats {other} by {diff.value:.1f} mDice, {span}.'
    return (
        f'{best} and {other} are not distinguishable on these {diff.images} images '
        f'({diff.value:+.1f} mDice, {span}).'
    )
