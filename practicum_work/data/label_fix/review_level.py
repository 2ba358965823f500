"""How noisy a group of labels looks to the classifier, and the P(other) worth a person's time.

The classifier judges an animal without seeing its label, so its P(other species) of a
swapped label is the mirror of what it would say about the same animal labelled correctly:
P(other) of a swap = 1 - P(other) of a clean label. With a share ``noise`` of labels swapped at
random, the counts ``above(t)`` (P(other) >= t) and ``below(t)`` (P(other) <= 1 - t) are

    above = (1 - noise) * wrong(t) + noise * right(t)
    below = (1 - noise) * right(t) + noise * wrong(t)

where ``wrong(t)`` / ``right(t)`` count the animals the classifier is confidently wrong /
right about. Solved for them, the swaps expected at or above ``t`` are
``noise * ((1 - noise) * below - noise * above) / (1 - 2 * noise)`` (the mirror estimate).
``noise`` itself is read off where the classifier is most sure of itself: the share of the
animals it judges with P >= ``CONFIDENT`` that it contradicts.

The review level of a group is the lowest P(other) >= ``floor`` at which at least ``precision``
(one half) of the animals at or above it are expected to be real swaps: it adapts to the
data. On a split with few or no swaps (a clean test split) the classifier's own confident
errors are then not sent to a person, and on a noisy split the level stays at 0.5. The
estimate is coarse (tens of animals); it sets the review level, never the swaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

# P(other) or P(same) at which the classifier is taken to know the species. Measured with 0.9
# and 0.95 (bench_label_fix.py, all sections): the same levels on noisy splits; on the sample's
# clean test split 0.9 took the classifier's few confident mistakes for swaps more often (2-5
# clean test masks sent to review per seed, against 0-4 with 0.95).
CONFIDENT = 0.95
MIN_GROUP = 20  # fewer judged animals than this: no estimate of their own
STEP = 0.01


@dataclass(frozen=True)
class ReviewLevel:
    """A group's estimated noise and the P(other) from which it goes to review.

    ``noise`` and ``expected_swaps`` are None for a level given by the user (not estimated).
    """

    noise: float | None
    level: float  # 1.0: nothing below the swap threshold is worth a review
    expected_swaps: float | None  # at or above ``level``
    flagged: int  # animals at or above ``level``

    def to_json(self) -> dict:
        """The record of plan.json's ``classifier.groups``."""
        return {
            'estimated_noise': None if self.noise is None else round(self.noise, 4),
            'review_level': round(self.level, 2),
            'flagged_at_review_level': self.flagged,
            'expected_swaps_among_them': (
                None if self.expected_swaps is None else round(self.expected_swaps, 1)
            ),
        }


def estimated_noise(p_other: np.ndarray, confident: float = CONFIDENT) -> float:
    """The share of swapped labels the classifier implies (see the module doc), <= 0.45."""
    p_other = np.asarray(p_other, np.float64)
    above = int(np.count_nonzero(p_other >= confident))
    below = int(np.count_nonzero(p_other <= 1 - confident))
    return min(0.45, above / max(1, above + below))


def expected_swaps(p_other: np.ndarray, level: float, noise: float) -> float:
    """Swapped labels expected among the animals with P(other) >= ``level`` (mirror estimate)."""
    p_other = np.asarray(p_other, np.float64)
    above = int(np.count_nonzero(p_other >= level))
    below = int(np.count_nonzero(p_other <= 1 - level))
    swaps = noise * ((1 - noise) * below - noise * above) / (1 - 2 * noise)
    return float(min(max(swaps, 0.0), above))


def review_level(p_other: np.ndarray, floor: float = 0.5, precision: float = 0.5) -> ReviewLevel:
    """The lowest P(other) >= ``floor`` whose flagged animals are >= ``precision`` swaps."""
    p_other = np.asarray(p_other, np.float64)
    noise = estimated_noise(p_other)
    for level in np.arange(floor, 1.0 + STEP / 2, STEP):
        level = round(float(level), 2)
        flagged = int(np.count_nonzero(p_other >= level))
        if not flagged:
            continue
        swaps = expected_swaps(p_other, level, noise)
        if swaps >= precision * flagged:
            return ReviewLevel(noise, level, swaps, flagged)
    return ReviewLevel(noise, 1.0, 0.0, 0)
