"""benchmarks/gpu_check.py: its log parsing, and its whole path on the CPU (a smoke test)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from practicum_work.core.paths import REPO_ROOT
from tests.conftest import run_tool

spec = importlib.util.spec_from_file_location('gpu_check', REPO_ROOT / 'benchmarks/gpu_check.py')
gpu_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gpu_check)

# MMEngine's training log lines on a CUDA machine carry the peak memory in MB
LOG = '\n'.join(
    f'2026/12/01 10:00:{i:02d} - mmengine - INFO - Iter(train) [{i * 10:>3}/100]  lr: 6.0e-05  '
    f'eta: 0:00:10  time: {t}  data_time: 0.0100  memory: {m}  loss: 1.0'
    for i, (t, m) in enumerate(
        [(0.9, 2100), (0.20, 2300), (0.21, 2310), (0.19, 2290), (0.20, 2305)], start=1
    )
)


def test_the_log_gives_steady_seconds_per_iteration_and_peak_memory():
    parsed = gpu_check.parse_train_log(LOG)
    assert parsed == {'s_per_iter': 0.2, 'logged_iterations': 5, 'peak_memory_mb': 2310}


@pytest.mark.slow
def test_the_whole_check_runs_on_a_cpu(tiny_dataset, tmp_path):
    out = tmp_path / 'gpu_check.json'
    result = run_tool(
        'benchmarks/gpu_check.py', 'run', '--data-root', str(tiny_dataset), '--device', 'cpu',
        '--iters', '2', '--batch', '2', '--models', 'hyp1', '--out', str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (record,) = json.loads(out.read_text())['results']
    assert record['returncode'] == 0 and record['s_per_iter'] > 0
    assert 0 <= record['test_mDice'] <= 100
