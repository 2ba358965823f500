"""The one k-fold assignment: groups kept whole, optionally stratified, deterministic.

Used by fix-labels' ``self`` classifier (regions grouped by image, stratified by species) and
by label-quality's fold models (one sample per group).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def assign_folds(
    groups: Sequence | np.ndarray,
    folds: int,
    seed: int = 0,
    strata: Sequence | np.ndarray | None = None,
) -> np.ndarray:
    """A fold (0..folds-1) per item: all items of a group in one fold, strata spread evenly.

    Groups are taken in sorted order; within each stratum (its first item's value, strata in
    sorted order) they are shuffled by ``seed`` and dealt round-robin, continuing where the
    previous stratum stopped, so fold sizes differ by at most one per stratum.
    """
    groups = np.asarray(groups)
    unique, first = np.unique(groups, return_index=True)
    group_strata = np.zeros(len(unique)) if strata is None else np.asarray(strata)[first]
    rng = np.random.default_rng(seed)
    group_fold: dict = {}
    for stratum in np.unique(group_strata):
        members = unique[group_strata == stratum]
        members = members[rng.permutation(len(members))]
        offset = len(group_fold)
        for position, group in enumerate(members):
            group_fold[group] = (position + offset) % folds
    return np.array([group_fold[g] for g in groups], dtype=np.int64)
