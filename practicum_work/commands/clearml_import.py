"""``petseg clearml-import``: upload an offline ClearML session to the configured server."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args
from practicum_work.tracking.settings import ClearMLImportSettings as SETTINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``clearml-import`` subcommand."""
    parser = subparsers.add_parser(
        'clearml-import',
        help='import an offline ClearML session (zip) into the configured ClearML server',
        description='Upload a training/test run that was tracked offline (no server at the '
        'time) to the ClearML server configured now (clearml.conf or CLEARML_API_* '
        'variables). The zip is named in the run log and copied next to it: '
        'work_dirs/<run>/<timestamp>/clearml_offline-<id>.zip.',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import each session and print the new task ids."""
    from practicum_work.tracking.task import check_offline_session, import_offline_session

    sessions = from_args(SETTINGS, args).sessions
    for session in sessions:
        check_offline_session(session)  # every path checked before the first upload
    for session in sessions:
        task_id = import_offline_session(session)
        print(f'imported {session} as ClearML task {task_id}')
    return 0
