"""Shared fixtures: tiny generated datasets and helpers to run the tools like a user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(p for p in (REPO_ROOT / 'configs').glob('*.py'))


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
