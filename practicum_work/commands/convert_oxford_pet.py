"""``petseg convert-oxford-pet``: the Oxford-IIIT Pet download in petseg's layout."""

from __future__ import annotations

import argparse


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``convert-oxford-pet`` subcommand."""
    parser = subparsers.add_parser(
        'convert-oxford-pet',
        help='convert the Oxford-IIIT Pet dataset (images + trimaps) to this layout',
        description='Read images/*.jpg, annotations/{list,trainval,test}.txt and '
        'annotations/trimaps/*.png; write img/ and labels/ {train,val,test} with 0 background, '
        '1 cat, 2 dog, 255 ignore; val is carved from trainval per breed (deterministic). '
        '--download DIR fetches the official archives through torchvision first.',
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument(
        '--src', help='the unpacked archives, or a torchvision root holding oxford-iiit-pet/'
    )
    source.add_argument(
        '--download',
        metavar='DIR',
        help='fetch the archives into DIR with torchvision.datasets.OxfordIIITPet '
        '(skipped when DIR already holds them), then convert',
    )
    parser.add_argument('--out', default='data/oxford_pets', help='output dataset root')
    parser.add_argument(
        '--size', type=int, default=256, help='longer image side in pixels (aspect kept)'
    )
    parser.add_argument(
        '--border',
        choices=['ignore', 'pet'],
        default='ignore',
        help="trimap border pixels: 255 (ignore, default) or the pet's class",
    )
    parser.add_argument('--val-fraction', type=float, default=0.15, help='of trainval, per breed')
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--include-unlisted',
        action='store_true',
        help='also convert the images that trainval.txt and test.txt do not list, into train; '
        'their species from list.txt or else the file name (capitalised = cat, the '
        "archive's convention)",
    )
    parser.add_argument('--workers', type=int, default=None, help='processes (default: all cores)')
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Convert and print a summary."""
    from practicum_work.data.oxford_pet import convert_oxford_pet, download_oxford_pet

    src = args.src
    if args.download:
        src = download_oxford_pet(args.download)
        print(f'Oxford-IIIT Pet in {src}')
    summary = convert_oxford_pet(
        src,
        args.out,
        size=args.size,
        border=args.border,
        val_fraction=args.val_fraction,
        seed=args.seed,
        workers=args.workers,
        overwrite=args.overwrite,
        include_unlisted=args.include_unlisted,
    )
    parts = ', '.join(
        f'{split} {n} ({summary.species[split].get("cat", 0)} cats, '
        f'{summary.species[split].get("dog", 0)} dogs)'
        for split, n in summary.counts.items()
    )
    print(f'wrote {summary.out}: {parts}')
    from practicum_work.data.oxford_pet import UNLISTED_HINT

    unlisted = summary.unlisted_left_out
    if unlisted:
        shown = ', '.join(unlisted[:5]) + (
            f' and {len(unlisted) - 5} more' if len(unlisted) > 5 else ''
        )
        print(
            f'left out {len(unlisted)} images not listed in trainval.txt or test.txt ({shown}); '
            f'{UNLISTED_HINT}'
        )
    if summary.unlisted:
        shown = ', '.join(f'{name} {how}' for name, how in list(summary.unlisted.items())[:5])
        print(f'converted {len(summary.unlisted)} unlisted images into train: {shown}')
    for problem in summary.left_out:
        if not any(problem.startswith(f'images/{name}.jpg: not listed') for name in unlisted):
            print(f'left out: {problem}')
    if summary.unexpected_trimap_pixels:
        print(f'warning: {summary.unexpected_trimap_pixels} trimap pixels outside 1/2/3 -> 255')
    print(f'details: {summary.out}/conversion.json')
    return 0
