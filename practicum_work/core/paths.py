"""Where things are: the checkout petseg runs from, and the default output folders of its tools.

Every tool's default output is named here, once: ``work_dirs/<tool>/<dataset or experiment>``.
"""

from __future__ import annotations

from pathlib import Path

from practicum_work.core.errors import PetsegError

REPO_ROOT = Path(__file__).resolve().parents[2]
WORK_DIRS = Path('work_dirs')


def repo_path(relative: str) -> Path:
    """A file of the petseg checkout (tools/, configs/); clear error when not installed from one."""
    path = REPO_ROOT / relative
    if not path.exists():
        raise PetsegError(
            f'{path} not found: run petseg from a clone of the repository (pip install -e .)'
        )
    return path


def dataset_name(data_root: str | Path) -> str:
    """The name a dataset's outputs are filed under: its folder's name."""
    return Path(data_root).resolve().name


def default_eda_dir(data_root: str | Path) -> Path:
    """work_dirs/eda/<dataset name>/"""
    return WORK_DIRS / 'eda' / dataset_name(data_root)


def default_plan_dir(data_root: str | Path) -> Path:
    """work_dirs/label_fix/<dataset name>/ (fix-labels --dry-run)"""
    return WORK_DIRS / 'label_fix' / dataset_name(data_root)


def default_label_quality_dir(data_root: str | Path) -> Path:
    """work_dirs/label_quality/<dataset name>/"""
    return WORK_DIRS / 'label_quality' / dataset_name(data_root)


def experiment_name(config: str | Path) -> str:
    """An experiment is named after its config file (as tools/train.py names its work dir)."""
    return Path(config).stem


def default_work_dir(config: str | Path) -> Path:
    """work_dirs/<config name>/ (tools/train.py's default)"""
    return WORK_DIRS / experiment_name(config)


def default_analysis_dir(config: str | Path, tool: str) -> Path:
    """work_dirs/<config name>/<tool>/ (best_worst, postprocess_eval)"""
    return default_work_dir(config) / tool


def default_cross_validate_dir(config: str | Path, data_root: str | Path) -> Path:
    """work_dirs/cross_validate/<config stem>_<dataset name>/"""
    return WORK_DIRS / 'cross_validate' / f'{Path(config).stem}_{dataset_name(data_root)}'


DEFAULT_COMPARE_DIR = WORK_DIRS / 'compare'
DEFAULT_DEMO_DIR = WORK_DIRS / 'demo'
