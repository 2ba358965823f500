"""``petseg demo``: the end-to-end demo on generated data."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        'demo',
        help='the main job end to end on generated data (CPU, minutes)',
        description='Generate demo data, train hyp1 on a short CPU schedule, test it, and '
        'print where every artifact is. Each run gets a new folder under --out.',
    )
    parser.add_argument('--out', default='work_dirs/demo', help='parent folder of the run folders')
    parser.add_argument('--iters', type=int, default=None, help='training iterations (default 600)')
    parser.add_argument('--n-train', type=int, default=None, help='train images (default 200)')
    parser.add_argument(
        '--clearml',
        choices=['auto', 'online', 'offline', 'off'],
        default='auto',
        help='ClearML tracking (default auto: PETSEG_CLEARML if set, else online when a server '
        'is configured, else offline with a session zip for `petseg clearml-import`)',
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the demo and print its summary."""
    from practicum_work.clearml_mode import resolve_mode
    from practicum_work.demo import DemoSettings, run_demo

    settings = DemoSettings(clearml=args.clearml)
    tracking = resolve_mode(settings.clearml)
    if args.iters is not None:
        settings.iters = args.iters
        settings.val_interval = max(1, args.iters // 3)
    if args.n_train is not None:
        settings.n_train = args.n_train
    print(
        f'petseg demo: hyp1 (SegFormer-B0, CE + Dice) from scratch, {settings.iters} iterations, '
        f'batch {settings.batch_size}, crop {settings.crop}px, CPU; '
        f'ClearML {tracking.mode} ({tracking.reason})'
    )
    result = run_demo(args.out, settings)
    summary = result.test_metrics['summary']
    dice = {k: v['Dice'] for k, v in result.test_metrics['per_class'].items()}
    print(f'\nrun folder      {result.run_dir}')
    print(f'data            {result.data_root}')
    print(f'training        {result.work_dir}  (logs: {result.run_dir}/logs)')
    print(f'best checkpoint {result.best_checkpoint}')
    print(
        f'test metrics    mDice {summary["mDice"]:.2f}  mIoU {summary["mIoU"]:.2f}  '
        f'aAcc {summary["aAcc"]:.2f}  Dice per class '
        + ', '.join(f'{k} {v:.2f}' for k, v in dice.items() if v is not None)
    )
    for session in result.clearml_sessions:
        print(f'ClearML offline {session}  (upload: petseg clearml-import {session})')
    print(f'wall time       {result.wall_time_s:.0f} s   summary: {result.run_dir}/summary.json')
    return 0
