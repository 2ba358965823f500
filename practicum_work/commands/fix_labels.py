"""``petseg fix-labels``: find cat<->dog swaps and broken masks; dry-run plan or cleaned copy."""

from __future__ import annotations

import argparse

from practicum_work.commands._common import add_clearml_option


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fix-labels`` subcommand."""
    parser = subparsers.add_parser(
        'fix-labels',
        help='detect cat<->dog swaps and broken masks; write a plan or a cleaned copy',
        description='Judge every mask: cat<->dog swaps (a species classifier that never saw the '
        "image against the mask's class), empty/tiny masks, stray values, size mismatches, "
        'RGB/palette masks, unreadable or unpaired files. --dry-run writes plan.json and contact '
        'sheets and changes nothing; otherwise a cleaned copy of all splits goes to --out with '
        'manifest.json. The input is never modified. The test split is report-only (no swap, '
        'no drop) unless --fix-test.',
    )
    parser.add_argument('--data-root', required=True, help='dataset root (img/, labels/)')
    parser.add_argument(
        '--out', help='cleaned copy, e.g. data/<name>_clean_v1 (not with --dry-run)'
    )
    parser.add_argument(
        '--dry-run', action='store_true', help='write plan.json + contact sheets only'
    )
    parser.add_argument(
        '--plan-dir', help='dry-run output folder (default work_dirs/label_fix/<name>)'
    )
    _add_classifier_options(parser)
    _add_policy_options(parser)
    parser.add_argument(
        '--decisions',
        help='decisions.json from petseg review: each human decision overrides the automatic one',
    )
    parser.add_argument(
        '--relabel-export',
        metavar='DIR',
        help='write the samples marked "needs relabelling" (palette PNG masks + a CVAT '
        'Segmentation mask 1.1 export) for an annotation tool; petseg import-relabelled reads '
        'them back',
    )
    parser.add_argument('--fix-test', action='store_true', help='also swap/drop in the test split')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--copy', action='store_true', help='copy unchanged files (default: hard links)'
    )
    parser.add_argument('--workers', type=int, default=None, help='processes (default: all cores)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing output')
    add_clearml_option(parser)
    parser.set_defaults(func=run)


def _add_classifier_options(parser: argparse.ArgumentParser) -> None:
    """Which species classifier judges the masks, and its thresholds."""
    parser.add_argument(
        '--classifier',
        choices=['auto', 'self', 'imagenet'],
        default='auto',
        help='auto (default): imagenet when its weights can be had (--weights, timm cache, or '
        'the hub reachable), else self; self: descriptors + logistic regression trained k-fold '
        'on this dataset; imagenet: a timm ImageNet model (falls back to self without weights)',
    )
    parser.add_argument('--weights', help='ImageNet weights file for --classifier imagenet/auto')
    parser.add_argument(
        '--imagenet-model',
        default='convnext_tiny.fb_in22k_ft_in1k',
        help='timm model name for --classifier imagenet',
    )
    parser.add_argument(
        '--swap-threshold',
        type=float,
        default=None,
        help='P(other species) needed to swap (default 0.8 self, 0.9 imagenet)',
    )
    parser.add_argument(
        '--review-threshold',
        type=float,
        default=0.5,
        help='P(other species) that sends a mask to review (default 0.5)',
    )
    parser.add_argument('--folds', type=int, default=5, help='cross-validation folds (self)')


def _add_policy_options(parser: argparse.ArgumentParser) -> None:
    """What to do with each kind of problem."""
    parser.add_argument(
        '--min-fg-pixels',
        type=int,
        default=None,
        help='masks with fewer cat/dog pixels are tiny (default 0.2%% of the image area)',
    )
    parser.add_argument(
        '--empty-policy',
        choices=['drop', 'review'],
        default='drop',
        help='empty or tiny masks: drop from the copy, or keep and list for relabelling',
    )
    parser.add_argument(
        '--stray-policy',
        choices=['ignore', 'background'],
        default='ignore',
        help='mask values outside 0/1/2/255 become 255 (ignore, default) or 0',
    )
    parser.add_argument(
        '--size-policy',
        choices=['drop', 'resize'],
        default='drop',
        help='mask size != image size: drop (default) or nearest-neighbour resize',
    )
    parser.add_argument(
        '--mixed-policy',
        choices=['review', 'per-component'],
        default='review',
        help='masks with both species and a disagreeing component: review (default), or swap '
        'confidently wrong components',
    )


def _print_summary(result) -> None:
    from rich.console import Console
    from rich.table import Table

    from practicum_work.data.label_fix.plan import DECISIONS

    summary = result.plan.summary
    table = Table(title='fix-labels decisions')
    table.add_column('split')
    for decision in DECISIONS:
        table.add_column(decision, justify='right')
    for split, counts in summary['decisions'].items():
        table.add_row(split, *(str(counts[d]) for d in DECISIONS))
    console = Console()
    console.print(table)
    issues = ', '.join(f'{k} {v}' for k, v in summary['issues'].items()) or 'none'
    console.print(f'issues: {issues}')
    info = result.plan.classifier
    if 'skipped' in info:
        console.print(f'classifier: {info["used"]}, {info["skipped"]}')
        return
    how = (
        f'{info["folds"]}-fold x {info["repeats"]}, out of fold'
        if info['used'] == 'self'
        else info['weights']
    )
    measures = info['reliability']['measures']
    verdict = (
        'reliable: its confident swaps are applied'
        if info['reliable']
        else 'NOT reliable: nothing swapped on its word, suspects sent to review'
    )
    console.print(
        f'classifier: {info["used"]} ({info["model"]}, {how}): agrees with '
        f'{measures["agreement"]:.1%} of the labels, unsure about '
        f'{measures["uncertain_share"]:.1%}, calibration error '
        f'{measures["calibration_error"]:.3f}; {verdict}'
    )


def _report_to_clearml(result, mode: str) -> None:
    from practicum_work.tracking.tool_report import report_tool_run

    if result.plan_dir is not None:
        report_tool_run(
            'fix-labels', result.plan_dir / 'plan.json', result.contact_sheets, mode=mode
        )
    else:
        report_tool_run('fix-labels', result.out / 'manifest.json', mode=mode)


def run(args: argparse.Namespace) -> int:
    """Run the label check and print a summary."""
    from pathlib import Path

    from practicum_work.core.errors import PetsegError
    from practicum_work.data.label_fix.plan import PolicySettings
    from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels

    if args.dry_run and args.out:
        raise PetsegError('--dry-run changes nothing and writes no --out; drop one of them')
    for name in ('swap_threshold', 'review_threshold'):
        value = getattr(args, name)
        if value is not None and not 0.5 <= value <= 1.0:
            raise PetsegError(f'--{name.replace("_", "-")} must be between 0.5 and 1, got {value}')
    settings = FixLabelsSettings(
        data_root=Path(args.data_root),
        out=Path(args.out) if args.out else None,
        dry_run=args.dry_run,
        plan_dir=Path(args.plan_dir) if args.plan_dir else None,
        classifier=args.classifier,
        weights=Path(args.weights) if args.weights else None,
        imagenet_model=args.imagenet_model,
        min_fg_pixels=args.min_fg_pixels,
        policies=PolicySettings(
            empty_policy=args.empty_policy,
            stray_policy=args.stray_policy,
            size_policy=args.size_policy,
            mixed_policy=args.mixed_policy,
        ),
        swap_threshold=args.swap_threshold,
        review_threshold=args.review_threshold,
        fix_test=args.fix_test,
        folds=args.folds,
        seed=args.seed,
        workers=args.workers,
        overwrite=args.overwrite,
        copy=args.copy,
        decisions=Path(args.decisions) if args.decisions else None,
        relabel_export=Path(args.relabel_export) if args.relabel_export else None,
    )
    result = run_fix_labels(settings)
    _print_summary(result)
    if args.clearml:
        _report_to_clearml(result, args.clearml)
    if result.plan_dir is not None:
        print(f'plan: {result.plan_dir / "plan.json"}')
        for sheet in result.contact_sheets:
            print(f'contact sheet: {sheet}')
        print('nothing was changed (dry run)')
        flagged = sum(i.decision not in ('keep', 'left_out') for i in result.plan.items)
        if flagged:
            print(f'decide the {flagged} flagged samples: petseg review --plan {result.plan_dir}')
    else:
        print(f'cleaned copy: {result.out}  (manifest: {result.out / "manifest.json"})')
    if args.relabel_export:
        print(f'marked for relabelling: {args.relabel_export} (petseg import-relabelled reads it)')
    return 0
