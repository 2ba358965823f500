"""`petseg demo` end to end on small data: every step runs, no earlier run is overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_tool

SMALL = ['--iters', '4', '--n-train', '40', '--n-val', '16', '--n-test', '8']


@pytest.mark.slow
def test_demo_runs_every_step_and_never_overwrites_a_run(tmp_path):
    result = run_tool('-m', 'practicum_work.cli', 'demo', '--out', str(tmp_path), *SMALL)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (run_dir,) = list(tmp_path.iterdir())
    summary = json.loads((run_dir / 'summary.json').read_text())
    for path in summary['artifacts'].values():
        assert Path(path).exists(), path
    assert set(summary['headline']['test_mDice']) == {'hyp1_raw', 'hyp1_clean_v1'}
    assert summary['headline']['noise']['injected']['swap'] == 4 + 2  # 10% of 40 and of 16
    assert (run_dir / 'eda/report.json').is_file()
    assert (run_dir / 'data/pets_demo_clean_v1/manifest.json').is_file()
    assert list((run_dir / 'hyp1_raw/best_worst').rglob('*.png'))
    assert (run_dir / 'compare/report.md').is_file()
    assert len(summary['steps']) == 12
    assert 'clean_v1 - raw:' in result.stdout and 'Artifacts' in result.stdout
    before = sorted(p.relative_to(tmp_path) for p in run_dir.rglob('*'))
    again = run_tool('-m', 'practicum_work.cli', 'demo', '--out', str(tmp_path), *SMALL)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(list(tmp_path.iterdir())) == 2  # a new run folder; the first is untouched
    assert sorted(p.relative_to(tmp_path) for p in run_dir.rglob('*')) == before
