"""requirements.txt agrees with pyproject.toml; the package and its .pth hook install."""

from __future__ import annotations

import re
import site
import sys
from pathlib import Path

import tomllib

from tests.conftest import REPO_ROOT, run_tool


def _requirements(lines) -> set[str]:
    out = set()
    for line in lines:
        line = line.split('#', 1)[0].strip()
        if line:
            out.add(re.sub(r'\s+', '', line).lower())
    return out


def test_requirements_txt_matches_pyproject():
    project = tomllib.loads((REPO_ROOT / 'pyproject.toml').read_text())['project']
    declared = _requirements(project['dependencies'] + project['optional-dependencies']['lite'])
    listed = _requirements((REPO_ROOT / 'requirements.txt').read_text().splitlines())
    assert listed == declared


def test_pins_follow_the_verified_stack():
    project = tomllib.loads((REPO_ROOT / 'pyproject.toml').read_text())['project']
    deps = _requirements(project['dependencies'])
    for pin in (
        'torch==2.14.1',
        'torchvision==0.29.1',
        'mmengine==0.10.7',
        'mmsegmentation==1.2.2',
    ):
        assert pin in deps
    assert 'setuptools<81' in deps  # mmengine resolves mmseg:: configs via pkg_resources


def test_pth_hook_is_installed_next_to_the_package():
    paths = [Path(p) for p in site.getsitepackages()] + [Path(sys.prefix)]
    assert any((p / 'petseg_mmcv_compat.pth').is_file() for p in paths)


def test_petseg_cli_help_and_version():
    help_ = run_tool('-m', 'practicum_work.cli', '--help')
    assert help_.returncode == 0 and 'demo-data' in help_.stdout
    version = run_tool('-m', 'practicum_work.cli', '--version')
    import practicum_work

    assert version.stdout.strip() == f'petseg {practicum_work.__version__}'


def test_gitignore_keeps_data_and_outputs_out_of_git():
    ignored = (REPO_ROOT / '.gitignore').read_text().split()
    for entry in ('data/*', 'work_dirs/*', '.venv/', '*.pth'):
        assert entry in ignored
