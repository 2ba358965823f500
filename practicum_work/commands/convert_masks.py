"""``petseg convert-masks``: 0/255, trimap, RGB or palette masks into class ids, in a new copy."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args, settings_kwargs
from practicum_work.data.settings import ConvertMasksSettings as SETTINGS

SPECIES = ('species', 'species_from_name', 'binary')  # at most one of them


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
    add_options(parser, SETTINGS, exclude=SPECIES)
    add_options(parser.add_mutually_exclusive_group(), SETTINGS, only=SPECIES)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Convert and print what was written."""
    from practicum_work.data.convert_masks import convert_masks

    summary = convert_masks(**settings_kwargs(from_args(SETTINGS, args)))
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
