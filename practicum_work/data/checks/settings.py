"""The thresholds of the registered checks a user may set, shared by eda and fix-labels.

Each threshold is declared once, as a function that makes the settings field (the way
:mod:`practicum_work.core.common_options` declares the options several commands share): a
tool's settings write ``min_fg_share: float = min_fg_share()``, so the option has one name,
one default and one help text in both commands. :class:`CheckSettings` is the view the checks
receive (:meth:`CheckSettings.of` takes it from a tool's settings). Standard library only
(``petseg --help`` imports it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from practicum_work.core.errors import PetsegError
from practicum_work.core.options import option, view

MIN_FG_PIXELS_FLOOR = 16


def min_fg_share() -> Any:
    """``--min-fg-share``: the tiny-mask rule, relative to the image (see checks/foreground)."""
    return option(
        0.002,
        help='a mask whose cat/dog pixels cover less than this share of the image is tiny '
        f'(and never fewer than {MIN_FG_PIXELS_FLOOR} pixels)',
        metavar='SHARE',
    )


@dataclass(frozen=True)
class CheckSettings:
    """The thresholds the checks read (``sample.settings``); small, sent with every job."""

    min_fg_share: float = min_fg_share()

    def __post_init__(self) -> None:
        if not 0.0 <= self.min_fg_share < 1.0:
            raise PetsegError(f'--min-fg-share must be in [0, 1), got {self.min_fg_share}')

    @staticmethod
    def of(settings: Any) -> CheckSettings:
        """The thresholds of a tool's settings (checked: a bad value is one clear error)."""
        return view(settings, CheckSettings)
