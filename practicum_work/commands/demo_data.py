"""``petseg demo-data``: render the synthetic cats/dogs dataset."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``demo-data`` subcommand."""
    parser = subparsers.add_parser(
        'demo-data',
        help='render a deterministic synthetic cats/dogs dataset in the real layout',
        description='Render img/{train,val,test}/*.jpg and labels/{train,val,test}/*.png. '
        'With --noise default (the default) train and val get realistic faults and the ground '
        'truth goes to <out>.noise.json next to the dataset; test stays clean.',
    )
    parser.add_argument('--out', default='data/pets_demo', help='output dataset root')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--n-train', type=int, default=200)
    parser.add_argument('--n-val', type=int, default=60)
    parser.add_argument('--n-test', type=int, default=60)
    parser.add_argument('--size', type=int, default=256, help='image side in pixels')
    parser.add_argument(
        '--noise',
        choices=['default', 'swaps-only', 'labels-only', 'files-only', 'none'],
        default='default',
        help='injected faults in train and val (default: the documented realistic mix; '
        'ground truth in <out>.noise.json, for tests and benchmarks only); none = clean',
    )
    parser.add_argument('--workers', type=int, default=None, help='processes (default: all cores)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Render the dataset and print a summary."""
    from practicum_work.data.demo_data import generate_demo_dataset

    summary = generate_demo_dataset(
        args.out,
        seed=args.seed,
        n_train=args.n_train,
        n_val=args.n_val,
        n_test=args.n_test,
        size=args.size,
        noise=args.noise,
        workers=args.workers,
        overwrite=args.overwrite,
    )
    counts = ', '.join(f'{k} {v}' for k, v in summary.counts.items())
    shares = ', '.join(f'{k} {v:.1%}' for k, v in summary.foreground_share.items())
    print(f'wrote {summary.out}: {counts} images; foreground share {shares}')
    for split, by_type in summary.noise_counts.items():
        injected = ', '.join(f'{kind} {n}' for kind, n in by_type.items() if n)
        print(f'injected into {split} ({sum(by_type.values())} images): {injected}')
    if summary.noise_file:
        print(f'noise ground truth (for benchmarks/tests only): {summary.noise_file}')
    return 0
