"""Swap decisions: thresholds, review band, mixed masks, unreliable or blind classifiers."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.data.label_fix.regions import SpeciesRegion
from practicum_work.data.label_fix.swap_detection import SwapRules, judge_mask, region_evidence

SETTINGS = SwapRules(swap_threshold=0.75, review_threshold=0.5)


def _single(label: int, p_dog: float, p_animal: float | None = None):
    region = SpeciesRegion(label, 500, (1, 2, 30, 40), 'image', [480, 20])
    return [region], [region_evidence(region, p_dog, fold=2, p_animal=p_animal)]


@pytest.mark.parametrize(
    ('label', 'p_dog', 'action'),
    [(1, 0.9, 'swap'), (1, 0.6, 'review'), (1, 0.2, 'keep'), (2, 0.1, 'swap'), (2, 0.45, 'review')],
)
def test_single_species_thresholds(label, p_dog, action):
    verdict = judge_mask(*_single(label, p_dog), SETTINGS)
    assert verdict.action == action


def test_evidence_carries_confidence_pixels_and_components():
    regions, evidence = _single(1, 0.9)
    verdict = judge_mask(regions, evidence, SETTINGS)
    ev = verdict.regions[0]
    assert ev['p_other_species'] == pytest.approx(0.9)
    assert ev['pixels'] == 500 and ev['component_areas'] == [480, 20]
    assert ev['judged_by_fold'] == 2 and 'looks like a dog' in verdict.reason


def test_unreliable_classifier_or_no_animal_seen_means_review_not_swap():
    blocked = judge_mask(*_single(1, 0.99), SETTINGS, blocked='the classifier is unsure')
    assert blocked.action == 'review' and 'not swapped: the classifier is unsure' in blocked.reason
    verdict = judge_mask(*_single(1, 0.99, p_animal=0.02), SETTINGS)
    assert verdict.action == 'review' and 'sees no cat or dog' in verdict.reason
    assert judge_mask(*_single(1, 0.99, p_animal=0.6), SETTINGS).action == 'swap'


def _mixed(p_dogs: list[float]):
    regions = [
        SpeciesRegion(1, 300, (0, 0, 10, 10), 'component', [300], (1, 1)),
        SpeciesRegion(2, 400, (20, 20, 40, 40), 'component', [400], (21, 21)),
    ]
    return regions, [region_evidence(r, p) for r, p in zip(regions, p_dogs)]


def test_mixed_masks_are_never_swapped_blindly():
    agree = judge_mask(*_mixed([0.1, 0.9]), SETTINGS)
    assert agree.action == 'keep'
    wrong_cat = judge_mask(*_mixed([0.95, 0.9]), SETTINGS)
    assert wrong_cat.action == 'review' and 'both species' in wrong_cat.reason
    per_component = SwapRules(0.8, 0.5, mixed_policy='per-component')
    confident = judge_mask(*_mixed([0.95, 0.9]), per_component)
    assert confident.action == 'swap_components'
    assert confident.swap_components == [{'label': 'cat', 'seed_xy': [1, 1], 'pixels': 300}]
    uncertain = judge_mask(*_mixed([0.95, 0.4]), per_component)
    assert uncertain.action == 'review'


def test_nothing_to_judge():
    assert judge_mask([], [], SETTINGS).action == 'keep'


def test_a_swap_needs_every_fold_draw_to_agree():
    region = SpeciesRegion(1, 500, (1, 2, 30, 40), 'image', [500])
    steady = region_evidence(region, 0.97, p_dog_draws=np.array([0.96, 0.97, 0.98]))
    assert steady['p_other_lowest_draw'] == pytest.approx(0.96)
    assert judge_mask([region], [steady], SwapRules(0.95, 0.5)).action == 'swap'
    # the same mean, but one draw of the folds doubts it: a person decides
    shaky = region_evidence(region, 0.97, p_dog_draws=np.array([0.9, 1.0, 1.0]))
    verdict = judge_mask([region], [shaky], SwapRules(0.95, 0.5))
    assert verdict.action == 'review' and 'one fold draw says only P=0.90' in verdict.reason
    dog = SpeciesRegion(2, 500, (1, 2, 30, 40), 'image', [500])
    other = region_evidence(dog, 0.02, p_dog_draws=np.array([0.01, 0.03]))
    assert other['p_other_lowest_draw'] == pytest.approx(0.97)
