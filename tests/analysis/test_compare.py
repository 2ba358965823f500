"""compare on fabricated work dirs: metrics JSON, scalars-only runs, logs, checkpoints, gaps."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest
import torch

from practicum_work.analysis.compare import compare_experiments, summarise_experiment
from practicum_work.core.errors import OutputExistsError, PetsegError

CLASSES = ('background', 'cat', 'dog')


def _record(split: str, mdice: float, **extra) -> dict:
    return {
        'split': split,
        **extra,
        'units': 'percent',
        'summary': {'aAcc': 90.0, 'mIoU': mdice - 10, 'mDice': mdice},
        'per_class': {c: {'IoU': mdice - 10 + i, 'Dice': mdice + i} for i, c in enumerate(CLASSES)},
    }


def _write(path: Path, data) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))


def _log(start: str, end: str, train: bool) -> str:
    lines = [f'2026/01/01 {start} - mmengine - INFO - Config: ...']
    if train:
        lines.append('2026/01/01 10:01:00 - mmengine - INFO - Iter(train) [ 50/300]  lr: 1e-4')
    lines += ['  a continuation line without a time', f'2026/01/01 {end} - mmengine - INFO - done']
    return '\n'.join(lines) + '\n'


@pytest.fixture
def experiments(tmp_path) -> list[Path]:
    a = tmp_path / 'work_dirs' / 'hyp_a'
    for it, mdice in ((100, 50.0), (200, 60.0), (300, 55.0)):
        _write(a / f'metrics_val_iter_{it}.json', _record('val', mdice, iteration=it))
    _write(a / 'metrics_val_iter_400.json', '{not json')
    _write(a / 'metrics_test_best_mDice_iter_200.json', _record('test', 58.0, checkpoint='b'))
    _write(a / 'metrics_test_iter_300.json', _record('test', 57.0, checkpoint='i'))
    os.utime(a / 'metrics_test_best_mDice_iter_200.json', (1, 1))  # older than iter_300's
    _write(a / '20260101_100000' / '20260101_100000.log', _log('10:00:00', '10:05:30', True))
    _write(a / '20260101_110000' / '20260101_110000.log', _log('11:00:00', '11:09:00', False))
    state = {
        'conv.weight': torch.zeros(10, 5),
        'bn.running_mean': torch.zeros(5),
        'bn.num_batches_tracked': torch.tensor(0),
    }
    torch.save({'state_dict': state, 'meta': {}}, a / 'best_mDice_iter_200.pth')

    b = tmp_path / 'work_dirs' / 'hyp_b'  # trained without petseg's JSON hook: scalars only
    scalars = [
        {'loss': 1.0, 'time': 0.4, 'iter': 50, 'step': 50},
        {'aAcc': 91.0, 'mIoU': 50.0, 'mDice': 62.0, 'Dice.cat': 70.0, 'step': 100},
        {'aAcc': 91.0, 'mIoU': 49.0, 'mDice': 61.0, 'Dice.cat': 69.0, 'step': 200},
    ]
    _write(b / '20260102_000000' / 'vis_data' / 'scalars.json',
           '\n'.join(json.dumps(s) for s in scalars))  # fmt: skip

    c = tmp_path / 'work_dirs' / 'hyp_c'  # nothing yet
    c.mkdir(parents=True)
    return [a, b, c]


def test_summary_reads_every_source(experiments):
    a = summarise_experiment(experiments[0])
    assert a.best_iter == 200 and a.val['summary']['mDice'] == 60.0
    assert a.val_curve == [(100, 50.0), (200, 60.0), (300, 55.0)]
    assert a.test['source'] == 'metrics_test_best_mDice_iter_200.json'  # best ckpt, not newest
    assert a.test['summary']['mDice'] == 58.0
    assert a.train_time_s == 330  # the training log only; the test run's log is not training
    assert a.params == 50  # BN buffers left out
    assert any('metrics_val_iter_400.json unreadable' in n for n in a.notes)

    b = summarise_experiment(experiments[1])
    assert b.best_iter == 100 and b.val['per_class']['cat']['Dice'] == 70.0
    assert b.test is None and b.params is None and b.train_time_s is None

    c = summarise_experiment(experiments[2])
    assert c.best_iter is None and c.val is None and c.test is None
    assert c.notes == ['no metrics found (not trained or tested yet?)']


def test_compare_writes_table_chart_and_names_the_best(experiments, tmp_path):
    out = tmp_path / 'compare'
    result = compare_experiments(experiments, out)
    assert result.files == ['compare.csv', 'compare.json', 'report.md', 'val_mDice.png']
    assert result.ranking == ['hyp_b', 'hyp_a']
    assert result.conclusion.startswith('Best by val mDice (best iteration): hyp_b (62.00)')
    assert '2.00 points ahead of hyp_a (60.00)' in result.conclusion

    rows = {r['experiment']: r for r in csv.DictReader((out / 'compare.csv').open())}
    assert rows['hyp_a']['val mDice'] == '60.0' and rows['hyp_a']['test mDice'] == '58.0'
    assert rows['hyp_a']['test Dice dog'] == '60.0' and rows['hyp_a']['params'] == '50'
    assert rows['hyp_a']['train time (s)'] == '330' and rows['hyp_a']['best iter'] == '200'
    assert rows['hyp_c']['val mDice'] == '' and rows['hyp_c']['best iter'] == ''

    report = (out / 'report.md').read_text()
    hyp_c_line = next(line for line in report.splitlines() if line.startswith('| hyp_c |'))
    assert set(hyp_c_line.strip('| ').split(' | ')[1:]) == {'—'}
    assert '| hyp_a | 200 |' in report and '0:05:30' in report and '0.00 M' in report
    assert result.conclusion in report and '![val mDice](val_mDice.png)' in report
    document = json.loads((out / 'compare.json').read_text())
    assert document['ranking'] == ['hyp_b', 'hyp_a']


def test_rank_by_test_and_nothing_to_rank(experiments, tmp_path):
    result = compare_experiments(experiments, tmp_path / 'by_test', rank_by='test')
    assert result.ranking == ['hyp_a']
    assert 'the only experiment with test metrics' in result.conclusion
    empty = compare_experiments([experiments[2]], tmp_path / 'empty')
    assert empty.ranking == [] and 'none is ranked' in empty.conclusion
    assert 'val_mDice.png' not in empty.files


def test_bad_input_is_a_clear_error(experiments, tmp_path):
    with pytest.raises(PetsegError, match='does not exist'):
        compare_experiments([tmp_path / 'nowhere'], tmp_path / 'x')
    with pytest.raises(PetsegError, match='would replace'):
        compare_experiments(experiments, tmp_path / 'work_dirs')
    compare_experiments(experiments, tmp_path / 'out')
    with pytest.raises(OutputExistsError):
        compare_experiments(experiments, tmp_path / 'out')
    compare_experiments(experiments, tmp_path / 'out', overwrite=True)


def _train_log(day_time: str, end: str, resumed: bool = False) -> str:
    lines = [f'2026/01/01 {day_time} - mmengine - INFO - Checkpoints will be saved to x.']
    if resumed:
        lines.append(f'2026/01/01 {day_time} - mmengine - INFO - resumed epoch: 0, iter: 100')
    lines.append(f'2026/01/01 {end} - mmengine - INFO - Iter(train) [ 50/300]  lr: 1e-4')
    return '\n'.join(lines) + '\n'


def test_two_runs_trained_into_one_folder_are_not_added_up(tmp_path):
    """A folder trained into twice from scratch (before train.py refused it): compare counts
    the latest run and its resumes only, and its val records only."""
    work = tmp_path / 'hyp1_clean'
    first, second, resume = '20260101_100000', '20260101_120000', '20260101_130000'
    _write(work / first / f'{first}.log', _train_log('10:00:00', '11:00:00'))  # 1 h, run 1
    _write(work / second / f'{second}.log', _train_log('12:00:00', '12:10:00'))  # run 2
    _write(work / resume / f'{resume}.log', _train_log('13:00:00', '13:05:00', resumed=True))
    _write(work / 'metrics_val_iter_100.json',
           _record('val', 70.0, iteration=100, experiment=f'hyp1_{second}'))  # fmt: skip
    _write(work / 'metrics_val_iter_200.json',
           _record('val', 65.0, iteration=200, experiment=f'hyp1_{resume}'))  # fmt: skip
    _write(work / 'metrics_val_iter_300.json',  # left by the first run only
           _record('val', 90.0, iteration=300, experiment=f'hyp1_{first}'))  # fmt: skip
    summary = summarise_experiment(work)
    assert summary.train_time_s == 15 * 60  # 10 + 5 minutes, not the first run's hour
    assert summary.val_curve == [(100, 70.0), (200, 65.0)] and summary.best_iter == 100
    assert any('1 earlier training run(s)' in n for n in summary.notes)
    assert any('1 val record(s) of an earlier run' in n for n in summary.notes)


def _run_with_data(root: Path, mdice: float, data_root: str, digest: str) -> Path:
    data = {'data_root': data_root, 'images': 60, 'digest': digest}
    _write(root / 'metrics_val_iter_100.json', _record('val', mdice, iteration=100, data=data))
    return root


def test_ranking_runs_validated_on_different_images_warns(tmp_path):
    raw = _run_with_data(tmp_path / 'hyp1_raw', 60.0, '/d/pets', 'aaaa')
    clean = _run_with_data(tmp_path / 'hyp1_clean_v1', 70.0, '/d/pets_clean_v1', 'aaaa')
    result = compare_experiments([raw, clean], tmp_path / 'out')
    (warning,) = result.warnings
    assert warning.startswith('val sets differ (hyp1_raw: /d/pets (60 images); hyp1_clean_v1: ')
    assert 'the ranking by val mDice compares different images' in warning
    report = (tmp_path / 'out' / 'report.md').read_text()
    assert f'**Warning: {warning}.**' in report
    assert json.loads((tmp_path / 'out' / 'compare.json').read_text())['warnings'] == [warning]

    same = _run_with_data(tmp_path / 'hyp1_again', 65.0, '/d/pets', 'aaaa')
    assert compare_experiments([raw, same], tmp_path / 'same').warnings == []
    subset = _run_with_data(tmp_path / 'hyp1_subset', 65.0, '/d/pets', 'bbbb')
    (warning,) = compare_experiments([raw, subset], tmp_path / 'subset').warnings
    assert 'list aaaa' in warning and 'list bbbb' in warning  # same root, other images
