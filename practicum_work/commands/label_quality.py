"""``petseg label-quality``: out-of-fold label-quality scores, issue maps, proposed masks."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args, view
from practicum_work.label_quality.settings import LabelQualityCommand as SETTINGS
from practicum_work.label_quality.settings import LabelQualitySettings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``label-quality`` subcommand."""
    parser = subparsers.add_parser(
        'label-quality',
        help='rank images by out-of-fold label quality; propose corrected masks (clean_v2)',
        description='Train CONFIG k times on k-1 folds of train (+ val), predict each held-out '
        "fold, score every image by the softmin of its pixels' given-label probability, rank, "
        'and draw panels of the worst. --propose writes a corrected copy of the dataset.',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the scoring and print the worst images."""
    from rich.console import Console
    from rich.table import Table

    from practicum_work.core.paths import default_label_quality_dir
    from practicum_work.label_quality.run import run_label_quality

    options = from_args(SETTINGS, args)
    out = options.out or default_label_quality_dir(options.data_root)
    report = run_label_quality(
        options.data_root, options.config, out, view(options, LabelQualitySettings),
        options.propose, options.overwrite,
    )  # fmt: skip
    table = Table(title=f'lowest label quality ({len(report.images)} images scored)')
    for column in ('rank', 'image', 'score', 'contradicted', 'dominant'):
        table.add_column(column)
    for image in report.images[: options.worst_k]:
        table.add_row(
            str(image.rank),
            f'{image.split}/{image.stem}',
            f'{image.score:.3f}',
            f'{image.contradicted_share:.1%}',
            image.dominant_contradiction or '-',
        )
    console = Console()
    console.print(table)
    meets_rule = sum(image.meets_flag_rule for image in report.images)
    print(
        f'{len(report.flagged)} flagged (>= {options.flag_share:.0%} confidently contradicted '
        f'pixels); {len(report.not_scored)} not scored; folds trained {report.folds_trained}, '
        f'reused {report.folds_reused}; {report.wall_time_s:.0f} s'
    )
    iou = ', '.join(
        f'{name} {value:.2f}' for name, value in report.heldout_iou.items() if value is not None
    )
    print(f'fold models, held-out IoU against the given labels: {iou}')
    if report.weak_classes:
        from practicum_work.label_quality.model_check import describe_weakness

        weakness = describe_weakness(report.heldout_iou, report.weak_classes, options.min_model_iou)
        withheld = (
            ''
            if options.allow_weak_models
            else f'; flags withheld ({meets_rule} images meet the flag rule, '
            '--allow-weak-models flags them)'
        )
        print(f'warning: {weakness}{withheld}; read the ranking as a hint and check the panels')
    print(f'report: {report.report_dir} (scores.csv, scores.json, panels/, issue_maps/)')
    if report.proposal_dir:
        print(f'corrected copy: {report.proposal_dir} (manifest.json lists every change)')
    return 0
