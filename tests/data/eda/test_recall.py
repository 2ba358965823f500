"""Against injected noise: every technical fault found, no error on a clean item, true stats."""

from __future__ import annotations

import numpy as np
from PIL import Image

from practicum_work.data.eda.run import run_eda
from practicum_work.data.noise_injection import noise_file_for
from tests.conftest import load_benchmark_module

scoring = load_benchmark_module('eda_scoring')  # the benchmark's scorer, tested here
TECHNICAL_NOISE_TYPES = scoring.TECHNICAL_NOISE_TYPES
load_noise_truth, score_report = scoring.load_noise_truth, scoring.score_report


def test_recall_one_and_no_error_on_a_clean_item(noisy_dataset, tmp_path, digest):
    before = digest(noisy_dataset)
    report = run_eda(noisy_dataset, out=tmp_path / 'eda', workers=2, show_progress=False).report
    truth = load_noise_truth(noise_file_for(noisy_dataset))
    score = score_report(report, truth)
    assert score['expected'] == 2 * len(TECHNICAL_NOISE_TYPES)  # every type once in train, val
    assert score['recall'] == 1.0, score['missed']
    assert score['errors_on_clean_items'] == []
    assert report['summary']['by_split']['test']['error'] == 0
    assert digest(noisy_dataset) == before

    # the clean test split's statistics equal an independent count over its masks
    masks = [np.array(Image.open(p)) for p in sorted((noisy_dataset / 'labels/test').glob('*'))]
    stats = report['statistics']['test']
    for value, name in enumerate(('background', 'cat', 'dog')):
        assert stats['class_pixels'][name] == sum(int((m == value).sum()) for m in masks)
        assert stats['images_with_class'][name] == sum(bool((m == value).any()) for m in masks)
    assert stats['image_sizes'] == {'64x64': 4}


def test_score_counts_a_missed_fault_and_an_error_on_a_clean_item():
    truth = {
        'items': [
            {'split': 'train', 'stem': 'a', 'type': 'rgb_mask'},
            {'split': 'train', 'stem': 'b', 'type': 'swap'},  # semantic: not expected here
        ]
    }
    item = dict(split='train', file='f', message='m')
    report = {
        'items': [
            dict(item, stem='c', kind='stray_values', severity='error'),
            dict(item, stem='d', kind='tiny_mask', severity='warning'),
        ]
    }
    score = score_report(report, truth)
    assert score['expected'] == 1 and score['recall'] == 0.0
    assert [i['stem'] for i in score['errors_on_clean_items']] == ['c']
