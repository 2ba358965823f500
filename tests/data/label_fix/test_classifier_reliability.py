"""The classifier's reliability gate: its measures, the bar, and what the plan does below it."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest

from practicum_work.cli import main
from practicum_work.data.label_fix.classifier_reliability import (
    ReliabilityBar,
    calibration_error,
    check_reliability,
    measure_reliability,
)
from practicum_work.data.label_fix.swap_detection import swap_evidence
from tests.conftest import swap_mask, write_toy_dataset


def test_calibration_error_by_hand():
    p_dog = np.array([0.05, 0.15, 0.95, 0.92])
    is_dog = np.array([0, 1, 1, 1], bool)
    # bins 0, 1, 9, 9: |0.05 - 0| + |0.15 - 1| + |0.95 + 0.92 - 2|, over 4 regions
    assert calibration_error(p_dog, is_dog) == pytest.approx((0.05 + 0.85 + 0.13) / 4)
    assert calibration_error(np.array([0.0, 1.0]), np.array([0, 1], bool)) == 0.0


def test_measures_agreement_uncertainty_and_calibration():
    labels = np.array([1, 1, 2, 2, 2])
    p_dog = np.array([0.1, 0.6, 0.9, 0.7, 0.2])  # P(other) 0.1, 0.6, 0.1, 0.3, 0.8
    measures = measure_reliability(p_dog, labels)
    assert measures['regions'] == 5
    assert measures['agreement'] == pytest.approx(3 / 5)
    assert measures['uncertain_share'] == pytest.approx(2 / 5)  # 0.6 and 0.3
    assert 0 <= measures['calibration_error'] <= 1


def test_the_bar_names_every_part_it_misses():
    good = {'regions': 100, 'agreement': 0.88, 'uncertain_share': 0.05, 'calibration_error': 0.08}
    assert check_reliability(good)['passed']
    bad = {'regions': 100, 'agreement': 0.7, 'uncertain_share': 0.3, 'calibration_error': 0.2}
    report = check_reliability(bad)
    assert not report['passed'] and len(report['failed']) == 3
    assert 'agrees with only 70% of the labels (bar 80%)' in report['failed'][0]
    assert 'unsure about 30% of the animals' in report['failed'][1]
    assert report['bar'] == {
        'min_agreement': 0.8,
        'max_uncertain_share': 0.12,
        'max_calibration_error': 0.15,
    }
    assert check_reliability(good, ReliabilityBar(min_agreement=0.9))['passed'] is False
    assert not check_reliability({'regions': 0})['passed']


def test_below_the_bar_nothing_is_swapped_and_suspects_go_to_review(tmp_path, capsys):
    """Labels swapped at random on 40% of the animals: no classifier can vouch for them."""
    root = tmp_path / 'pets'
    stems = write_toy_dataset(root, {'train': 30, 'val': 10, 'test': 4}, size=96, seed=3)
    rng = np.random.default_rng(0)
    for split in ('train', 'val'):
        for stem in stems[split]:
            if rng.random() < 0.4:
                swap_mask(root / 'labels' / split / f'{stem}.png')
    argv = ['fix-labels', '--data-root', str(root), '--dry-run', '--workers', '1']
    argv += ['--swap-threshold', '0.8']
    assert main([*argv, '--plan-dir', str(tmp_path / 'plan'), '--classifier', 'self']) == 0
    out = capsys.readouterr().out
    warnings = [line for line in out.splitlines() if 'not reliable on this dataset' in line]
    assert len(warnings) == 1 and 'nothing is swapped on its word' in warnings[0]
    plan = json.loads((tmp_path / 'plan' / 'plan.json').read_text())
    classifier = plan['classifier']
    assert classifier['reliable'] is False and classifier['reliability']['passed'] is False
    assert classifier['reliability']['measures']['agreement'] < 0.8
    items = plan['items']
    assert not [i for i in items if {'type': 'swap_species'} in i['changes']]
    confident = [
        i for i in items if any(swap_evidence(r) >= 0.8 for r in i['evidence'].get('species', []))
    ]
    assert confident  # the classifier would have swapped these on its own word
    for item in confident:
        assert item['decision'] == 'review' and 'species_review' in item['issues']
        assert 'not swapped: the self classifier is not reliable' in ' '.join(item['reasons'])
    shutil.rmtree(root)
