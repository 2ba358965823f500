"""The ``petseg`` command line: one subcommand per module in :mod:`practicum_work.commands`.

Each command module is light to import (argparse only) and exposes ``register(subparsers)``;
heavy imports happen when a command runs, so ``petseg --help`` answers at once.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from practicum_work import __version__, compat
from practicum_work.core.errors import PetsegError, user_message

# Order shown in ``petseg --help`` (the data flow of README / shared DESIGN).
COMMAND_MODULES: tuple[str, ...] = (
    'demo',
    'demo_data',
    'convert_oxford_pet',
    'convert_masks',
    'inject_noise',
    'eda',
    'fix_labels',
    'review',
    'import_relabelled',
    'class_weights',
    'label_quality',
    'cross_validate',
    'best_worst',
    'postprocess_eval',
    'compare',
    'clearml_import',
)


def build_parser() -> argparse.ArgumentParser:
    """The top-level parser with every subcommand registered."""
    parser = argparse.ArgumentParser(
        prog='petseg',
        description='Cat/dog segmentation experiments on MMSegmentation: data tools and analysis. '
        'Training and testing: python tools/train.py CONFIG, python tools/test.py CONFIG CKPT '
        '(or python -m practicum_work.train / practicum_work.test).',
    )
    parser.add_argument('--version', action='version', version=f'petseg {__version__}')
    subparsers = parser.add_subparsers(dest='command', metavar='COMMAND')
    for name in COMMAND_MODULES:
        importlib.import_module(f'practicum_work.commands.{name}').register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run ``petseg``; user errors print one line and return 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    compat.quiet_upstream_warnings()
    if not getattr(args, 'func', None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except PetsegError as err:
        print(f'petseg {args.command}: error: {user_message(err)}', file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f'petseg {args.command}: interrupted; no partial output was kept', file=sys.stderr)
        return 130


if __name__ == '__main__':
    sys.exit(main())
