"""Train a segmentor: ``train(config)``, or ``python -m practicum_work.train CONFIG``.

MMSeg 1.x ``tools/train.py`` plus petseg's checks and clear errors (the clone's
``tools/train.py`` is this module's command line, kept for MMSeg users' habits).

Usage: python -m practicum_work.train CONFIG [--work-dir DIR] [--resume [CKPT] | --overwrite]
       [--amp] [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]

Differences from upstream: ``--resume`` alone resumes the latest checkpoint of the work dir,
``--resume CKPT`` resumes that file (as in MMDetection); a work dir that already holds a run
is refused unless ``--resume`` or ``--overwrite`` (start over; the earlier run's files move to
``<work_dir>/previous_runs/<time>/``); ``--cfg-options`` keys and values are checked against
the config, and the data folders and the training masks before the Runner is built
(:mod:`practicum_work.core.run_setup`); ``--cfg-options data_root=PATH`` re-points all three
dataloaders; ``--amp`` without a CUDA GPU is a clear error; bad input prints one line and exits
2, before anything is written. The console shows the run (the environment and config dump go
to the log file only).

One process, one run: MMEngine keeps a Runner's logger, visualizer and message hub as global
instances named ``<config name>_<start second>``, and ClearML allows one task per process, so a
program that trains several models (label-quality's folds, the demo) starts each in a process
of its own: ``python -m practicum_work.train`` with :func:`command_line`'s arguments.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from practicum_work.run_cli import (
    Say,
    add_run_options,
    add_work_dir_option,
    named_work_dir,
    parse_run_arguments,
    run_or_exit_2,
    stderr_warning,
)

PROG = 'train.py'  # the name in usage, warnings and errors, as with the clone's tools/train.py
MODULE = 'practicum_work.train'  # python -m MODULE


def train(
    config: str | Path | Any,
    *,
    cfg_options: dict[str, Any] | None = None,
    work_dir: str | Path | None = None,
    resume: str | None = None,
    overwrite: bool = False,
    amp: bool = False,
    launcher: str = 'none',
    warn: Say | None = None,
) -> Path:
    """Train ``config`` (a file or an MMEngine ``Config``); return the run's work dir.

    The arguments are the command line's options (see the module): ``resume='auto'`` resumes
    the latest checkpoint of the work dir, ``resume=PATH`` that checkpoint. Every check runs
    before the Runner is built; bad input raises :class:`~practicum_work.core.errors.PetsegError`
    with one line. ``warn`` gets the warnings (default: ``train.py: warning: ...`` on stderr).
    """
    from practicum_work.core.run_setup import prepare_train
    from practicum_work.mmseg_ext.distributed import end_process_group
    from practicum_work.tracking.agent import apply_agent_edits

    warn = warn or stderr_warning(PROG)
    if work_dir is None and not _has_work_dir(config):
        work_dir = named_work_dir(config)
    setup = prepare_train(
        config,
        cfg_options,
        None if work_dir is None else str(work_dir),
        launcher,
        resume=resume,
        overwrite=overwrite,
        amp=amp,
        warn=warn,
        # a ClearML Agent's clone: its edits, checked with the rest before anything moves
        edit=lambda cfg: apply_agent_edits(cfg, 'train', warn=warn),
    )
    cfg = setup.cfg
    if 'runner_type' in cfg:
        from mmseg.registry import RUNNERS

        runner = RUNNERS.build(cfg)
    else:
        from practicum_work.mmseg_ext.runners import PetsegRunner

        runner = PetsegRunner.from_cfg(cfg)
    runner.train()
    del runner
    end_process_group()
    return Path(cfg.work_dir)


def _has_work_dir(config: Any) -> bool:
    """A file names its work dir when it is read; a ``Config`` object may hold one."""
    return isinstance(config, str | Path) or bool(config.get('work_dir'))


def command_line(
    config: str | Path,
    *,
    cfg_options: dict[str, Any] | None = None,
    work_dir: str | Path | None = None,
    resume: str | None = None,
    overwrite: bool = False,
    amp: bool = False,
    launcher: str = 'none',
) -> list[str]:
    """The arguments of ``python -m practicum_work.train`` that make ``train(config, ...)``."""
    from practicum_work.core.tool_runner import cfg_option_args

    args = [str(config)]
    if work_dir is not None:
        args += ['--work-dir', str(work_dir)]
    if resume is not None:
        args += ['--resume'] if resume == 'auto' else ['--resume', str(resume)]
    args += ['--overwrite'] * overwrite + ['--amp'] * amp
    if launcher != 'none':
        args += ['--launcher', launcher]
    return args + cfg_option_args(cfg_options or {})


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m practicum_work.train`` (and the clone's tools/train.py)."""
    parser = argparse.ArgumentParser(prog=PROG, description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    add_work_dir_option(parser, 'the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the latest checkpoint in the work dir, or from CKPT if given',
    )
    parser.add_argument(
        '--overwrite',
        action='store_true',
        help='start over in a work dir that holds a run: its files move to '
        '<work_dir>/previous_runs/<time>/ (nothing is deleted)',
    )
    parser.add_argument(
        '--amp', action='store_true', default=False, help='automatic mixed precision (CUDA only)'
    )
    add_run_options(
        parser,
        'override settings of the config, key=value pairs, e.g. '
        'train_cfg.max_iters=200 data_root=data/my_pets',
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; 0, or 2 with one ``train.py: error: ...`` line for bad input."""
    parser = build_parser()
    args = parse_run_arguments(parser, argv)
    if args.resume and args.overwrite:
        parser.error('--resume continues the run in the work dir, --overwrite starts over')
    return run_or_exit_2(
        PROG,
        lambda: train(
            args.config,
            cfg_options=args.cfg_options,
            work_dir=args.work_dir,
            resume=args.resume,
            overwrite=args.overwrite,
            amp=args.amp,
            launcher=args.launcher,
        ),
    )


if __name__ == '__main__':
    sys.exit(main())
