"""What ``python -m practicum_work.train`` and ``python -m practicum_work.test`` share.

The options both take (``--work-dir``, ``--cfg-options``, ``--launcher``, ``--local-rank``),
the ``LOCAL_RANK`` a distributed launcher expects, the work dir of a config given as an object,
and the error wrapper: a :class:`~practicum_work.core.errors.PetsegError` prints
``<prog>: error: <one line>`` and exits 2, as argparse does for a bad option.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from practicum_work.core.errors import PetsegError, user_message
from practicum_work.core.paths import default_work_dir

LAUNCHERS = ('none', 'pytorch', 'slurm', 'mpi')
Say = Callable[[str], None]


def add_work_dir_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--work-dir DIR`` (first among the options, as in MMSeg's tools)."""
    parser.add_argument('--work-dir', help=help_text)


def add_run_options(parser: argparse.ArgumentParser, cfg_options_help: str) -> None:
    """``--cfg-options``, ``--launcher`` and ``--local-rank`` (what torchrun passes)."""
    from mmengine.config import DictAction

    parser.add_argument('--cfg-options', nargs='+', action=DictAction, help=cfg_options_help)
    parser.add_argument('--launcher', choices=LAUNCHERS, default='none', help='job launcher')
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)


def set_local_rank(args: argparse.Namespace) -> None:
    """``LOCAL_RANK`` from ``--local-rank`` unless the launcher already set it."""
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)


def stderr_warning(prog: str) -> Say:
    """A ``warn`` that prints ``<prog>: warning: <message>`` to stderr."""
    return lambda message: print(f'{prog}: warning: {message}', file=sys.stderr)


def run_or_exit_2(prog: str, body: Callable[[], Any]) -> int:
    """Run ``body``: 0, or 2 after one line ``<prog>: error: ...`` for a user error."""
    try:
        body()
    except PetsegError as err:
        print(f'{prog}: error: {user_message(err)}', file=sys.stderr)
        return 2
    return 0


def named_work_dir(config: Any) -> str:
    """``work_dirs/<config name>``, also for a ``Config`` object (named after its file)."""
    if isinstance(config, str | Path):
        return str(default_work_dir(config))
    filename = getattr(config, 'filename', None)
    if not filename:
        raise PetsegError(
            'the config was built in memory (it has no file name to name its work dir): '
            'pass work_dir, or set work_dir in the config'
        )
    return str(default_work_dir(filename))
