"""``petseg import-relabelled``: corrected masks back into a new copy of the dataset."""

from __future__ import annotations

import argparse


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
    parser.add_argument('folder', help='the --relabel-export folder, with corrected masks')
    parser.add_argument('--data-root', required=True, help='the dataset the export came from')
    parser.add_argument('--out', required=True, help='the new copy, e.g. data/<name>_clean_v2')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Import and print what changed."""
    from practicum_work.data.label_fix.relabel_export import import_relabelled

    manifest = import_relabelled(args.folder, args.data_root, args.out, args.overwrite)
    print(f'wrote {args.out}: {len(manifest["changes"])} masks replaced (manifest.json lists them)')
    return 0
