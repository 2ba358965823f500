"""``petseg convert-oxford-pet``: the Oxford-IIIT Pet download in petseg's layout."""

from __future__ import annotations

import argparse

from practicum_work.core.options import add_options, from_args, settings_kwargs
from practicum_work.data.settings import ConvertOxfordPetSettings as SETTINGS

SOURCE = ('src', 'download')  # exactly one of them


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
    add_options(parser.add_mutually_exclusive_group(required=True), SETTINGS, only=SOURCE)
    add_options(parser, SETTINGS, exclude=SOURCE)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Convert and print a summary."""
    from practicum_work.data.oxford_pet import convert_oxford_pet, download_oxford_pet

    settings = from_args(SETTINGS, args)
    src = settings.src
    if settings.download:
        src = download_oxford_pet(settings.download)
        print(f'Oxford-IIIT Pet in {src}')
    summary = convert_oxford_pet(src, **settings_kwargs(settings, exclude=SOURCE))
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
