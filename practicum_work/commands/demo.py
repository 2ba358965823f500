"""``petseg demo``: the end-to-end demo on generated data."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args, view
from practicum_work.demo_settings import DemoCommand as SETTINGS
from practicum_work.demo_settings import DemoSettings

GENERATED_SIZES = ('n_train', 'n_val', 'n_test')  # generated data only: not with --oxford
# The noisy splits (train, val) lose 6-7 samples to the injected file faults alone, and
# fix-labels refuses a copy that drops more than half of a split.
MIN_NOISY_SPLIT = 16


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo`` subcommand."""
    parser = subparsers.add_parser(
        'demo',
        help='the main job end to end on generated data (CPU, minutes)',
        description='demo-data -> eda -> fix-labels (dry run, clean_v1) -> class-weights -> '
        'train hyp1 on raw and clean_v1 -> test both -> best-worst -> compare. Each run gets a '
        'new folder under --out; nothing earlier is overwritten. With --oxford PATH the same '
        'flow runs on real photos: convert-oxford-pet -> inject-noise -> eda -> ...',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def _command(args: argparse.Namespace):
    """The demo's settings from the command line; ``--oxford`` refuses the generated sizes."""
    from practicum_work.core.errors import PetsegError

    command = from_args(SETTINGS, args, val_interval=max(1, args.iters // 2))
    sizes = [n for n in GENERATED_SIZES if getattr(command, n) != getattr(DemoSettings, n)]
    if command.oxford and sizes:
        flag = f'--{sizes[0].replace("_", "-")}'
        raise PetsegError(f'{flag} sizes generated data; with --oxford the splits are given')
    for name in ('n_train', 'n_val'):
        if not command.oxford and getattr(command, name) < MIN_NOISY_SPLIT:
            flag = f'--{name.replace("_", "-")}'
            raise PetsegError(
                f'{flag} {getattr(command, name)}: the demo needs at least {MIN_NOISY_SPLIT} '
                'images in train and val (their injected faults drop 6-7 samples, and fix-labels '
                'refuses a copy that loses more than half of a split)'
            )
    return command


def run(args: argparse.Namespace) -> int:
    """Run the demo and print where everything is and the headline numbers."""
    from practicum_work.demo import run_demo
    from practicum_work.tracking.mode import resolve_mode

    command = _command(args)
    settings = view(command, DemoSettings)
    tracking = resolve_mode(settings.clearml)
    data = (
        f'real photos from {settings.oxford} with injected noise'
        if settings.oxford
        else f'{settings.n_train}/{settings.n_val}/{settings.n_test} generated images with '
        'injected noise'
    )
    print(
        f'petseg demo: {data}; hyp1 (SegFormer-B0, CE + Dice) from scratch on CPU, '
        f'{settings.iters} iterations, batch {settings.batch_size}, crop {settings.crop} px '
        '(a short schedule: the real one is 4k iterations on a GPU); '
        f'ClearML {tracking.mode} ({tracking.reason})'
    )
    result = run_demo(command.out, settings)
    headline = result.headline
    noise = headline['noise']
    print('\nArtifacts')
    for name, path in result.artifacts.items():
        print(f'  {name:<52} {path}')
    print('\nNoise')
    print('  injected       ' + ', '.join(f'{k} {v}' for k, v in noise['injected'].items()))
    severity = noise['eda_findings_by_severity']
    print('  eda found      ' + ', '.join(f'{v} {k}' for k, v in severity.items()))
    issues = noise['fix_labels_plan'].get('issues', {})
    print('  fix-labels     ' + ', '.join(f'{k} {v}' for k, v in sorted(issues.items())))
    swaps, judge = noise['swaps'], noise['fix_labels_plan']['classifier']
    precision = '-' if swaps['precision'] is None else f'{swaps["precision"]:.2f}'
    recall = '-' if swaps['recall'] is None else f'{swaps["recall"]:.2f}'
    print(
        f'  swaps          {swaps["correct"]} of {swaps["injected"]} injected found, '
        f'{swaps["applied"] - swaps["correct"]} clean masks swapped (precision {precision}, '
        f'recall {recall}); classifier {judge["used"]}, '
        f'{"reliable" if judge["reliable"] else "NOT reliable: suspects sent to review"}'
    )
    print('\nTest (same raw test split, percent)')
    for name, value in headline['test_mDice'].items():
        dice = headline['test_dice_per_class'][name]
        per_class = ', '.join(f'{c} {v:.2f}' for c, v in dice.items() if v is not None)
        print(f'  {name:<15} mDice {value:6.2f}   Dice: {per_class}')
    raw, clean = headline['test_mDice']['hyp1_raw'], headline['test_mDice']['hyp1_clean_v1']
    print(f'  clean_v1 - raw: {clean - raw:+.2f} mDice')
    for session in result.clearml_sessions:
        print(f'ClearML offline session {session}  (upload: petseg clearml-import {session})')
    print(f'\n{headline["conclusion"]}')
    print(f'wall time {result.wall_time_s:.0f} s; summary: {result.run_dir}/summary.json')
    return 0
