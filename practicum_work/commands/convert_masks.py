"""``petseg convert-masks``: 0/255, trimap, RGB or palette masks into class ids, in a new copy."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``convert-masks`` subcommand."""
    parser = subparsers.add_parser(
        'convert-masks',
        help='turn 0/255, 0/1, trimap, RGB colour or palette masks into class ids (a new copy)',
        description='Write a copy of --data-root at --out whose masks are class ids (0 '
        'background, 1 cat, 2 dog, 255 ignore); images and other files are hard-linked, the '
        'input is never changed. 0/255, 0/1 and trimap masks only mark the pet: give the '
        'species with --species FILE, --species-from-name oxford, or write binary '
        'pet/background masks (pet 1) with --binary. Colours and indices no palette entry '
        'names become 255 and are counted. petseg eda says which --from fits a dataset. '
        'Details in <out>/conversion.json.',
    )
    parser.add_argument('--data-root', required=True, help='dataset root (img/, labels/)')
    parser.add_argument('--out', required=True, help='the converted copy (must not exist)')
    parser.add_argument(
        '--from',
        dest='source',
        required=True,
        choices=['0-255', '0-1', 'trimap', 'rgb', 'palette'],
        help='0-255: 0 background, 255 pet (anti-aliased edges split at 128); 0-1: 0 '
        'background, 1 pet, 255 ignore; trimap: Oxford 1 pet, 2 background, 3 border; rgb: '
        'colour masks; palette: indices through --palette',
    )
    parser.add_argument(
        '--palette',
        default=None,
        metavar='ours|voc|FILE.json',
        help='rgb/palette: ours (default), voc (cat (64,0,0) / index 8, dog (64,0,128) / index '
        '12) or a JSON file {"background": X, "cat": X, "dog": X, "ignore": X}, X an [r, g, '
        'b] colour (rgb) or an index (palette), or a list of them',
    )
    species = parser.add_mutually_exclusive_group()
    species.add_argument(
        '--species',
        metavar='FILE',
        help='the species of each image: "stem,species" CSV lines (cat/dog or 1/2), or '
        "Oxford's list.txt",
    )
    species.add_argument(
        '--species-from-name',
        choices=['oxford'],
        default=None,
        help="oxford: the Oxford-IIIT Pet archive's naming, a capitalised file name is a cat, "
        'a lower-case one a dog',
    )
    species.add_argument(
        '--binary',
        action='store_true',
        help='write pet/background masks (0 background, 1 pet, 255 ignore) for the binary '
        'configs (configs/hyp9_segformer_b0_binary.py)',
    )
    parser.add_argument(
        '--border',
        choices=['ignore', 'pet'],
        default='ignore',
        help='trimap border pixels: 255 (ignore, default) or the pet',
    )
    parser.add_argument(
        '--force',
        action='store_true',
        help='convert even when the masks look like another encoding than --from',
    )
    parser.add_argument('--workers', type=int, default=None, help='processes (default: all cores)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Convert and print what was written."""
    from practicum_work.data.convert_masks import convert_masks

    summary = convert_masks(
        args.data_root,
        args.out,
        args.source,
        palette=args.palette,
        species=args.species,
        species_from_name=args.species_from_name,
        binary=args.binary,
        border=args.border,
        force=args.force,
        workers=args.workers,
        overwrite=args.overwrite,
    )
    parts = ', '.join(
        f'{split} {n} ({", ".join(f"{k} {v}" for k, v in summary.species_counts[split].items())})'
        for split, n in summary.masks.items()
    )
    print(f'wrote {summary.out} (masks {summary.source} -> class ids): {parts}')
    if summary.binary:
        print('binary masks: 0 background, 1 pet, 255 ignore (configs/hyp9_segformer_b0_binary.py)')
    if summary.unknown_values:
        shown = ', '.join(f'{v} ({n} px)' for v, n in list(summary.unknown_values.items())[:6])
        print(
            f'warning: {summary.masks_with_unknown} masks held values the table does not know, '
            f'written as 255 (ignore): {shown} (e.g. {summary.masks_with_unknown_examples[0]})'
        )
    if summary.intermediate_pixels:
        print(f'{summary.intermediate_pixels} pixels between 0 and 255 split at 128')
    for problem in summary.left_out:
        print(f'left out (with its image): {problem}')
    print(f'details: {summary.out}/conversion.json; check it: petseg eda --data-root {summary.out}')
    return 0
