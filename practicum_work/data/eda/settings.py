"""``petseg eda``'s options, declared once (:mod:`practicum_work.core.options`).

The command line, report.json's ``settings`` and the docs tables are made from
:class:`EdaSettings`; the options several commands share come from
:mod:`~practicum_work.core.common_options`, the check thresholds (shared with fix-labels) from
:mod:`~practicum_work.data.checks.settings`. Standard library only: ``petseg --help`` imports it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from practicum_work.core import common_options as common
from practicum_work.core.errors import PetsegError
from practicum_work.core.options import option
from practicum_work.data.checks.settings import CheckSettings, min_fg_share

FAIL_ON_CHOICES: tuple[str, ...] = ('error', 'warning', 'never')


@dataclass
class EdaSettings:
    """What ``petseg eda`` can be told."""

    data_root: Path = common.data_root()
    splits: list[str] | None = option(None, help='splits to scan', default_text='every split found')
    out: Path | None = option(
        None, help='output folder', default_text='work_dirs/eda/<data root name>'
    )
    overlays: int = option(
        8, help='random overlays per split, besides those of flagged items', metavar='K'
    )
    flagged_overlays: str = option(
        '48',
        help='overlays of flagged pairs, errors first ("all": every one); the rest are drawn '
        'on demand by petseg review',
        metavar='N|all',
    )
    min_fg_share: float = min_fg_share()
    workers: int | None = common.workers()
    overwrite: bool = common.overwrite()
    fail_on: Literal['error', 'warning', 'never'] = option(
        'never', help='exit 1 when findings of this severity (or worse) exist'
    )
    clearml: str | None = common.clearml()
    seed: int = option(0, help='which random pairs get overlays', cli=False)
    show_progress: bool = option(True, help='progress bars', cli=False)

    def __post_init__(self) -> None:
        CheckSettings.of(self)  # the thresholds, checked
        self.data_root = Path(self.data_root)
        self.out = None if self.out is None else Path(self.out)
        self.flagged_overlays = str(self.flagged_overlays)
        if self.overlays < 0:
            raise PetsegError(f'--overlays must be >= 0, got {self.overlays}')
        if self.flagged_overlays != 'all' and not self.flagged_overlays.isdigit():
            raise PetsegError(
                f'--flagged-overlays takes a number >= 0 or "all", got {self.flagged_overlays!r}'
            )

    @property
    def flagged_limit(self) -> int | None:
        """How many flagged pairs get an overlay during the scan (None: all)."""
        return None if self.flagged_overlays == 'all' else int(self.flagged_overlays)
