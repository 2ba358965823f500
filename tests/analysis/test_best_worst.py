"""Ranking rules of best-worst on fabricated scores (no model needed)."""

from __future__ import annotations

import csv
import io

import numpy as np
import pytest

from practicum_work.analysis.best_worst import (
    ImageRecord,
    confusion_name,
    rank_best_worst,
    scores_csv,
    worst_confusions,
    worst_per_class,
)
from practicum_work.analysis.per_image_metrics import scores_from_confusion


def _record(stem: str, confusion) -> ImageRecord:
    scores = scores_from_confusion(np.array(confusion))
    return ImageRecord(stem, f'img/{stem}.jpg', f'labels/{stem}.png', f'p/{stem}.png', scores)


RECORDS = [
    _record('a', [[10, 0, 0], [0, 10, 0], [0, 0, 0]]),  # cat perfect: fg 100
    _record('b', [[10, 0, 0], [5, 5, 0], [0, 0, 0]]),  # half the cat missed: fg 66.7
    _record('c', [[10, 0, 0], [0, 0, 0], [0, 0, 0]]),  # background only: not ranked
    _record('d', [[10, 0, 2], [0, 0, 0], [0, 4, 6]]),  # false dog, dog called cat
    _record('e', [[10, 0, 0], [0, 10, 0], [0, 0, 0]]),  # ties with a
]


def test_best_and_worst_by_mean_foreground_dice_ties_by_stem():
    best, worst = rank_best_worst(RECORDS, k=3)
    assert [e.stem for e in best] == ['a', 'e', 'b']
    assert [e.stem for e in worst] == ['d', 'b', 'a']
    assert [e.rank for e in best] == [1, 2, 3]
    assert best[0].score == 100.0
    assert 'c' not in {e.stem for e in best + worst}
    assert len(rank_best_worst(RECORDS, k=10)[0]) == 4  # only the ranked ones


def test_worst_per_class_holds_only_images_whose_ground_truth_has_the_class():
    per_class = worst_per_class(RECORDS, k=5)
    # d has no cat in its mask (a dog partly predicted as cat): a false cat, not a worst cat
    assert [e.stem for e in per_class['cat']] == ['b', 'a', 'e']
    assert [e.stem for e in per_class['dog']] == ['d']
    assert per_class['cat'][0].detail == {'gt_pixels': 10, 'missed_pixels': 5}


def test_worst_per_class_ties_at_dice_zero_put_the_most_missed_first():
    dogs_called_cat = [  # every one Dice 0 for cat: a dog photo must never be a "worst cat"
        _record(f'a_dog_{i}', [[10, 3, 0], [0, 0, 0], [0, 5, 5]]) for i in range(3)
    ]
    cats_missed = [
        _record('z_big_cat', [[10, 0, 0], [40, 0, 0], [0, 0, 0]]),
        _record('m_small_cat', [[10, 0, 0], [4, 0, 0], [0, 0, 0]]),
        _record('b_half_cat', [[10, 0, 0], [4, 4, 0], [0, 0, 0]]),
    ]
    cat = worst_per_class(dogs_called_cat + cats_missed, k=5)['cat']
    assert [e.stem for e in cat] == ['z_big_cat', 'm_small_cat', 'b_half_cat']
    assert [e.score for e in cat[:2]] == [0.0, 0.0]


def test_confusions_name_and_rank_by_pixels():
    assert confusion_name(1, 0) == 'cat_missed'
    assert confusion_name(0, 2) == 'false_dog'
    assert confusion_name(2, 1) == 'dog_called_cat'
    conf = worst_confusions(RECORDS, k=5)
    assert set(conf) == {
        'false_cat', 'false_dog', 'cat_missed', 'cat_called_dog', 'dog_missed', 'dog_called_cat'
    }  # fmt: skip
    assert [(e.stem, e.detail['pixels'], e.score) for e in conf['cat_missed']] == [('b', 5, 50.0)]
    assert [(e.stem, e.detail['pixels'], e.score) for e in conf['dog_called_cat']] == [
        ('d', 4, 40.0)
    ]
    assert [e.stem for e in conf['false_dog']] == ['d']
    assert conf['cat_called_dog'] == []


def test_scores_csv_has_every_image_with_rank_and_empty_undefined_cells():
    rows = list(csv.DictReader(io.StringIO(scores_csv(RECORDS))))
    assert [r['stem'] for r in rows] == ['a', 'b', 'c', 'd', 'e']
    by_stem = {r['stem']: r for r in rows}
    assert by_stem['a']['rank'] == '1' and by_stem['e']['rank'] == '2'
    assert by_stem['c']['rank'] == '' and by_stem['c']['mean_fg_dice'] == ''
    assert by_stem['d']['gt_px_dog'] == '10' and by_stem['d']['pred_px_cat'] == '4'
    assert float(by_stem['b']['dice_cat']) == pytest.approx(2 * 5 / (10 + 5) * 100, abs=1e-3)
