"""``petseg inject-noise``: a copy of a dataset with known, documented label and file noise."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args, settings_kwargs
from practicum_work.data.settings import InjectNoiseSettings as SETTINGS


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
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Inject the noise and print what went where."""
    from practicum_work.data.inject_noise import inject_noise

    settings = from_args(SETTINGS, args)
    summary = inject_noise(
        **settings_kwargs(settings, exclude=['splits']), splits=tuple(settings.splits)
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
