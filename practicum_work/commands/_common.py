"""Options more than one ``petseg`` command takes, for commands whose settings lack them."""

from __future__ import annotations

import argparse
from dataclasses import dataclass

from practicum_work.core import common_options as common
from practicum_work.core.options import add_options


@dataclass
class ClearMLOption:
    """``--clearml``: declared once in :mod:`practicum_work.core.common_options`."""

    clearml: str | None = common.clearml()


def add_clearml_option(parser: argparse.ArgumentParser) -> None:
    """``--clearml [auto|online|offline]``: send the tool's report to ClearML too.

    A settings dataclass can take the field itself: ``clearml: str | None = common.clearml()``.
    """
    add_options(parser, ClearMLOption)
