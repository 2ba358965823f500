"""``petseg label-quality``: out-of-fold label-quality scores, issue maps, proposed masks."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``label-quality`` subcommand."""
    parser = subparsers.add_parser(
        'label-quality',
        help='rank images by out-of-fold label quality; propose corrected masks (clean_v2)',
        description='Train CONFIG k times on k-1 folds of train (+ val), predict each held-out '
        "fold, score every image by the softmin of its pixels' given-label probability, rank, "
        'and draw panels of the worst. --propose writes a corrected copy of the dataset.',
    )
    parser.add_argument('--data-root', required=True)
    parser.add_argument('--config', default='configs/hyp1_segformer_b0.py')
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--iters', type=int, default=400, help='training iterations per fold')
    parser.add_argument('--crop', type=int, default=128, help='training crop (px)')
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--lr', type=float, default=6e-4, help='learning rate (from scratch)')
    parser.add_argument('--include-val', action='store_true', help='score val images too')
    parser.add_argument('--temperature', type=float, default=0.1, help='softmin temperature')
    parser.add_argument(
        '--confidence',
        type=float,
        default=0.9,
        help='model probability that counts as confident (flags and proposed pixels)',
    )
    parser.add_argument(
        '--flag-share',
        type=float,
        default=0.01,
        help='flag an image when this share of its pixels is confidently contradicted',
    )
    parser.add_argument(
        '--min-model-iou',
        type=float,
        default=0.5,
        help='held-out IoU (fold models vs given labels) below which a class counts as weak',
    )
    parser.add_argument(
        '--allow-weak-models',
        action='store_true',
        help='write --propose even when a class is weak (default: refuse, report only)',
    )
    parser.add_argument('--worst', type=int, default=12, help='panels for the K worst images')
    parser.add_argument('--out', default=None, help='default: work_dirs/label_quality/<name>')
    parser.add_argument(
        '--propose', default=None, metavar='DIR', help='write the corrected dataset copy here'
    )
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--workers', type=int, default=2, help='dataloader workers')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--overwrite', action='store_true', help='replace an existing report')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the scoring and print the worst images."""
    from rich.console import Console
    from rich.table import Table

    from practicum_work.core.paths import default_label_quality_dir
    from practicum_work.label_quality.run import LabelQualitySettings, run_label_quality

    out = Path(args.out or default_label_quality_dir(args.data_root))
    settings = LabelQualitySettings(
        folds=args.folds,
        iters=args.iters,
        crop=args.crop,
        batch_size=args.batch_size,
        lr=args.lr,
        include_val=args.include_val,
        temperature=args.temperature,
        confidence=args.confidence,
        flag_share=args.flag_share,
        worst_k=args.worst,
        min_model_iou=args.min_model_iou,
        allow_weak_models=args.allow_weak_models,
        seed=args.seed,
        workers=args.workers,
        device=args.device,
    )
    report = run_label_quality(
        args.data_root, args.config, out, settings, args.propose, args.overwrite
    )
    table = Table(title=f'lowest label quality ({len(report.images)} images scored)')
    for column in ('rank', 'image', 'score', 'contradicted', 'dominant'):
        table.add_column(column)
    for image in report.images[: args.worst]:
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
        f'{len(report.flagged)} flagged (>= {args.flag_share:.0%} confidently contradicted '
        f'pixels); {len(report.not_scored)} not scored; folds trained {report.folds_trained}, '
        f'reused {report.folds_reused}; {report.wall_time_s:.0f} s'
    )
    iou = ', '.join(
        f'{name} {value:.2f}' for name, value in report.heldout_iou.items() if value is not None
    )
    print(f'fold models, held-out IoU against the given labels: {iou}')
    if report.weak_classes:
        from practicum_work.label_quality.model_check import describe_weakness

        weakness = describe_weakness(report.heldout_iou, report.weak_classes, args.min_model_iou)
        withheld = (
            ''
            if args.allow_weak_models
            else f'; flags withheld ({meets_rule} images meet the flag rule, '
            '--allow-weak-models flags them)'
        )
        print(f'warning: {weakness}{withheld}; read the ranking as a hint and check the panels')
    print(f'report: {report.report_dir} (scores.csv, scores.json, panels/, issue_maps/)')
    if report.proposal_dir:
        print(f'corrected copy: {report.proposal_dir} (manifest.json lists every change)')
    return 0
