"""The one k-fold assignment: groups stay whole, strata spread, seeds reproduce."""

from __future__ import annotations

import numpy as np

from practicum_work.core.folds import assign_folds


def test_folds_keep_an_image_together_and_are_stratified():
    groups = np.repeat(np.arange(20), 2)
    labels = np.where(np.arange(40) < 20, 1, 2)
    folds = assign_folds(groups, 4, seed=0, strata=labels)
    for g in range(20):
        assert len(set(folds[groups == g])) == 1
    for label in (1, 2):
        counts = np.bincount(folds[labels == label], minlength=4)
        assert counts.max() - counts.min() <= 2


def test_without_strata_every_group_is_dealt_round_robin():
    folds = assign_folds(np.array(['c', 'a', 'b', 'd', 'e']), 2, seed=3)
    assert sorted(np.bincount(folds).tolist()) == [2, 3]
    assert (assign_folds(np.array(['c', 'a', 'b', 'd', 'e']), 2, seed=3) == folds).all()
