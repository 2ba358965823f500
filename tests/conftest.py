"""Shared fixtures: tiny generated datasets and helpers to run the tools like a user."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(p for p in (REPO_ROOT / 'configs').glob('*.py'))
CLEARML_SERVER_VARS = (
    'CLEARML_API_HOST',
    'CLEARML_WEB_HOST',
    'CLEARML_FILES_HOST',
    'CLEARML_API_ACCESS_KEY',
    'CLEARML_API_SECRET_KEY',
    'CLEARML_AUTH_TOKEN',
    'CLEARML_OFFLINE_MODE',
    'TRAINS_API_HOST',
    'TRAINS_API_ACCESS_KEY',
    'TRAINS_API_SECRET_KEY',
)


@pytest.fixture(scope='session', autouse=True)
def clearml_isolated(tmp_path_factory):
    """No test reaches a real ClearML server, config or cache.

    ClearML tracking is off by default (``PETSEG_CLEARML=off``); the tracking tests turn it
    on explicitly, with HOME pointed at a temp dir (see :func:`clearml_env`).
    """
    home = tmp_path_factory.mktemp('clearml_home')
    with pytest.MonkeyPatch.context() as patch:
        for name in CLEARML_SERVER_VARS:
            patch.delenv(name, raising=False)
        patch.setenv('PETSEG_CLEARML', 'off')
        patch.setenv('CLEARML_CONFIG_FILE', str(home / 'no_clearml.conf'))
        patch.setenv('CLEARML_CACHE_DIR', str(home / 'cache'))
        yield home


def clearml_env(home: Path, mode: str = 'offline', **extra: str) -> dict[str, str]:
    """The environment of a tool run tracked by ClearML in ``mode`` with HOME at ``home``."""
    env = {k: v for k, v in os.environ.items() if k not in CLEARML_SERVER_VARS}
    env.update(
        HOME=str(home),
        PETSEG_CLEARML=mode,
        CLEARML_CONFIG_FILE=str(home / 'clearml.conf'),
        CLEARML_CACHE_DIR=str(home / '.clearml' / 'cache'),
        PYTHONUNBUFFERED='1',
    )
    env.update(extra)
    return env


@pytest.fixture(scope='session')
def tiny_dataset(tmp_path_factory) -> Path:
    """A clean generated dataset: 8 train, 4 val, 4 test images of 64x64."""
    from practicum_work.data.demo_data import generate_demo_dataset

    root = tmp_path_factory.mktemp('data') / 'pets_tiny'
    generate_demo_dataset(
        root, seed=0, n_train=8, n_val=4, n_test=4, size=64, workers=1, show_progress=False
    )
    return root


def run_tool(
    *args: str, cwd: Path = REPO_ROOT, timeout: int = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``python <args>`` from the repository root, as a user would; capture output."""
    env = dict(env if env is not None else os.environ, PYTHONUNBUFFERED='1')
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
