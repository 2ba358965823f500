"""``petseg class-weights``: loss weights from a split's pixel shares, ready for the configs."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args
from practicum_work.data.settings import ClassWeightsSettings as SETTINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``class-weights`` subcommand."""
    parser = subparsers.add_parser(
        'class-weights',
        help='class weights for the loss from the pixel shares of a split',
        description='Count the pixels of each class in a split (255 and stray values left out '
        'and reported), print the shares, the weights (scaled to mean 1, 4 decimals) and the '
        '--cfg-options line for configs/hyp2 and hyp3.',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Count, print the table and the config line, optionally write JSON."""
    import json
    from pathlib import Path

    from rich.console import Console
    from rich.table import Table

    from practicum_work.core.atomic import atomic_write_text, check_output_outside
    from practicum_work.core.errors import OutputExistsError
    from practicum_work.data.class_weights import (
        METHODS,
        class_weight_report,
        count_split_pixels,
    )

    settings = from_args(SETTINGS, args)
    if settings.json:  # refuse before counting
        check_output_outside(settings.json, settings.data_root)
        if Path(settings.json).exists() and not settings.overwrite:
            raise OutputExistsError(
                f'{settings.json} already exists; pass --overwrite to replace it'
            )
    counts = count_split_pixels(settings.data_root, settings.split, settings.workers)
    report = class_weight_report(counts, METHODS)
    console = Console()
    for problem in counts.left_out:  # plain print: one line per file, never wrapped
        print(f'warning: not counted (training leaves it out): {problem}')
    for problem in counts.unreadable:
        print(f'warning: not counted, unreadable mask {problem}')
    table = Table(title=f'{settings.data_root} / {settings.split}: {counts.masks} masks')
    table.add_column('class')
    table.add_column('pixels', justify='right')
    table.add_column('share', justify='right')
    for method in METHODS:
        style = 'bold' if method == settings.method else None
        table.add_column(method, justify='right', style=style)
    for i, name in enumerate(report['classes']):
        table.add_row(
            f'{i} {name}',
            f'{counts.class_pixels[name]:,}',
            f'{report["shares"][i]:.4f}',
            *(f'{report["weights"][m][i]:.4f}' for m in METHODS),
        )
    console.print(table)
    stray = sum(counts.stray_pixels.values())
    console.print(
        f'not counted: {counts.ignore_pixels:,} ignore (255) pixels, {stray:,} stray-value pixels'
        + (f' (values {", ".join(map(str, counts.stray_pixels))})' if stray else '')
    )
    console.print(f'{settings.method} weights: {report["weights"][settings.method]}')
    print(report['config_lines'][settings.method])
    if settings.json:
        atomic_write_text(settings.json, json.dumps(report, indent=2) + '\n')
        print(f'wrote {settings.json}')
    return 0
