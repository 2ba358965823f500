"""Test and evaluate a segmentor: ``test(config, checkpoint)``, ``python -m practicum_work.test``.

MMSeg 1.x ``tools/test.py`` plus petseg's clear errors (the clone's ``tools/test.py`` is this
module's command line, kept for MMSeg users' habits).

Usage: python -m practicum_work.test CONFIG CHECKPOINT [--split NAME] [--work-dir DIR]
       [--out DIR] [--show-dir DIR] [--cfg-options k=v ...] [--launcher ...] [--tta]

Metrics (mIoU, mDice, aAcc, mFscore, per class) are logged and written to
``<work_dir>/metrics_<split>_<checkpoint name>.json`` and, with ClearML on, to a test task.
The work dir is, unless ``--work-dir`` says otherwise, the checkpoint's own folder (its run),
where ``petseg compare`` finds them. ``--split`` evaluates another split (default: the
config's, ``test``). ``--out`` saves the predicted masks as PNG files; ``--show-dir`` saves
painted predictions. Options and data are checked before anything is written
(:mod:`practicum_work.core.run_setup`). One test per process when several run in a row (see
:mod:`practicum_work.train`).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from practicum_work.core.checkpoints import is_remote
from practicum_work.core.errors import PetsegError
from practicum_work.run_cli import (
    Say,
    add_run_options,
    add_work_dir_option,
    named_work_dir,
    parse_run_arguments,
    process_count,
    run_or_exit_2,
    stderr_warning,
)

PROG = 'test.py'  # the name in usage, warnings and errors, as with the clone's tools/test.py
MODULE = 'practicum_work.test'  # python -m MODULE


def test(
    config: str | Path | Any,
    checkpoint: str | Path,
    *,
    cfg_options: dict[str, Any] | None = None,
    work_dir: str | Path | None = None,
    split: str | None = None,
    out: str | Path | None = None,
    show: bool = False,
    show_dir: str | Path | None = None,
    wait_time: float = 2,
    tta: bool = False,
    launcher: str = 'none',
    warn: Say | None = None,
) -> dict[str, float]:
    """Evaluate ``checkpoint`` with ``config`` (a file or an MMEngine ``Config``); its metrics.

    The metrics are those the Runner's test loop returns (``aAcc``, ``mIoU``, ``mDice``, ...,
    in percent); the metrics JSON is written too (see the module). Bad input raises
    :class:`~practicum_work.core.errors.PetsegError` with one line, before anything is written.
    """
    from practicum_work.core.run_setup import prepare_test

    checkpoint = str(checkpoint)
    warn = warn or stderr_warning(PROG)
    if (show or show_dir) and launcher != 'none' and process_count() > 1:
        raise PetsegError(
            "--show/--show-dir in a distributed test would paint only the first process's "
            "share of the images (MMSeg's visualiser draws on process 0 only): paint with one "
            'process (python -m practicum_work.test ... --show-dir DIR)'
        )
    if work_dir is None and is_remote(checkpoint):
        work_dir = named_work_dir(config)  # a URL has no folder: work_dirs/<config name>
    cfg = prepare_test(
        config,
        checkpoint,
        cfg_options,
        None if work_dir is None else str(work_dir),
        launcher,
        split=split,
        warn=warn,
    )
    # ClearML (if on): a test run is a task of its own, type testing, <config>_test_<timestamp>.
    if 'clearml.task_type' not in (cfg_options or {}):
        cfg.merge_from_dict({'clearml.task_type': 'testing'})
    # The backbone's pretrained init is pointless before loading a full checkpoint.
    if cfg.model.get('backbone', {}).get('init_cfg'):
        cfg.model.backbone.init_cfg = None
    if show or show_dir:
        paint_predictions(cfg, show, show_dir, wait_time)
    if tta:
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model
    if out is not None:
        cfg.test_evaluator['output_dir'] = str(out)
        cfg.test_evaluator['keep_results'] = True

    from practicum_work.mmseg_ext.distributed import end_process_group
    from practicum_work.mmseg_ext.runners import PetsegTestRunner
    from practicum_work.tracking.agent import apply_agent_edits

    apply_agent_edits(cfg, 'test', warn=warn)  # a ClearML Agent's clone: its edits (tracking)
    metrics = PetsegTestRunner.from_cfg(cfg).test()
    end_process_group()
    return metrics


def paint_predictions(
    cfg: Any, show: bool, show_dir: str | Path | None, wait_time: float = 2
) -> None:
    """Make the config's visualization hook paint every test image (shown, or saved)."""
    default_hooks = cfg.default_hooks
    if 'visualization' not in default_hooks:
        raise PetsegError(
            'VisualizationHook must be included in default_hooks, e.g. '
            "visualization=dict(type='SegVisualizationHook')"
        )
    visualization_hook = default_hooks['visualization']
    visualization_hook['draw'] = True
    visualization_hook['interval'] = 1  # paint every image, not every 50th
    if show:
        visualization_hook['show'] = True
        visualization_hook['wait_time'] = wait_time
    if show_dir:
        cfg.visualizer['save_dir'] = str(show_dir)


def command_line(
    config: str | Path,
    checkpoint: str | Path,
    *,
    cfg_options: dict[str, Any] | None = None,
    work_dir: str | Path | None = None,
    split: str | None = None,
    out: str | Path | None = None,
    show_dir: str | Path | None = None,
    tta: bool = False,
    launcher: str = 'none',
) -> list[str]:
    """The arguments of ``python -m practicum_work.test`` that make ``test(config, ...)``."""
    from practicum_work.core.tool_runner import cfg_option_args

    args = [str(config), str(checkpoint)]
    for option, value in (
        ('--work-dir', work_dir),
        ('--split', split),
        ('--out', out),
        ('--show-dir', show_dir),
    ):
        if value is not None:
            args += [option, str(value)]
    args += ['--tta'] * tta
    if launcher != 'none':
        args += ['--launcher', launcher]
    return args + cfg_option_args(cfg_options or {})


def build_parser() -> argparse.ArgumentParser:
    """The command line of ``python -m practicum_work.test`` (and the clone's tools/test.py)."""
    parser = argparse.ArgumentParser(prog=PROG, description='MMSeg test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    add_work_dir_option(
        parser, "where logs and the metrics JSON go (default: the checkpoint's folder, its run)"
    )
    parser.add_argument(
        '--split',
        help='evaluate the images of img/<split> and labels/<split> (default: the '
        "config's test split)",
    )
    parser.add_argument('--out', type=str, help='directory to save the predicted masks (PNG)')
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory where painted predictions are saved (<show-dir>/vis_data/vis_image)',
    )
    parser.add_argument('--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument('--tta', action='store_true', help='Test time augmentation')
    add_run_options(parser, 'override settings of the config, key=value pairs')
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command line; 0, or 2 with one ``test.py: error: ...`` line for bad input."""
    args = parse_run_arguments(build_parser(), argv)
    return run_or_exit_2(
        PROG,
        lambda: test(
            args.config,
            args.checkpoint,
            cfg_options=args.cfg_options,
            work_dir=args.work_dir,
            split=args.split,
            out=args.out,
            show=args.show,
            show_dir=args.show_dir,
            wait_time=args.wait_time,
            tta=args.tta,
            launcher=args.launcher,
        ),
    )


if __name__ == '__main__':
    sys.exit(main())
