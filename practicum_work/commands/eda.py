"""``petseg eda``: scan a dataset for technical faults and write a report with overlays."""

from __future__ import annotations

import argparse

from practicum_work.commands._common import add_clearml_option

# Defaults repeated here to keep this module light: DEFAULT_OVERLAYS in data/eda/run.py,
# DEFAULT_TINY_FG_PIXELS in data/eda/checks.py (tests/commands/test_eda.py checks they agree).


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``eda`` subcommand."""
    parser = subparsers.add_parser(
        'eda',
        help='scan a dataset: pairing, readability, sizes, mask modes and values, statistics',
        description='Check every image and mask of the chosen splits (the input is only read) '
        'and write report.json (summary, statistics, items), overlays/ and plots to --out. '
        'It also says in one line how the masks as a whole encode their classes (class ids, '
        '0/255, Oxford trimaps, RGB colours, another palette) and prints the petseg '
        'convert-masks command for those that are not class ids. '
        'Severities: error = cannot be trained on as is (unpaired, unreadable, truncated, size '
        'mismatch, stray values, masks that are not class ids); warning = suspicious (empty/tiny '
        'mask, RGB/palette/16-bit mask, grayscale image, duplicates, 0/1-only masks); info = a '
        'class never found. Exit 0 when the scan ran (see --fail-on), 2 when it could not run.',
    )
    parser.add_argument('--data-root', required=True, help='dataset root with img/ and labels/')
    parser.add_argument(
        '--splits', nargs='+', default=None, help='splits to scan (default: every split found)'
    )
    parser.add_argument(
        '--out', default=None, help='output folder (default: work_dirs/eda/<data root name>)'
    )
    parser.add_argument(
        '--overlays',
        type=int,
        default=8,
        metavar='K',
        help='random overlays per split, besides those of flagged items (default 8)',
    )
    parser.add_argument(
        '--flagged-overlays',
        default='48',
        metavar='N|all',
        help='overlays of flagged pairs, errors first (default 48; "all": every one); the rest '
        'are drawn on demand by petseg review',
    )
    parser.add_argument(
        '--tiny-fg-pixels',
        type=int,
        default=50,
        metavar='N',
        help='a mask with 1..N foreground pixels is "tiny" (default 50)',
    )
    parser.add_argument('--workers', type=int, default=None, help='processes (default: all cores)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    parser.add_argument(
        '--fail-on',
        choices=['error', 'warning', 'never'],
        default='never',
        help='exit 1 when findings of this severity (or worse) exist (default: never)',
    )
    add_clearml_option(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run the scan, print the summary tables, return the exit code."""
    from practicum_work.core.errors import PetsegError
    from practicum_work.data.eda.report import exit_code, print_summary
    from practicum_work.data.eda.run import run_eda

    if args.tiny_fg_pixels < 0 or args.overlays < 0:
        raise PetsegError('--tiny-fg-pixels and --overlays must be >= 0')
    flagged = None if args.flagged_overlays == 'all' else args.flagged_overlays
    if flagged is not None and not (flagged.isdigit()):
        raise PetsegError(f'--flagged-overlays takes a number >= 0 or "all", got {flagged!r}')
    result = run_eda(
        args.data_root,
        out=args.out,
        splits=args.splits,
        overlays=args.overlays,
        flagged_overlays=None if flagged is None else int(flagged),
        tiny_fg_pixels=args.tiny_fg_pixels,
        workers=args.workers,
        overwrite=args.overwrite,
    )
    print_summary(result.report, str(result.out))
    if args.clearml:
        from practicum_work.tracking.tool_report import report_tool_run

        pictures = sorted(result.out.glob('overlays/*/*.png')) + sorted(result.out.glob('*.png'))
        report_tool_run('eda', result.out / 'report.json', pictures, mode=args.clearml)
    pending = result.report['overlays']['flagged_not_drawn']
    if pending:
        print(
            f'{len(pending)} more flagged pairs have no overlay yet: petseg review draws them on '
            'demand (or rerun with --flagged-overlays all)'
        )
    code = exit_code(result.report['summary'], args.fail_on)
    if code:
        found = result.report['summary']['by_severity']
        print(
            f'petseg eda: exit 1 (--fail-on {args.fail_on}): '
            f'{found["error"]} errors, {found["warning"]} warnings'
        )
    return code
