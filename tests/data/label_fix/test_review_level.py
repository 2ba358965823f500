"""The review level adapts to how noisy a group of labels looks to the classifier."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.data.label_fix.judged_groups import POOL, group_names, judge_groups
from practicum_work.data.label_fix.review_level import (
    estimated_noise,
    expected_swaps,
    review_level,
)


def _group(clean: int, swapped: int, errors: list[float], seed: int = 0) -> np.ndarray:
    """P(other species) of a group: the classifier sure and right about most animals, a few
    confident errors on clean labels, and its swapped labels mirrored (P(other) = 1 - P)."""
    rng = np.random.default_rng(seed)
    sure = rng.uniform(0.0, 0.04, clean + swapped)
    return np.concatenate([sure[:clean], 1 - sure[clean:], errors])


def test_noise_and_expected_swaps_follow_the_mirror_of_the_labels():
    p_other = _group(clean=270, swapped=30, errors=[])
    assert estimated_noise(p_other) == pytest.approx(0.1)
    assert expected_swaps(p_other, 0.5, 0.1) == pytest.approx(30, abs=0.5)


def test_a_noisy_group_is_reviewed_from_one_half_a_clean_one_not_for_its_classifier_errors():
    errors = [0.55, 0.6, 0.7, 0.8, 0.97]  # the classifier's own confident mistakes
    noisy = review_level(_group(clean=270, swapped=30, errors=errors))
    assert noisy.level == 0.5 and noisy.noise == pytest.approx(31 / 305, abs=0.01)
    clean = review_level(_group(clean=300, swapped=0, errors=errors[:-1]))
    assert clean.level == 1.0 and clean.flagged == 0  # nothing sent to a person
    # an error as confident as a swap (0.97) is taken for one: that one alone is sent
    sure_error = review_level(_group(clean=300, swapped=0, errors=errors))
    assert sure_error.level > 0.8 and sure_error.flagged == 1


def test_groups_are_measured_on_their_own_and_small_ones_take_the_pool_s():
    pool = _group(clean=180, swapped=20, errors=[0.6])
    test = _group(clean=100, swapped=0, errors=[0.7, 0.8], seed=1)
    components = np.array([0.2, 0.9])
    p_other = np.concatenate([pool, test, components])
    labels = np.ones(len(p_other), int)  # all labelled cat: P(dog) = P(other)
    splits = np.array(['train'] * len(pool) + ['test'] * len(test) + ['val'] * 2)
    in_pool = np.array([True] * len(pool) + [False] * (len(test) + 2))
    groups = judge_groups(p_other, labels, group_names(splits, in_pool))
    assert list(groups) == [POOL, 'test', 'val']
    assert groups[POOL].level.level == 0.5 and groups['test'].level.level > 0.8
    assert groups['val'].measured is False and groups['val'].level == groups[POOL].level
    fixed = judge_groups(p_other, labels, group_names(splits, in_pool), review_threshold=0.6)
    assert {g.level.level for g in fixed.values()} == {0.6}
    assert fixed[POOL].to_json()['estimated_noise'] is None


def test_a_split_the_classifier_is_unsure_about_is_not_trusted_even_if_the_pool_is():
    from practicum_work.data.label_fix.run import _blocked

    pool = _group(clean=180, swapped=20, errors=[])
    unseen = np.random.default_rng(2).uniform(0.2, 0.8, 60)  # a breed it never learned
    p_other = np.concatenate([pool, unseen])
    labels = np.ones(len(p_other), int)
    splits = np.array(['train'] * len(pool) + ['test'] * len(unseen))
    groups = judge_groups(p_other, labels, group_names(splits, splits == 'train'))
    assert groups[POOL].reliable and not groups['test'].reliable
    assert _blocked(groups[POOL], 'self') is None
    assert 'not reliable on the test split' in _blocked(groups['test'], 'self')
