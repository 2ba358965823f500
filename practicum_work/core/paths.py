"""Where things are: the checkout petseg runs from, and the default output folders of its tools.

Every tool's default output is named here, once: ``work_dirs/<tool>/<dataset or experiment>``.
"""

from __future__ import annotations

from pathlib import Path

from practicum_work.core.checkpoints import is_remote
from practicum_work.core.errors import PetsegError

REPO_ROOT = Path(__file__).resolve().parents[2]
WORK_DIRS = Path('work_dirs')


def repo_path(relative: str) -> Path:
    """A file of the petseg checkout (configs/); clear error when not installed from one."""
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


def run_dir_of(checkpoint: str | Path, config: str | Path) -> Path:
    """The folder a checkpoint's results go to: the checkpoint's own folder (its run).

    A remote checkpoint (a URL) has none: ``work_dirs/<config name>/`` then.
    """
    if is_remote(checkpoint):
        return default_work_dir(config)
    return Path(checkpoint).parent


def default_analysis_dir(checkpoint: str | Path, config: str | Path, tool: str) -> Path:
    """<checkpoint's folder>/<tool>/ (best_worst, postprocess_eval), beside the run's metrics."""
    return run_dir_of(checkpoint, config) / tool


def run_name(checkpoint: str | Path, config: str | Path) -> str:
    """What a run is called in titles: its folder's name, else the config's."""
    return run_dir_of(checkpoint, config).resolve().name or experiment_name(config)


def default_cross_validate_dir(config: str | Path, data_root: str | Path) -> Path:
    """work_dirs/cross_validate/<config stem>_<dataset name>/"""
    return WORK_DIRS / 'cross_validate' / f'{Path(config).stem}_{dataset_name(data_root)}'


DEFAULT_COMPARE_DIR = WORK_DIRS / 'compare'
DEFAULT_DEMO_DIR = WORK_DIRS / 'demo'
