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
        'manifest.json; --apply PLAN writes the copy a reviewed dry run describes, without '
        'judging again. The input is never modified. The test split is report-only (no swap, '
        'no drop) unless --fix-test. A copy that would empty a split, or drop more than half '
        'of it, is refused.',
    )
    parser.add_argument(
        '--data-root', help="dataset root (img/, labels/); with --apply, default the plan's"
    )
    parser.add_argument(
        '--out', help='cleaned copy, e.g. data/<name>_clean_v1 (not with --dry-run)'
    )
    parser.add_argument(
        '--dry-run', action='store_true', help='write plan.json + contact sheets only'
    )
    parser.add_argument(
        '--plan-dir', help='dry-run output folder (default work_dirs/label_fix/<name>)'
    )
    parser.add_argument(
        '--apply',
        metavar='PLAN',
        help="write --out from a dry run's plan (its folder or plan.json) and the decisions.json "
        'beside it (or --decisions), exactly, without scanning or classifying again; refused '
        'when the data changed since the dry run or an option given contradicts the plan',
    )
    _add_classifier_options(parser)
    _add_policy_options(parser)
    parser.add_argument(
        '--decisions',
        help='decisions.json from petseg review: each human decision overrides the automatic one '
        '(with --apply: default the decisions.json beside the plan)',
    )
    parser.add_argument(
        '--relabel-export',
        metavar='DIR',
        help='write the samples marked "needs relabelling" (palette PNG masks + a CVAT '
        'Segmentation mask 1.1 export) for an annotation tool; petseg import-relabelled reads '
        'them back',
    )
    parser.add_argument(
        '--fix-test', action='store_true', default=None, help='also swap/drop in the test split'
    )
    parser.add_argument('--seed', type=int, default=None, help='fold draws, vocabulary (default 0)')
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
        default=None,
        help='auto (default): imagenet when its weights can be had (--weights, timm cache, or '
        'the hub reachable), else self; self: descriptors + logistic regression trained k-fold '
        'on this dataset; imagenet: a timm ImageNet model (falls back to self without weights)',
    )
    parser.add_argument('--weights', help='ImageNet weights file for --classifier imagenet/auto')
    parser.add_argument(
        '--imagenet-model',
        default=None,
        help='timm model name for --classifier imagenet (default convnext_tiny.fb_in22k_ft_in1k)',
    )
    parser.add_argument(
        '--swap-threshold',
        type=float,
        default=None,
        help='P(other species) needed to swap (default 0.95 self, in every fold draw; 0.9 '
        'imagenet)',
    )
    parser.add_argument(
        '--review-threshold',
        type=float,
        default=None,
        help='P(other species) that sends a mask to review (default auto: per group of '
        'animals, the lowest level >= 0.5 at which at least half of the masks sent are '
        'estimated to be swaps)',
    )
    parser.add_argument(
        '--folds', type=int, default=None, help='cross-validation folds (self, default 5)'
    )


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
        default=None,
        help='empty or tiny masks: drop from the copy (default), or keep and list for relabelling',
    )
    parser.add_argument(
        '--stray-policy',
        choices=['ignore', 'background'],
        default=None,
        help='mask values outside 0/1/2/255 become 255 (ignore, default) or 0',
    )
    parser.add_argument(
        '--size-policy',
        choices=['drop', 'resize'],
        default=None,
        help='mask size != image size: drop (default) or nearest-neighbour resize',
    )
    parser.add_argument(
        '--mixed-policy',
        choices=['review', 'per-component'],
        default=None,
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
    levels = [
        f'{"train/val" if name == "pool" else name} from P(other) >= {group["review_level"]:.2f}'
        + (
            f' (~{group["estimated_noise"]:.0%} of its labels look swapped)'
            if group.get('estimated_noise') is not None
            else ''
        )
        + ('' if group['reliable'] else ', NOT reliable there: nothing swapped')
        for name, group in info.get('groups', {}).items()
        if group.get('measured_on_its_own', True)
    ]
    if levels:
        console.print(f'species review: {"; ".join(levels)}; strongest evidence first')


def _report_to_clearml(result, mode: str) -> None:
    from practicum_work.tracking.tool_report import report_tool_run

    if result.plan_dir is not None:
        report_tool_run(
            'fix-labels', result.plan_dir / 'plan.json', result.contact_sheets, mode=mode
        )
    else:
        report_tool_run('fix-labels', result.out / 'manifest.json', mode=mode)


def _given(args: argparse.Namespace) -> dict[str, object]:
    """The plan-shaping options given on the command line (their defaults are None; each
    option's dest is the name of the plan setting it sets)."""
    from practicum_work.data.label_fix.saved_plan import PLAN_OPTIONS

    return {
        option: getattr(args, dest)
        for option, dest in PLAN_OPTIONS.items()
        if getattr(args, dest) is not None
    }


def _settings(args: argparse.Namespace):
    """FixLabelsSettings from the arguments, defaults from the settings dataclasses."""
    from pathlib import Path

    from practicum_work.data.label_fix.plan import PolicySettings
    from practicum_work.data.label_fix.run import FixLabelsSettings
    from practicum_work.data.label_fix.saved_plan import PLAN_OPTIONS

    given = {dest: getattr(args, dest) for dest in PLAN_OPTIONS.values()}
    policies = {k: v for k, v in given.items() if k.endswith('_policy') and v is not None}
    chosen = {
        k: v
        for k, v in given.items()
        if v is not None and not k.endswith('_policy') and k not in ('weights',)
    }
    return FixLabelsSettings(
        data_root=Path(args.data_root),
        out=Path(args.out) if args.out else None,
        dry_run=args.dry_run,
        plan_dir=Path(args.plan_dir) if args.plan_dir else None,
        weights=Path(args.weights) if args.weights else None,
        policies=PolicySettings(**policies),
        workers=args.workers,
        overwrite=args.overwrite,
        copy=args.copy,
        decisions=Path(args.decisions) if args.decisions else None,
        relabel_export=Path(args.relabel_export) if args.relabel_export else None,
        **chosen,
    )


def _apply(args: argparse.Namespace):
    from pathlib import Path

    from practicum_work.core.errors import PetsegError
    from practicum_work.data.label_fix.run import ApplyPlanSettings, apply_saved_plan

    if args.dry_run or args.plan_dir:
        raise PetsegError('--apply writes the copy of a dry run already made: drop --dry-run')
    if not args.out:
        raise PetsegError('--apply needs --out (the folder of the cleaned copy)')
    settings = ApplyPlanSettings(
        plan=Path(args.apply),
        out=Path(args.out),
        data_root=Path(args.data_root) if args.data_root else None,
        decisions=Path(args.decisions) if args.decisions else None,
        options=_given(args),
        relabel_export=Path(args.relabel_export) if args.relabel_export else None,
        overwrite=args.overwrite,
        copy=args.copy,
        workers=args.workers,
    )
    return apply_saved_plan(settings)


def run(args: argparse.Namespace) -> int:
    """Run the label check (or apply a saved plan) and print a summary."""
    from practicum_work.core.errors import PetsegError
    from practicum_work.data.label_fix.run import run_fix_labels

    if args.dry_run and args.out:
        raise PetsegError('--dry-run changes nothing and writes no --out; drop one of them')
    for name in ('swap_threshold', 'review_threshold'):
        value = getattr(args, name)
        if value is not None and not 0.5 <= value <= 1.0:
            raise PetsegError(f'--{name.replace("_", "-")} must be between 0.5 and 1, got {value}')
    if args.apply:
        result = _apply(args)
    elif not args.data_root:
        raise PetsegError('--data-root is required (or --apply PLAN to apply a dry run)')
    else:
        result = run_fix_labels(_settings(args))
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
            print(f'then write the copy: petseg fix-labels --apply {result.plan_dir} --out DIR')
    else:
        print(f'cleaned copy: {result.out}  (manifest: {result.out / "manifest.json"})')
    if args.relabel_export:
        print(f'marked for relabelling: {args.relabel_export} (petseg import-relabelled reads it)')
    return 0
