"""Blurry images: far less sharp than the rest of the dataset (variance of the Laplacian).

Sharpness is the variance of the Laplacian of the image's grey levels at full resolution (the
usual focus measure, Pech-Pacheco et al. 2000). No fixed threshold fits every dataset: the
variance depends on content, resolution and compression as much as on focus. So the threshold
is learned from the dataset itself, in three steps:

- log10 of the variance: blur divides it by a factor, so in log space it is a shift, and the
  sharp images' values are close to symmetric there (a long tail in linear space);
- median and MAD (x 1.4826, the normal's standard deviation): robust, so the blurry images
  themselves, flat images or a cluster of odd ones cannot move the threshold (half of the
  images could be outliers before they did), where a mean and a standard deviation would
  follow them down;
- blurry: more than ``ROBUST_SDS`` = 3 robust standard deviations below the median (~1 sharp
  image in 740 by chance if the sharp ones were normal in log space).

It needs ``MIN_IMAGES`` measured images and some spread (MAD > 0); otherwise it says nothing.
"""

from __future__ import annotations

from typing import Any

import cv2
import numpy as np

from practicum_work.core.findings import CHECKS, INFO, Check, Finding, Kind
from practicum_work.data.checks.sample import PairSample

ROBUST_SDS = 3.0
MAD_TO_SD = 1.4826
MIN_IMAGES = 20
_FLOOR = 1e-6  # a flat image's variance is 0: log10 needs a floor


def laplacian_variance(grey: np.ndarray) -> float:
    """The variance of the 3x3 Laplacian of a uint8 grey image (exact: 16-bit arithmetic)."""
    _, std = cv2.meanStdDev(cv2.Laplacian(grey, cv2.CV_16S))
    return float(std[0, 0]) ** 2


def blur_threshold(variances: np.ndarray) -> tuple[float, float, float] | None:
    """``(threshold, median, robust sd)`` of log10 variances, or None when none can be learned."""
    if len(variances) < MIN_IMAGES:
        return None
    logs = np.log10(np.maximum(variances, _FLOOR))
    median = float(np.median(logs))
    sd = MAD_TO_SD * float(np.median(np.abs(logs - median)))
    if sd <= 0:
        return None
    return median - ROBUST_SDS * sd, median, sd


@CHECKS.register
class BlurryImage(Check):
    """Per image: the variance of the Laplacian; over the dataset: the learned threshold."""

    name = 'blurry'
    kinds = (
        Kind(
            'blurry_image',
            INFO,
            "much less sharp than the dataset's other images (out of focus, motion, upscaled)",
        ),
    )
    rule = (
        f'log10(variance of the Laplacian) more than {ROBUST_SDS:g} x 1.4826 x MAD below the '
        f'median of the scanned images (needs {MIN_IMAGES})'
    )

    def on_pair(self, sample: PairSample, found: list[Finding]) -> float | None:
        grey = sample.luma
        return None if grey is None else laplacian_variance(grey)

    def on_dataset(self, scan: Any, found: list[Finding]) -> None:
        measures = scan.measures.get(self.name, [])
        learned = blur_threshold(np.array([m.value for m in measures], np.float64))
        if learned is None:
            return
        threshold, median, sd = learned
        for measure in measures:
            log_value = np.log10(max(measure.value, _FLOOR))
            if log_value >= threshold:
                continue
            z = (log_value - median) / sd
            message = (
                f"variance of the Laplacian {measure.value:.1f}, under the dataset's threshold "
                f'{10**threshold:.1f} (median {10**median:.1f}; {-z:.1f} robust SDs below it '
                'in log space)'
            )
            evidence = {
                'laplacian_variance': round(measure.value, 3),
                'threshold': round(10**threshold, 3),
                'median': round(10**median, 3),
                'robust_z': round(z, 2),
            }
            found.append(
                self.finding(
                    'blurry_image',
                    measure.split,
                    measure.stem,
                    message,
                    file=measure.image_file,
                    evidence=evidence,
                )
            )
