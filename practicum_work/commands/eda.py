"""``petseg eda``: scan a dataset for technical faults and write a report with overlays."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args
from practicum_work.data.eda.settings import EdaSettings

SETTINGS = EdaSettings


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``eda`` subcommand (options: :class:`EdaSettings`)."""
    parser = subparsers.add_parser(
        'eda',
        help='scan a dataset: pairing, readability, sizes, mask modes and values, statistics',
        description='Check every image and mask of the chosen splits (the input is only read) '
        'and write report.json (summary, statistics, findings), overlays/ and plots to --out. '
        'It also says in one line how the masks as a whole encode their classes (class ids, '
        '0/255, Oxford trimaps, RGB colours, another palette) and prints the petseg '
        'convert-masks command for those that are not class ids. '
        'Severities: error = cannot be trained on as it is; warning = suspicious, worth a '
        'look; info = worth knowing (every kind of finding: docs/eda.md). Exit 0 when the '
        'scan ran (see --fail-on), 2 when it could not run.',
    )
    add_options(parser, EdaSettings)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the scan, print the summary tables, return the exit code."""
    from practicum_work.data.eda.report import exit_code, print_summary
    from practicum_work.data.eda.run import eda

    settings = from_args(EdaSettings, args)
    result = eda(settings)
    print_summary(result.report, str(result.out))
    if settings.clearml:
        from practicum_work.tracking.tool_report import report_tool_run

        pictures = sorted(result.out.glob('overlays/*/*.png')) + sorted(result.out.glob('*.png'))
        report_tool_run('eda', result.out / 'report.json', pictures, mode=settings.clearml)
    pending = result.report['overlays']['flagged_not_drawn']
    if pending:
        print(
            f'{len(pending)} more flagged pairs have no overlay yet: petseg review draws them on '
            'demand (or rerun with --flagged-overlays all)'
        )
    code = exit_code(result.report['summary'], settings.fail_on)
    if code:
        found = result.report['summary']['by_severity']
        print(
            f'petseg eda: exit 1 (--fail-on {settings.fail_on}): '
            f'{found["error"]} errors, {found["warning"]} warnings'
        )
    return code
