"""Options more than one ``petseg`` command takes."""

from __future__ import annotations

import argparse


def add_clearml_option(parser: argparse.ArgumentParser) -> None:
    """``--clearml [auto|online|offline]``: send the tool's report to ClearML too."""
    parser.add_argument(
        '--clearml',
        nargs='?',
        const='auto',
        choices=['auto', 'online', 'offline'],
        default=None,
        help='also send the report and its pictures to ClearML as a data_processing task '
        '(auto: online with a configured server, else offline; a ClearML problem is one warning)',
    )
