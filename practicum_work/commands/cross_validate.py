"""``petseg cross-validate``: k-fold held-out metrics of a config, mean +- std over folds."""

from __future__ import annotations

import argparse
from pathlib import Path

from practicum_work.core.options import add_options, from_args, view
from practicum_work.label_quality.settings import CrossValidateCommand as SETTINGS
from practicum_work.label_quality.settings import CrossValidateSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``cross-validate`` subcommand."""
    parser = subparsers.add_parser(
        'cross-validate',
        help='k-fold estimate of a config: held-out metrics per fold, mean +- std',
        description='Train CONFIG k times on k-1 folds of train (+ val) with a short-run '
        'schedule (the folds and fold models of label-quality: reused on a rerun when data, '
        'config and schedule are unchanged), evaluate each model on the fold it never saw, and '
        'report mIoU/mDice/aAcc per fold with mean and std. The report folder reads in '
        'petseg compare --rank-by test like an experiment (pooled held-out metrics, intervals).',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Cross-validate and print the per-fold table and the mean +- std."""
    from rich.console import Console
    from rich.table import Table

    from practicum_work.core.paths import default_cross_validate_dir
    from practicum_work.label_quality.cross_validate import run_cross_validate

    options = from_args(SETTINGS, args)
    out = Path(options.out or default_cross_validate_dir(options.config, options.data_root))
    settings = view(options, CrossValidateSettings)
    document = run_cross_validate(
        options.config, options.data_root, out, settings, options.overwrite
    )
    table = Table(
        title=f'{Path(options.config).stem}: {settings.folds}-fold held-out metrics (percent)'
    )
    for column in ('fold', 'images', 'mDice', 'mIoU', 'aAcc', 'model'):
        table.add_column(column, justify='right')
    for fold in document['per_fold']:
        summary = fold['summary']
        table.add_row(
            str(fold['fold'] + 1), str(fold['images']),
            *(f'{summary[m]:.2f}' if summary[m] is not None else '-' for m in
              ('mDice', 'mIoU', 'aAcc')),
            'reused' if fold['reused'] else 'trained',
        )  # fmt: skip
    Console().print(table)
    stats = document['mean_std']
    print(
        ', '.join(f'{m} {s["mean"]:.2f} +- {s["std"]:.2f}' for m, s in stats.items())
        + f' over {settings.folds} folds ({document["samples"]} samples); pooled held-out mDice '
        f'{document["pooled"]["summary"]["mDice"]:.2f}; {document["wall_time_s"]:.0f} s'
    )
    print(f'wrote {out / "report"} (petseg compare {out / "report"} ... --rank-by test)')
    return 0
