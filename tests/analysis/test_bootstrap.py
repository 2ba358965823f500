"""Bootstrap intervals of mDice on fabricated per-image areas with known answers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch
from mmseg.evaluation import IoUMetric

from practicum_work.analysis.bootstrap import (
    PerImageAreas,
    difference_sentence,
    mdice_interval,
    mdice_of_sums,
    paired_difference,
    read_per_image,
)
from practicum_work.analysis.compare import compare_experiments
from practicum_work.core.errors import PetsegError

CLASSES = ['background', 'cat', 'dog']


def _areas(images: int, foreground_hit: float, seed: int, size: int = 400) -> PerImageAreas:
    """Images of ``size`` px, 25% of them one animal; the model finds ``foreground_hit`` of it
    (the rest predicted background) and never paints background as an animal."""
    rng = np.random.default_rng(seed)
    intersect, pred, label = (np.zeros((images, 3)) for _ in range(3))
    for n in range(images):
        animal = 1 + n % 2
        fg = size // 4
        hit = round(float(fg * np.clip(foreground_hit + rng.normal(0, 0.05), 0, 1)))
        label[n] = [size - fg, fg * (animal == 1), fg * (animal == 2)]
        pred[n] = [size - hit, hit * (animal == 1), hit * (animal == 2)]
        intersect[n] = [size - fg, hit * (animal == 1), hit * (animal == 2)]
    names = [f'test/img_{n:03d}' for n in range(images)]
    return PerImageAreas(names, CLASSES, intersect, pred, label)


def test_summed_areas_give_mmseg_own_mdice():
    areas = _areas(30, 0.7, seed=0)
    union = areas.pred + areas.label - areas.intersect
    metrics = IoUMetric.total_area_to_metrics(
        *(torch.tensor(a.sum(0)) for a in (areas.intersect, union, areas.pred, areas.label)),
        ['mDice'],
    )
    expected = float(np.nanmean(np.asarray(metrics['Dice'])) * 100)
    assert float(mdice_of_sums(areas.intersect, areas.pred, areas.label)) == pytest.approx(expected)


def test_interval_holds_the_estimate_and_narrows_with_more_images():
    small = mdice_interval(_areas(20, 0.7, seed=1))
    large = mdice_interval(_areas(400, 0.7, seed=1))
    for interval in (small, large):
        assert interval.low < interval.value < interval.high
    assert (large.high - large.low) < 0.5 * (small.high - small.low)


def test_95_percent_intervals_hold_the_true_mdice_about_95_times_in_100():
    # the population: background Dice 600/630, cat and dog Dice 140/170 (hits average 70 px)
    truth = 100 * (600 / 630 + 2 * 140 / 170) / 3
    held = sum(
        interval.low <= truth <= interval.high
        for interval in (
            mdice_interval(_areas(60, 0.7, seed=100 + n), resamples=500, seed=n) for n in range(100)
        )
    )
    assert 85 <= held <= 100, held


def test_a_real_gap_is_found_and_no_gap_is_not_invented():
    better, worse = _areas(60, 0.85, seed=2), _areas(60, 0.70, seed=3)
    gap = paired_difference(better, worse)
    assert gap.low > 0
    assert 'beats' in difference_sentence('hyp4', 'hyp3', gap)
    same_a, same_b = _areas(60, 0.75, seed=4), _areas(60, 0.75, seed=5)
    tie = paired_difference(same_a, same_b)
    assert tie.low < 0 < tie.high
    sentence = difference_sentence('hyp4', 'hyp3', tie)
    assert sentence.startswith('hyp4 and hyp3 are not distinguishable on these 60 images')


def test_pairing_uses_only_the_images_both_hold_and_needs_two():
    a, b = _areas(10, 0.8, seed=6), _areas(10, 0.6, seed=7)
    b = b.select(b.images[:7])
    assert paired_difference(a, b).images == 7
    with pytest.raises(PetsegError, match='at least 2'):
        mdice_interval(a.select(a.images[:1]))


def _experiment(root: Path, name: str, areas: PerImageAreas) -> Path:
    work = root / name
    work.mkdir(parents=True)
    value = float(mdice_of_sums(areas.intersect, areas.pred, areas.label))
    metrics = {'split': 'test', 'kind': 'test', 'units': 'percent',
               'summary': {'mDice': round(value, 2), 'mIoU': 50.0, 'aAcc': 90.0},
               'per_class': {c: {'Dice': 50.0} for c in CLASSES}}  # fmt: skip
    (work / 'metrics_test_iter_40.json').write_text(json.dumps(metrics))
    per_image = {'split': 'test', 'classes': CLASSES, 'images': areas.images,
                 'area_intersect': areas.intersect.tolist(), 'area_pred': areas.pred.tolist(),
                 'area_label': areas.label.tolist(),
                 'area_union': (areas.pred + areas.label - areas.intersect).tolist()}  # fmt: skip
    (work / 'per_image_test_iter_40.json').write_text(json.dumps(per_image))
    return work


def test_compare_reports_intervals_and_a_sentence_per_other_experiment(tmp_path):
    dirs = [
        _experiment(tmp_path, 'hyp_good', _areas(60, 0.85, seed=8)),
        _experiment(tmp_path, 'hyp_bad', _areas(60, 0.60, seed=9)),
        _experiment(tmp_path, 'hyp_twin', _areas(60, 0.85, seed=10)),
    ]
    (tmp_path / 'hyp_none').mkdir()
    result = compare_experiments([*dirs, tmp_path / 'hyp_none'], tmp_path / 'cmp', rank_by='test')
    by_name = {e.name: e for e in result.experiments}
    assert by_name['hyp_none'].test_mDice_ci is None
    ci = by_name['hyp_bad'].test_mDice_ci
    assert ci['low'] < ci['value'] < ci['high'] and ci['images'] == 60
    sentences = {d['other']: d['sentence'] for d in result.differences}
    best = result.ranking[0]
    assert best in ('hyp_good', 'hyp_twin') and set(sentences) == {
        'hyp_bad',
        *({'hyp_good', 'hyp_twin'} - {best}),
    }
    assert 'beats hyp_bad by' in sentences['hyp_bad']
    twin = ({'hyp_good', 'hyp_twin'} - {best}).pop()
    assert 'not distinguishable on these 60 images' in sentences[twin]
    report = (tmp_path / 'cmp' / 'report.md').read_text()
    assert '## Is the difference real?' in report and sentences['hyp_bad'] in report
    assert f'[{ci["low"]:.2f}, {ci["high"]:.2f}]' in report
    document = json.loads((tmp_path / 'cmp' / 'compare.json').read_text())
    assert len(document['differences']) == 2


def test_a_broken_per_image_file_is_a_note_not_a_crash(tmp_path):
    work = _experiment(tmp_path, 'hyp_x', _areas(10, 0.8, seed=11))
    (work / 'per_image_test_iter_40.json').write_text('{"images": [')
    result = compare_experiments([work], tmp_path / 'cmp')
    assert result.experiments[0].test_mDice_ci is None
    assert any('not a per-image areas file' in n for n in result.experiments[0].notes)
    with pytest.raises(PetsegError):
        read_per_image(work / 'per_image_test_iter_40.json')
