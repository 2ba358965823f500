"""``petseg postprocess-eval``: pick the small-component filter's N on val, report it on test."""

from __future__ import annotations

import argparse

from practicum_work.analysis.settings import PostprocessEvalSettings as SETTINGS
from practicum_work.core.options import add_options, from_args, settings_kwargs


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``postprocess-eval`` subcommand."""
    parser = subparsers.add_parser(
        'postprocess-eval',
        help='choose the small-component filter size on val, compare on test',
        description='Predict val once, apply the small-component filter for every N of --grid '
        '(0 = off), pick the N with the best val mDice (ties: smaller N), then report test '
        'metrics without and with it side by side (JSON + Markdown).',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the evaluation and print the tables."""
    from rich.console import Console
    from rich.table import Table

    from practicum_work.analysis.postprocess_eval import (
        REPORTED,
        parse_grid,
        run_postprocess_eval,
    )

    settings = from_args(SETTINGS, args)
    result = run_postprocess_eval(
        **settings_kwargs(settings, exclude=['grid']), grid=parse_grid(settings.grid)
    )

    def fmt(value):
        return '—' if value is None else f'{value:.2f}'

    console = Console()
    grid = Table(title=f'{result.val_split}: min component area grid (percent)')
    grid.add_column('N', justify='right')
    for metric in REPORTED:
        grid.add_column(metric, justify='right')
    for point in result.val:
        chosen = point.min_area == result.chosen_min_area
        grid.add_row(
            f'{point.min_area}{" *" if chosen else ""}',
            *(fmt(point.summary.get(m)) for m in REPORTED),
            style='bold' if chosen else None,
        )
    console.print(grid)
    test = Table(title=f'{result.test_split}: without vs with N = {result.chosen_min_area}')
    for column in ('metric', 'without', 'with', 'change'):
        test.add_column(column, justify='left' if column == 'metric' else 'right')
    for metric in REPORTED:
        a, b = result.test_without.summary.get(metric), result.test_with.summary.get(metric)
        change = '—' if a is None or b is None else f'{b - a:+.2f}'
        test.add_row(metric, fmt(a), fmt(b), change)
    console.print(test)
    if result.chosen_min_area == 0:
        print('no N beat the unfiltered model on val: keep the filter off')
    else:
        print(
            f'chosen on {result.val_split}: N = {result.chosen_min_area} '
            f'(--cfg-options model.test_cfg.min_component_area={result.chosen_min_area})'
        )
    print(f'wrote {result.out_dir}/postprocess_eval.json and report.md')
    return 0
