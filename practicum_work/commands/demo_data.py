"""``petseg demo-data``: render the synthetic cats/dogs dataset."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args, settings_kwargs
from practicum_work.data.settings import DemoDataSettings as SETTINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo-data`` subcommand."""
    parser = subparsers.add_parser(
        'demo-data',
        help='render a deterministic synthetic cats/dogs dataset in the real layout',
        description='Render img/{train,val,test}/*.jpg and labels/{train,val,test}/*.png. '
        'With --noise default (the default) train and val get realistic faults and the ground '
        'truth goes to <out>.noise.json next to the dataset; test stays clean.',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the dataset and print a summary."""
    from practicum_work.data.demo_data import generate_demo_dataset

    summary = generate_demo_dataset(**settings_kwargs(from_args(SETTINGS, args)))
    counts = ', '.join(f'{k} {v}' for k, v in summary.counts.items())
    shares = ', '.join(f'{k} {v:.1%}' for k, v in summary.foreground_share.items())
    print(f'wrote {summary.out}: {counts} images; foreground share {shares}')
    for split, by_type in summary.noise_counts.items():
        injected = ', '.join(f'{kind} {n}' for kind, n in by_type.items() if n)
        print(f'injected into {split} ({sum(by_type.values())} images): {injected}')
    if summary.noise_file:
        print(f'noise ground truth (for benchmarks/tests only): {summary.noise_file}')
    return 0
