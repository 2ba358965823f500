"""``petseg cross-validate``: held-out metrics per fold, the fold machinery of label-quality."""

from __future__ import annotations

import json

import pytest

from practicum_work.analysis.bootstrap import mdice_of_sums, read_per_image
from practicum_work.analysis.compare import compare_experiments
from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.label_quality.cross_validate import CrossValidateSettings, run_cross_validate
from practicum_work.label_quality.folds import fold_members
from practicum_work.label_quality.run import scorable_samples
from tests.conftest import HYP1, run_tool

SETTINGS = CrossValidateSettings(folds=2, iters=2, crop=64, batch_size=2, workers=0)


@pytest.mark.slow
def test_folds_are_held_out_pooled_and_reused_and_compare_reads_them(tiny_dataset, tmp_path):
    out = tmp_path / 'cv'
    result = run_tool(
        '-m', 'practicum_work.cli', 'cross-validate', HYP1, '--data-root', str(tiny_dataset),
        '--folds', '2', '--iters', '2', '--crop', '64', '--batch-size', '2', '--workers', '0',
        '--out', str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert 'mDice' in result.stdout and '+-' in result.stdout
    document = json.loads((out / 'report' / 'cross_validate.json').read_text())
    sample_ids, _ = scorable_samples(tiny_dataset, ['train'])
    folds = fold_members(sample_ids, 2, 0)  # label-quality's assignment, the one implementation
    for index, members in enumerate(folds):
        heldout = (out / 'folds' / f'fold_{index}' / 'heldout_train.txt').read_text().split()
        assert [f'train/{stem}' for stem in heldout] == members
        assert document['per_fold'][index]['images'] == len(members)
    assert document['folds_trained'] == 2 and document['folds_reused'] == 0
    values = [f['summary']['mDice'] for f in document['per_fold']]
    assert document['mean_std']['mDice']['mean'] == pytest.approx(sum(values) / 2, abs=0.01)
    areas = read_per_image(out / 'report' / 'per_image_test_cv.json')
    assert sorted(areas.images) == sorted(sample_ids)  # every sample predicted once
    pooled = float(mdice_of_sums(areas.intersect, areas.pred, areas.label))
    metrics = json.loads((out / 'report' / 'metrics_test_cv.json').read_text())
    assert pooled == pytest.approx(metrics['summary']['mDice'], abs=0.01)
    assert (out / 'report' / 'folds.png').stat().st_size > 1000

    with pytest.raises(OutputExistsError):
        run_cross_validate(HYP1, tiny_dataset, out, SETTINGS)
    again = run_cross_validate(HYP1, tiny_dataset, out, SETTINGS, overwrite=True)
    assert again['folds_reused'] == 2
    for before, after in zip(document['per_fold'], again['per_fold']):
        assert after['reused'] and after['summary'] == before['summary']  # the same models

    compared = compare_experiments([out / 'report'], tmp_path / 'cmp', rank_by='test')
    (experiment,) = compared.experiments
    assert experiment.name == 'cv' and experiment.test_mDice_ci['images'] == len(sample_ids)


def test_too_few_samples_and_one_fold_are_clear_errors(tiny_dataset, tmp_path):
    with pytest.raises(PetsegError, match='at least 2 folds'):
        run_cross_validate(HYP1, tiny_dataset, tmp_path / 'a', CrossValidateSettings(folds=1))
    with pytest.raises(PetsegError, match='cannot make 50 folds'):
        run_cross_validate(HYP1, tiny_dataset, tmp_path / 'b', CrossValidateSettings(folds=50))
    with pytest.raises(PetsegError, match='does not exist'):
        run_cross_validate('configs/nope.py', tiny_dataset, tmp_path / 'c')
