"""``petseg best-worst`` as a user runs it, on a checkpoint trained in the test session."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from practicum_work.cli import main
from tests.conftest import HYP1, run_tool

SCALE = 'test_dataloader.dataset.pipeline.1.scale=(64,64)'


def _best_worst(checkpoint: Path, data_root: Path, out: Path, *extra: str) -> int:
    return main([
        'best-worst', HYP1, str(checkpoint),
        '--data-root', str(data_root), '--out', str(out), '--workers', '0', '--k', '2',
        *extra, '--cfg-options', SCALE,
    ])  # fmt: skip


def test_missing_checkpoint_and_existing_output_are_one_line_errors(tmp_path, capsys):
    assert main(['best-worst', HYP1, str(tmp_path / 'no.pth'), '--out', str(tmp_path / 'o')]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1] == f'petseg best-worst: error: checkpoint {tmp_path / "no.pth"} does not exist'
    (tmp_path / 'o').mkdir()
    assert main(['best-worst', HYP1, 'x.pth', '--out', str(tmp_path / 'o')]) == 2
    assert 'already exists; pass --overwrite' in capsys.readouterr().err


@pytest.mark.slow
def test_best_worst_with_filter_matches_tools_test(hyp1_run, tiny_dataset, tmp_path):
    ckpt, out = hyp1_run / 'iter_4.pth', tmp_path / 'bw'
    assert _best_worst(ckpt, tiny_dataset, out, '--min-area', '6') == 0

    scores = json.loads((out / 'scores.json').read_text())
    assert scores['split'] == 'test' and scores['min_component_area'] == 6
    assert scores['n_images'] == 4 and len(scores['images']) == 4
    rows = list(csv.DictReader((out / 'scores.csv').open()))
    assert sorted(r['stem'] for r in rows) == sorted(i['stem'] for i in scores['images'])
    fg = {i['stem']: i['mean_fg_dice'] for i in scores['images']}
    ranked = sorted((v, s) for s, v in fg.items() if v is not None)
    assert [e['stem'] for e in scores['worst']] == [s for _, s in ranked[:2]]
    assert [e['score'] for e in scores['best']] == sorted((v for v, _ in ranked), reverse=True)[:2]
    for folder, entries in (('best', scores['best']), ('worst', scores['worst'])):
        names = sorted(p.name for p in (out / folder).glob('*.png'))
        assert names == [f'{e["rank"]:02d}_{e["stem"]}.png' for e in entries]
    for name, entries in scores['confusions'].items():
        for e in entries:
            assert (out / e['panel']).is_file() and e['panel'].startswith(f'confusions/{name}/')
    confusion = json.loads((out / 'confusion_matrix.json').read_text())
    assert np.array(confusion['counts']).sum() == sum(i['valid_pixels'] for i in scores['images'])
    for row in confusion['row_normalised']:
        assert row[0] is None or sum(row) == pytest.approx(1.0, abs=1e-5)
    assert (out / 'confusion_matrix.png').is_file()

    # The filter really ran: no predicted cat/dog component under 6 pixels.
    for path in (out / 'predictions').glob('*.png'):
        pred = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        for cls in (1, 2):
            n, _, stats, _ = cv2.connectedComponentsWithStats((pred == cls).astype(np.uint8))
            assert (stats[1:n, cv2.CC_STAT_AREA] >= 6).all(), path.name

    # tools/test.py with the config option gives the same split metrics (MMSeg's evaluator).
    result = run_tool(
        'tools/test.py', HYP1, str(ckpt), '--work-dir', str(tmp_path / 'tested'),
        '--cfg-options', f'data_root={tiny_dataset}', SCALE, 'test_dataloader.num_workers=0',
        'test_dataloader.persistent_workers=False', 'model.test_cfg.min_component_area=6',
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    mmseg = json.loads((tmp_path / 'tested' / 'metrics_test_iter_4.json').read_text())
    for metric in ('aAcc', 'mIoU', 'mDice'):
        assert scores['metrics']['summary'][metric] == pytest.approx(
            mmseg['summary'][metric], abs=0.011
        )
    for name, values in mmseg['per_class'].items():
        ours = scores['metrics']['per_class'][name]['Dice']
        assert (ours is None and values['Dice'] is None) or ours == pytest.approx(
            values['Dice'], abs=0.011
        )


@pytest.mark.slow
def test_best_worst_on_val_equals_the_training_validation(hyp1_run, tiny_dataset, tmp_path):
    out = tmp_path / 'bw_val'
    assert _best_worst(hyp1_run / 'iter_4.pth', tiny_dataset, out, '--split', 'val') == 0
    scores = json.loads((out / 'scores.json').read_text())
    assert scores['min_component_area'] == 0  # the config's default: off
    val = json.loads((hyp1_run / 'metrics_val_iter_4.json').read_text())
    for metric in ('aAcc', 'mIoU', 'mDice'):
        assert scores['metrics']['summary'][metric] == pytest.approx(
            val['summary'][metric], abs=0.011
        )
