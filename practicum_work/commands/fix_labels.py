"""``petseg fix-labels``: find cat<->dog swaps and broken masks; dry-run plan or cleaned copy."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args
from practicum_work.data.label_fix.settings import FixLabelsSettings

SETTINGS = FixLabelsSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``fix-labels`` subcommand (options: :class:`FixLabelsSettings`)."""
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
    add_options(parser, FixLabelsSettings)
    parser.set_defaults(func=run)


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


def run(args: argparse.Namespace) -> int:
    """Run the label check (or apply a saved plan) and print a summary."""
    from practicum_work.data.label_fix.run import run_fix_labels

    settings = from_args(FixLabelsSettings, args)
    result = run_fix_labels(settings)
    _print_summary(result)
    if settings.clearml:
        _report_to_clearml(result, settings.clearml)
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
    if settings.relabel_export:
        print(
            f'marked for relabelling: {settings.relabel_export} (petseg import-relabelled reads it)'
        )
    return 0
