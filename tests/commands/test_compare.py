"""``petseg compare`` on a real (tiny) training run and on bad input."""

from __future__ import annotations

import json

import pytest

from practicum_work.cli import main


def test_missing_work_dir_is_a_one_line_error(tmp_path, capsys):
    assert main(['compare', str(tmp_path / 'nowhere'), '--out', str(tmp_path / 'c')]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f'petseg compare: error: experiment folder {tmp_path / "nowhere"} does not exist'


@pytest.mark.slow
def test_compare_reads_what_training_wrote(hyp1_run, tmp_path, capsys):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    out = tmp_path / 'compare'
    assert main(['compare', str(hyp1_run), '--out', str(out)]) == 0
    document = json.loads((out / 'compare.json').read_text())
    (exp,) = document['experiments']
    vals = {
        json.loads(p.read_text())['iteration']: json.loads(p.read_text())['summary']['mDice']
        for p in hyp1_run.glob('metrics_val_iter_*.json')
    }
    assert exp['best_iter'] == min(it for it, v in vals.items() if v == max(vals.values()))
    assert [it for it, _ in exp['val_curve']] == sorted(vals)
    assert exp['test'] is None and exp['train_time_s'] > 0
    cfg = Config.fromfile('configs/hyp1_segformer_b0.py')
    cfg.model.backbone.init_cfg = None
    init_default_scope('mmseg')
    model = MODELS.build(cfg.model)
    assert exp['params'] == sum(p.numel() for p in model.parameters())
    report = (out / 'report.md').read_text()
    assert '| —' in report and (out / 'val_mDice.png').is_file()
    assert 'Best by val mDice' in capsys.readouterr().out


def test_the_console_table_shows_full_run_names(tmp_path, capsys):
    names = ['hyp1_clean_v1_segformer_b0_long_name', 'hyp1_clean_v2_segformer_b0_long_name']
    for index, name in enumerate(names):
        record = {'split': 'val', 'iteration': 10, 'summary': {'mDice': 50.0 + index}}
        (tmp_path / name).mkdir()
        (tmp_path / name / 'metrics_val_iter_10.json').write_text(json.dumps(record))
    args = ['compare', *(str(tmp_path / n) for n in names), '--out', str(tmp_path / 'c')]
    assert main(args) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line.startswith('│')]
    assert [row.split('│')[1].strip() for row in rows] == names, rows  # never "hyp1_cl…"
