"""``petseg compare``: one table and one chart across experiment work dirs."""

from __future__ import annotations

import argparse

from practicum_work.analysis.settings import CompareSettings as SETTINGS
from practicum_work.core.options import add_options, from_args, settings_kwargs


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``compare`` subcommand."""
    parser = subparsers.add_parser(
        'compare',
        help='compare experiments: Markdown/CSV table, val mDice chart, the best one',
        description='Read each work dir (metrics_val_iter_*.json, metrics_test_*.json, MMEngine '
        'logs and scalars, checkpoints) and write report.md, compare.csv, compare.json and '
        'val_mDice.png. Missing pieces show as "—".',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Compare and print the table and the conclusion."""
    from rich.console import Console
    from rich.table import Table

    from practicum_work.analysis.compare import DASH, compare_experiments

    result = compare_experiments(**settings_kwargs(from_args(SETTINGS, args)))

    def fmt(value, digits=2):
        return DASH if value is None else f'{value:.{digits}f}'

    table = Table(title='experiments (percent)')
    columns = ('experiment', 'best iter', 'val mDice', 'val mIoU', 'test mDice', 'test 95% CI',
               'test mIoU')  # fmt: skip
    longest = max(len(exp.name) for exp in result.experiments)
    table.add_column(columns[0], no_wrap=True, min_width=longest)  # full names, never "hyp1_cl…"
    for column in columns[1:]:
        table.add_column(column, justify='right')
    for exp in result.experiments:
        val, test, ci = exp.val or {}, exp.test or {}, exp.test_mDice_ci
        table.add_row(
            exp.name,
            DASH if exp.best_iter is None else str(exp.best_iter),
            fmt(val.get('summary', {}).get('mDice')),
            fmt(val.get('summary', {}).get('mIoU')),
            fmt(test.get('summary', {}).get('mDice')),
            DASH if ci is None else f'[{ci["low"]:.2f}, {ci["high"]:.2f}]',
            fmt(test.get('summary', {}).get('mIoU')),
        )
    Console().print(table)
    for warning in result.warnings:
        print(f'warning: {warning}')
    print(result.conclusion)
    for difference in result.differences:
        print(difference['sentence'])
    print(f'wrote {result.out_dir}: ' + ', '.join(result.files))
    return 0
