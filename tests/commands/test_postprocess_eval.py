"""``petseg postprocess-eval`` on a checkpoint trained in the test session."""

from __future__ import annotations

import json

import pytest

from practicum_work.cli import main
from tests.conftest import HYP1


@pytest.mark.slow
def test_grid_on_val_choice_applied_to_test(hyp1_run, tiny_dataset, tmp_path, capsys):
    out = tmp_path / 'pp'
    code = main([
        'postprocess-eval', HYP1, str(hyp1_run / 'iter_4.pth'),
        '--data-root', str(tiny_dataset), '--grid', '64,4,16', '--out', str(out),
        '--workers', '0', '--cfg-options', 'test_dataloader.dataset.pipeline.1.scale=(64,64)',
    ])  # fmt: skip
    assert code == 0
    result = json.loads((out / 'postprocess_eval.json').read_text())
    assert result['grid'] == [0, 4, 16, 64]
    assert [p['min_area'] for p in result['val']] == [0, 4, 16, 64]
    # N = 0 on val is the unfiltered model: what training's validation wrote for this checkpoint.
    val = json.loads((hyp1_run / 'metrics_val_iter_4.json').read_text())
    for metric in ('aAcc', 'mIoU', 'mDice'):
        assert result['val'][0]['summary'][metric] == pytest.approx(
            val['summary'][metric], abs=0.011
        )
    best = max(p['summary']['mDice'] for p in result['val'])
    expected = min(p['min_area'] for p in result['val'] if p['summary']['mDice'] == best)
    assert result['chosen_min_area'] == expected
    assert result['test_split'] == 'test' and result['test_with']['min_area'] == expected
    assert result['test_without']['min_area'] == 0
    gain = result['test_with']['summary']['mDice'] - result['test_without']['summary']['mDice']
    assert result['test_gain'] == pytest.approx(gain, abs=0.01)
    assert 'without vs with' in (out / 'report.md').read_text()
    assert f'N = {expected}' in capsys.readouterr().out
