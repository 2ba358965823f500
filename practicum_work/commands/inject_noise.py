"""``petseg inject-noise``: a copy of a dataset with known, documented label and file noise."""

from __future__ import annotations

import argparse

PRESET_HELP = (
    'default: swaps 10%%, empty 2%%, tiny 2%%, stray values 1.5%% and one of each file fault per '
    'split; swaps-only; labels-only (swaps, empty, tiny, stray); files-only (the file faults)'
)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``inject-noise`` subcommand."""
    parser = subparsers.add_parser(
        'inject-noise',
        help="copy a dataset with the demo generator's noise model; ground truth beside it",
        description='Copy --data-root to --out and inject known noise into the named splits '
        '(train and val by default; test stays clean): cat<->dog swaps, empty and tiny masks, '
        'stray values, broken files, at the documented rates of --preset. The ground truth goes '
        'to <out>.noise.json next to the copy (for tests and benchmarks; no tool reads it). '
        'The source is never modified.',
    )
    parser.add_argument('--data-root', required=True, help='dataset root (img/, labels/)')
    parser.add_argument('--out', required=True, help='the noisy copy, e.g. data/<name>_noisy')
    parser.add_argument('--seed', type=int, default=0, help='which samples get which fault')
    parser.add_argument(
        '--preset',
        choices=['default', 'swaps-only', 'labels-only', 'files-only'],
        default='default',
        help=PRESET_HELP,
    )
    parser.add_argument(
        '--splits', nargs='+', default=['train', 'val'], help='splits to corrupt (train val)'
    )
    parser.add_argument('--workers', type=int, default=None, help='processes (default: all cores)')
    parser.add_argument(
        '--overwrite', action='store_true', help='replace an existing --out and its ground truth'
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Inject the noise and print what went where."""
    from practicum_work.data.inject_noise import inject_noise

    summary = inject_noise(
        args.data_root,
        args.out,
        preset=args.preset,
        seed=args.seed,
        splits=tuple(args.splits),
        workers=args.workers,
        overwrite=args.overwrite,
    )
    print(f'wrote {summary.out} (a copy of {summary.data_root}, preset {summary.preset})')
    for split, by_type in summary.counts.items():
        injected = ', '.join(f'{kind} {n}' for kind, n in by_type.items() if n)
        total = sum(by_type.values())
        print(
            f'injected into {split} ({total} of {summary.eligible.get(split, 0)} images): '
            f'{injected or "nothing"}'
        )
    for problem in summary.not_eligible:
        print(f'not eligible (copied as is): {problem}')
    print(f'noise ground truth (for benchmarks/tests only): {summary.noise_file}')
    return 0
