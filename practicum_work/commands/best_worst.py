"""``petseg best-worst``: per-image scores, best/worst panels and the confusion matrix."""

from __future__ import annotations

import argparse

from practicum_work.analysis.settings import BestWorstSettings as SETTINGS
from practicum_work.core.options import add_options, from_args, settings_kwargs


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``best-worst`` subcommand."""
    parser = subparsers.add_parser(
        'best-worst',
        help='score every image of a split; draw the best and worst predictions',
        description='Predict a split with a checkpoint (MMSeg test pipeline), score every image '
        '(IoU/Dice per class, mean foreground Dice), and write the K best and K worst as panels '
        '(image | ground truth | prediction | errors), the worst per class and per confusion, '
        'scores.csv/json and a row-normalised confusion matrix.',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run best-worst and print a summary."""
    from practicum_work.analysis.best_worst import run_best_worst

    result = run_best_worst(**settings_kwargs(from_args(SETTINGS, args)))
    summary = result.metrics['summary']

    def fmt(value):
        return '—' if value is None else f'{value:.1f}'

    print(
        f'{result.split}: {result.n_images} images ({result.n_ranked} ranked), '
        f'mIoU {fmt(summary["mIoU"])}  mDice {fmt(summary["mDice"])}  aAcc {fmt(summary["aAcc"])}'
        f'  mean per-image foreground Dice {fmt(result.mean_fg_dice)}'
        f'  (min component area {result.min_component_area})'
    )
    if result.left_out:
        print(f'left out {len(result.left_out)} (not evaluated; in scores.json):')
        for entry in result.left_out:
            print(f'  {entry}')
    print('best : ' + ', '.join(f'{e.stem} {fmt(e.score)}' for e in result.best))
    print('worst: ' + ', '.join(f'{e.stem} {fmt(e.score)}' for e in result.worst))
    for name, entries in result.confusions.items():
        if entries:
            top = entries[0]
            print(f'{name:<16} most in {top.stem} ({top.detail["pixels"]} px, {fmt(top.score)}%)')
    print(f'wrote {result.out_dir} (panels, scores.csv, scores.json, confusion_matrix.png)')
    return 0
