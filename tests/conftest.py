"""Shared fixtures: tiny generated datasets and helpers to run the tools like a user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(p for p in (REPO_ROOT / 'configs').glob('*.py'))
HYP1 = 'configs/hyp1_segformer_b0.py'
# The test pipeline at the tiny dataset's size, without dataloader worker processes.
TINY_TEST_OPTIONS = {
    'test_dataloader.dataset.pipeline.1.scale': (64, 64),
    'val_dataloader.dataset.pipeline.1.scale': (64, 64),
    'test_dataloader.num_workers': 0,
    'test_dataloader.persistent_workers': False,
}


@pytest.fixture(scope='session')
def tiny_dataset(tmp_path_factory) -> Path:
    """A clean generated dataset: 8 train, 4 val, 4 test images of 64x64."""
    from practicum_work.data.demo_data import generate_demo_dataset

    root = tmp_path_factory.mktemp('data') / 'pets_tiny'
    generate_demo_dataset(
        root, seed=0, n_train=8, n_val=4, n_test=4, size=64, workers=1, show_progress=False
    )
    return root


@pytest.fixture(scope='session')
def noisy_dataset(tmp_path_factory) -> Path:
    """Default injected noise (every type once in train and val), 14/14/4 images of 64x64.

    The ground truth is ``<root>.noise.json`` (``demo_noise.noise_file_for(root)``).
    """
    from practicum_work.data.demo_data import generate_demo_dataset

    root = tmp_path_factory.mktemp('noisy') / 'pets_noisy'
    generate_demo_dataset(
        root,
        seed=0,
        n_train=14,
        n_val=14,
        n_test=4,
        size=64,
        noise='default',
        workers=1,
        show_progress=False,
    )
    return root


def run_tool(*args: str, cwd: Path = REPO_ROOT, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run ``python <args>`` from the repository root, as a user would; capture output."""
    env = dict(os.environ, PYTHONUNBUFFERED='1')
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def quick_cfg_options(data_root: Path, max_iters: int) -> list[str]:
    """``--cfg-options`` of the README's CPU recipe at 64 px for the tiny dataset."""
    from practicum_work.config_utils import cpu_quick_options

    opts = cpu_quick_options(max_iters=max_iters, val_interval=2, crop=64, batch_size=2, workers=0)
    opts['data_root'] = str(data_root)
    opts['val_dataloader.dataset.pipeline.1.scale'] = (64, 64)
    opts['test_dataloader.dataset.pipeline.1.scale'] = (64, 64)
    args = []
    for key, value in opts.items():
        if isinstance(value, tuple):
            value = '(' + ','.join(map(str, value)) + ')'
        args.append(f'{key}={value}')
    return ['--cfg-options', *args]


def train_quick(
    config: str, work_dir: Path, data_root: Path, max_iters: int, *extra: str
) -> subprocess.CompletedProcess:
    """tools/train.py with the CPU recipe for ``max_iters`` (validation every 2); must succeed."""
    result = run_tool(
        'tools/train.py',
        config,
        '--work-dir',
        str(work_dir),
        *extra,
        *quick_cfg_options(data_root, max_iters),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope='session')
def hyp1_run(tiny_dataset, tmp_path_factory) -> Path:
    """hyp1 trained for 4 iterations on the tiny dataset (checkpoints and val metrics at 2, 4).

    Shared by every test that needs a checkpoint; treat it as read-only (copy it to change it).
    """
    work_dir = tmp_path_factory.mktemp('hyp1')
    train_quick(HYP1, work_dir, tiny_dataset, max_iters=4)
    return work_dir
