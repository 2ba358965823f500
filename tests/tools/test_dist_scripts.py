"""tools/dist_train.sh and dist_test.sh refuse bad arguments and a wrong interpreter with one line.

(The runs themselves, two CPU processes with Gloo: tests/test_distributed.py.)
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from tests.conftest import REPO_ROOT

TOOLS = REPO_ROOT / 'tools'
BARE_PATH = '/usr/bin:/bin'  # a fresh shell: no venv on PATH


def _bash(script: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ['bash', str(TOOLS / script), *args],
        env={'PATH': BARE_PATH, 'HOME': os.environ.get('HOME', '/tmp'), **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ('script', 'args'),
    [('dist_train.sh', ['configs/hyp1_segformer_b0.py']), ('dist_test.sh', ['cfg.py', 'x.pth'])],
)
def test_missing_arguments_print_the_usage_and_exit_2(script, args):
    result = _bash(script, *args)
    assert result.returncode == 2
    assert result.stderr.strip().startswith(f'usage: bash tools/{script} CONFIG')


@pytest.mark.parametrize('count', ['two', '0', '-1'])
def test_the_process_count_must_be_a_positive_integer(count):
    result = _bash('dist_train.sh', 'configs/hyp1_segformer_b0.py', count)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith('dist_train.sh: error: N (processes per node)')


def _python_without_torch() -> str | None:
    for name in ('python3', 'python3.11', 'python3.12'):
        path = shutil.which(name, path=BARE_PATH)
        if path:
            probe = subprocess.run([path, '-c', 'import torch'], capture_output=True)
            if probe.returncode != 0:
                return path
    return None


def test_an_interpreter_without_the_stack_is_one_line():
    python = _python_without_torch()
    if python is None:
        pytest.skip('every python3 on /usr/bin:/bin has torch here')
    result = _bash('dist_test.sh', 'cfg.py', 'x.pth', '2', PYTHON=python)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f'dist_test.sh: error: {python} has no torch')


def test_the_clone_venv_is_the_default_interpreter(tmp_path):
    """Without PYTHON and without an activated venv, the clone's .venv/bin/python runs."""
    venv_python = REPO_ROOT / '.venv' / 'bin' / 'python'
    if not venv_python.exists():
        pytest.skip('this clone has no .venv')
    # One process that stops at its own argument check: it ran, so the interpreter has petseg.
    result = _bash('dist_train.sh', 'configs/hyp1_segformer_b0.py', '1', '--no-such-option')
    assert result.returncode == 2, result.stderr[-2000:]
    assert 'train.py: error: unrecognized arguments: --no-such-option' in result.stderr
    assert 'Traceback' not in result.stderr
