"""Is the species classifier good enough on this dataset to swap labels on its own word?

Measured on the labelled animals it learned from (train and val, single-species masks), out of
fold for ``self`` (every region judged by models that never saw its image), as they come for
``imagenet``:

- ``agreement``: the share of regions whose label the classifier's more likely species
  matches. With a few percent of swapped labels, a classifier that is right about 95% of
  animals agrees with 85-90% of the labels; one that disagrees with more than a fifth of them
  is more likely wrong than the labels are.
- ``uncertain_share``: the share of regions with P(other species) between 0.25 and 0.75. A
  classifier that knows cats from dogs is decisive about swapped and correct labels alike; this
  does not depend on how many labels are wrong. Measured with the noise of the default
  ``inject-noise`` preset: 0.04-0.06 on demo data and 0.07-0.10 on the real Oxford-IIIT Pet
  sample for the ``self`` classifier, whose swaps there were >= 0.95 precise; weaker
  descriptor sets that reached only 0.5-0.86 precision were uncertain on 0.14-0.36.
- ``calibration_error``: the expected calibration error of P(dog) against the labels (10
  equal-width bins): how far the stated probabilities are from the label frequencies.

Below the bar (:class:`ReliabilityBar`) the plan swaps nothing on the classifier's word: every
suspected swap goes to review, and plan.json says why.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from practicum_work.core.classes import DOG


@dataclass(frozen=True)
class ReliabilityBar:
    """The documented bar a classifier must clear before its swaps are applied."""

    min_agreement: float = 0.80
    max_uncertain_share: float = 0.12
    max_calibration_error: float = 0.15


def calibration_error(p_dog: np.ndarray, is_dog: np.ndarray, bins: int = 10) -> float:
    """Expected calibration error of ``p_dog`` against ``is_dog`` (equal-width bins)."""
    index = np.clip((p_dog * bins).astype(np.int64), 0, bins - 1)
    counts = np.bincount(index, minlength=bins)
    stated = np.bincount(index, weights=p_dog, minlength=bins)
    observed = np.bincount(index, weights=is_dog.astype(np.float64), minlength=bins)
    used = counts > 0
    gaps = np.abs(stated[used] - observed[used])  # = counts * |mean p - frequency|
    return float(gaps.sum() / max(1, counts.sum()))


def measure_reliability(p_dog: np.ndarray, labels: np.ndarray) -> dict:
    """Agreement, uncertain share and calibration error of ``p_dog`` on regions ``labels``."""
    p_dog = np.asarray(p_dog, np.float64)
    is_dog = np.asarray(labels) == DOG
    p_other = np.where(is_dog, 1 - p_dog, p_dog)
    return {
        'regions': len(p_dog),
        'agreement': round(float((p_other < 0.5).mean()), 4) if len(p_dog) else None,
        'uncertain_share': round(float(((p_other >= 0.25) & (p_other < 0.75)).mean()), 4)
        if len(p_dog)
        else None,
        'calibration_error': round(calibration_error(p_dog, is_dog), 4) if len(p_dog) else None,
    }


def check_reliability(measures: dict, bar: ReliabilityBar | None = None) -> dict:
    """``{'measures', 'bar', 'passed', 'failed'}``: which parts of the bar were missed, and how."""
    bar = bar or ReliabilityBar()
    failed = []
    if not measures.get('regions'):
        failed.append('no labelled animal to measure it on')
    else:
        if measures['agreement'] < bar.min_agreement:
            failed.append(
                f'it agrees with only {measures["agreement"]:.0%} of the labels '
                f'(bar {bar.min_agreement:.0%})'
            )
        if measures['uncertain_share'] > bar.max_uncertain_share:
            failed.append(
                f'it is unsure about {measures["uncertain_share"]:.0%} of the animals '
                f'(bar {bar.max_uncertain_share:.0%})'
            )
        if measures['calibration_error'] > bar.max_calibration_error:
            failed.append(
                f'its probabilities are off by {measures["calibration_error"]:.2f} on average '
                f'(calibration error, bar {bar.max_calibration_error:.2f})'
            )
    return {'measures': measures, 'bar': asdict(bar), 'passed': not failed, 'failed': failed}
