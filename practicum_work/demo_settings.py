"""``petseg demo``'s settings: the fields made with ``option`` are its command-line options.

The rest (schedule, crop, batch, learning rate) is the demo's fixed CPU recipe, stated in its
output and echoed in ``summary.json``. Light to import (``petseg --help`` reads it), which
:mod:`practicum_work.demo` is not.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from practicum_work.core.common_options import FROM_SCRATCH_LR
from practicum_work.core.options import option
from practicum_work.core.paths import DEFAULT_DEMO_DIR


@dataclass
class DemoSettings:
    """The demo's data size and short CPU schedule (stated in its output)."""

    iters: int = option(500, help='training iterations (validation at half of them and at the end)')
    val_interval: int = 250
    crop: int = 128
    batch_size: int = 8
    lr: float = FROM_SCRATCH_LR  # from scratch (no pretrained weights offline)
    n_train: int = option(200, help='train images (generated data)')
    n_val: int = option(60, help='val images (generated data)')
    n_test: int = option(60, help='test images (generated data)')
    seed: int = 0
    workers: int = 2
    best_worst_k: int = 4
    clearml: str = option(
        'auto',
        choices=('auto', 'online', 'offline', 'off'),
        help='ClearML tracking (default auto: PETSEG_CLEARML if set, else online when a server '
        'is configured, else offline with a session zip for `petseg clearml-import`)',
    )
    oxford: str | None = option(
        None,
        metavar='PATH',
        help='run on real photos: an Oxford-IIIT Pet folder (archive or torchvision layout), '
        'converted, with known noise injected into train and val',
    )


@dataclass
class DemoCommand(DemoSettings):
    """``petseg demo``: the settings plus where the run folders go."""

    out: Path = option(DEFAULT_DEMO_DIR, help='parent folder of the run folders')
