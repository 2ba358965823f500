"""The settings of the analysis tools: each field is a ``petseg`` option, declared only here.

:class:`ModelRunSettings` holds what every tool that predicts with a checkpoint takes (the
config and checkpoint as MMSeg's ``tools/test.py`` takes them, data root, batch size, device,
``--cfg-options``, workers); best-worst and postprocess-eval derive from it and add their own.
Light to import (no NumPy, OpenCV or torch): ``petseg --help`` reads it.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from practicum_work.core import common_options as common
from practicum_work.core.options import option
from practicum_work.core.paths import DEFAULT_COMPARE_DIR

DEFAULT_GRID: tuple[int, ...] = (0, 16, 32, 64, 128, 256, 512, 1024)  # postprocess-eval's N


def min_area_argument(text: str) -> int | list[int]:
    """``'64'`` -> 64 (cat/dog); ``'0,64,128'`` -> one value per class."""
    try:
        values = [int(v) for v in text.split(',') if v.strip()]
    except ValueError:
        values = []
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f'expected N or N,N,N (integers >= 0), got {text!r}')
    return values[0] if len(values) == 1 else values


@dataclass(kw_only=True)
class ModelRunSettings:
    """A checkpoint of a config, run on a split: what best-worst and postprocess-eval share."""

    config: str = common.config()
    checkpoint: str = common.checkpoint()
    data_root: str | None = common.config_data_root()
    batch_size: int | None = option(None, help="images per batch (default: the config's)")
    device: str = common.device()
    cfg_options: dict | None = common.cfg_options()
    workers: int | None = option(
        None, help="dataloader workers and drawing processes (default: the config's / all cores)"
    )
    overwrite: bool = common.overwrite()


@dataclass(kw_only=True)
class BestWorstSettings(ModelRunSettings):
    """``petseg best-worst``: which split, how many panels, the small-component filter."""

    split: str = option('test', help='split folder to evaluate')
    k: int = option(5, help='how many best and worst')
    out: str | None = option(
        None, help="output folder (default: the checkpoint's folder/best_worst)"
    )
    min_area: int | list[int] | None = option(
        None,
        type=min_area_argument,
        metavar='N[,N,N]',
        help='remove predicted components under N pixels (cat/dog), or one N per class '
        "(background,cat,dog); default: the config's model.test_cfg.min_component_area",
    )


@dataclass(kw_only=True)
class PostprocessEvalSettings(ModelRunSettings):
    """``petseg postprocess-eval``: the candidate filter sizes and the two splits."""

    grid: str = option(
        ','.join(map(str, DEFAULT_GRID)),
        help='candidate minimum areas in pixels, comma-separated (0 is always included)',
    )
    val_split: str = option('val', help='split that chooses N')
    test_split: str = option('test', help='split that reports')
    out: str | None = option(
        None, help="output folder (default: the checkpoint's folder/postprocess_eval)"
    )


@dataclass(kw_only=True)
class CompareSettings:
    """``petseg compare``: the experiments, where the report goes, how they are ranked."""

    work_dirs: list[Path] = option(
        help='experiment work dirs, e.g. work_dirs/hyp*', positional=True
    )
    out: Path = option(DEFAULT_COMPARE_DIR, help='output folder')
    rank_by: str = option(
        'val',
        choices=('val', 'test'),
        help='rank by best val mDice (default; the selection split) or by test mDice',
    )
    overwrite: bool = common.overwrite()
