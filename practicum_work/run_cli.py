"""What ``python -m practicum_work.train`` and ``python -m practicum_work.test`` share.

The options both take (``--work-dir``, ``--cfg-options``, ``--launcher``, ``--local-rank``),
the ``LOCAL_RANK`` a distributed launcher expects, the work dir of a config given as an object,
and the error wrapper: a :class:`~practicum_work.core.errors.PetsegError` prints
``<prog>: error: <one line>`` and exits 2, as argparse does for a bad option.

``python -m practicum_work.run_cli [--prog NAME] TORCHRUN_ARGS`` is torchrun
(``python -m torch.distributed.run``) for tools/dist_train.sh and dist_test.sh: the same
options and processes, but when the processes stop on bad input (exit 2, each printed its one
error line) it exits 2 without torchrun's traceback, and other failures end with torchrun's
failure table and exit 1.
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


def parse_run_arguments(
    parser: argparse.ArgumentParser, argv: list[str] | None = None
) -> argparse.Namespace:
    """The command line of train.py or test.py (under a ClearML Agent: the task's ``Args``),
    with ``LOCAL_RANK`` set and upstream deprecation noise quieted."""
    from practicum_work import compat
    from practicum_work.tracking.agent import parse_arguments

    args = parse_arguments(parser, argv)
    set_local_rank(args)
    compat.quiet_upstream_warnings()
    return args


def process_count() -> int:
    """The number of processes of this run, as its launcher says (1 without one)."""
    value = os.environ.get('WORLD_SIZE', os.environ.get('SLURM_NTASKS', '1'))
    return int(value) if value.isdigit() else 1


def stderr_warning(prog: str) -> Say:
    """A ``warn`` that prints ``<prog>: warning: <message>`` to stderr.

    In a distributed run only the first process of each machine prints (every process
    checks the same config and files); errors are printed by every process.
    """

    def warn(message: str) -> None:
        if os.environ.get('LOCAL_RANK', os.environ.get('SLURM_LOCALID', '0')) == '0':
            print(f'{prog}: warning: {message}', file=sys.stderr)

    return warn


def run_or_exit_2(prog: str, body: Callable[[], Any]) -> int:
    """Run ``body``: 0, or 2 after one line ``<prog>: error: ...`` for a user error."""
    try:
        body()
    except PetsegError as err:
        print(f'{prog}: error: {user_message(err)}', file=sys.stderr)
        return 2
    return 0


EXIT_BAD_INPUT = 2
REQUIRED_MODULES = ('torch', 'mmengine', 'mmseg')


def launch(argv: list[str], prog: str = 'torchrun') -> int:
    """Run torchrun with ``argv``; its exit status (2 when the processes refused bad input)."""
    import importlib.util
    import logging

    missing = [name for name in REQUIRED_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        print(
            f'{prog}: error: {sys.executable} has no {", ".join(missing)}: run it from the '
            'clone with its .venv (make install), or set PYTHON to the interpreter that has '
            'petseg installed',
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    from torch.distributed.elastic.multiprocessing.errors import ChildFailedError
    from torch.distributed.run import parse_args, run

    logging.getLogger('torch.distributed.elastic.multiprocessing.api').addFilter(
        lambda record: f'(exitcode: {EXIT_BAD_INPUT})' not in record.getMessage()
    )
    try:
        run(parse_args(argv))
    except ChildFailedError as err:
        _, first = err.get_first_failure()
        if first.exitcode == EXIT_BAD_INPUT:
            return EXIT_BAD_INPUT  # the processes printed the one-line reason
        print(str(err), file=sys.stderr)
        return 1
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


def _main(argv: list[str]) -> int:
    prog = 'torchrun'
    if argv[:1] == ['--prog'] and len(argv) > 1:
        prog, argv = argv[1], argv[2:]
    return launch(argv, prog)


if __name__ == '__main__':
    sys.exit(_main(sys.argv[1:]))
