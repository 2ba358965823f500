"""The groups of judged animals that fix-labels measures on their own before trusting them.

``pool``: the single-species animals of the splits the ``self`` classifier learns from (train
and val), each judged out of fold. Every other split (the test split; the components of masks
holding both species, split by split) is judged by models that learned from none of its
animals, so a breed or a kind of photo that the pool lacks shows there first. Each group gets
its own reliability check (:mod:`.classifier_reliability`: nothing is swapped in a group the
classifier is unreliable on) and its own review level (:mod:`.review_level`). A group of fewer
than ``MIN_GROUP`` animals is too small to measure and takes the pool's.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from practicum_work.core.classes import DOG
from practicum_work.data.label_fix.classifier_reliability import (
    check_reliability,
    measure_reliability,
)
from practicum_work.data.label_fix.review_level import MIN_GROUP, ReviewLevel, review_level

POOL = 'pool'


@dataclass
class JudgedGroup:
    """One group: its rows in the judgement, reliability and review level."""

    name: str
    rows: np.ndarray
    reliability: dict
    level: ReviewLevel
    measured: bool = True  # False: too small, the pool's verdict and level apply

    @property
    def reliable(self) -> bool:
        """Whether its confident swaps may be applied."""
        return bool(self.reliability['passed'])

    def to_json(self) -> dict:
        """plan.json's ``classifier.groups[name]``."""
        record = {
            'animals': len(self.rows),
            'measured_on_its_own': self.measured,
            'reliable': self.reliable,
            'reliability': self.reliability,
            **self.level.to_json(),
        }
        return record


def group_names(splits: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """The group of every judged region: ``pool`` or the name of its split."""
    return np.where(pool, POOL, splits)


def _measure(p_dog: np.ndarray, labels: np.ndarray, review_threshold: float | None):
    reliability = check_reliability(measure_reliability(p_dog, labels))
    p_other = np.where(labels == DOG, 1 - p_dog, p_dog)
    if review_threshold is None:
        level = review_level(p_other)
    else:
        flagged = int(np.count_nonzero(p_other >= review_threshold))
        level = ReviewLevel(None, review_threshold, None, flagged)
    return reliability, level


def judge_groups(
    p_dog: np.ndarray,
    labels: np.ndarray,
    groups: np.ndarray,
    review_threshold: float | None = None,
) -> dict[str, JudgedGroup]:
    """Reliability and review level per group (``review_threshold`` None: adaptive).

    ``groups`` names each region's group (:func:`group_names`); the pool comes first.
    """
    names = [POOL] if POOL in groups else []
    names += sorted(set(groups.tolist()) - {POOL})
    judged: dict[str, JudgedGroup] = {}
    for name in names:
        rows = np.flatnonzero(groups == name)
        pool = judged.get(POOL)
        if name != POOL and pool is not None and len(rows) < MIN_GROUP:
            judged[name] = JudgedGroup(name, rows, pool.reliability, pool.level, measured=False)
            continue
        reliability, level = _measure(p_dog[rows], labels[rows], review_threshold)
        judged[name] = JudgedGroup(name, rows, reliability, level)
    return judged
