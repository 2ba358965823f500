"""``petseg cross-validate``: k-fold held-out metrics of a config, mean +- std over folds."""

from __future__ import annotations

import argparse
from pathlib import Path


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
    parser.add_argument('config', help='e.g. configs/hyp1_segformer_b0.py')
    parser.add_argument('--data-root', required=True)
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--iters', type=int, default=400, help='training iterations per fold')
    parser.add_argument('--crop', type=int, default=128, help='training crop (px)')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--lr', type=float, default=None, help="default: the config's own")
    parser.add_argument('--include-val', action='store_true', help='fold train + val together')
    parser.add_argument('--out', default=None, help='work_dirs/cross_validate/<cfg>_<data>')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--workers', type=int, default=2, help='dataloader workers')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--overwrite', action='store_true', help='replace an existing report')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Cross-validate and print the per-fold table and the mean +- std."""
    from rich.console import Console
    from rich.table import Table

    from practicum_work.core.paths import default_cross_validate_dir
    from practicum_work.label_quality.cross_validate import (
        CrossValidateSettings,
        run_cross_validate,
    )

    out = Path(args.out or default_cross_validate_dir(args.config, args.data_root))
    settings = CrossValidateSettings(
        folds=args.folds, iters=args.iters, crop=args.crop, batch_size=args.batch_size,
        lr=args.lr, include_val=args.include_val, workers=args.workers, seed=args.seed,
        device=args.device,
    )  # fmt: skip
    document = run_cross_validate(args.config, args.data_root, out, settings, args.overwrite)
    table = Table(title=f'{Path(args.config).stem}: {args.folds}-fold held-out metrics (percent)')
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
        + f' over {args.folds} folds ({document["samples"]} samples); pooled held-out mDice '
        f'{document["pooled"]["summary"]["mDice"]:.2f}; {document["wall_time_s"]:.0f} s'
    )
    print(f'wrote {out / "report"} (petseg compare {out / "report"} ... --rank-by test)')
    return 0
