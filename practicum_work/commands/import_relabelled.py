"""``petseg import-relabelled``: corrected masks back into a new copy of the dataset."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args, settings_kwargs
from practicum_work.data.settings import ImportRelabelledSettings as SETTINGS


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``import-relabelled`` subcommand."""
    parser = subparsers.add_parser(
        'import-relabelled',
        help='bring masks corrected in an annotation tool into a new copy of the dataset',
        description='Read the corrected masks of a fix-labels --relabel-export folder (masks/'
        '<name>.png palette PNGs, else the CVAT SegmentationClass colour masks), check them '
        '(values 0, 1, 2, 255; the size of their image) and write a copy of --data-root with '
        'them in place to --out. The source is never modified.',
    )
    add_options(parser, SETTINGS)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import and print what changed."""
    from practicum_work.data.label_fix.relabel_export import import_relabelled

    settings = from_args(SETTINGS, args)
    manifest = import_relabelled(**settings_kwargs(settings))
    replaced = len(manifest['changes'])
    print(f'wrote {settings.out}: {replaced} masks replaced (manifest.json lists them)')
    return 0
