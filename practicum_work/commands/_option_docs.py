"""docs/cli.md's option tables, generated from the commands' settings dataclasses.

Each command module names its settings (``SETTINGS``: a dataclass, or a tuple of them); its
table sits in docs/cli.md between ``<!-- options: COMMAND -->`` and ``<!-- /options -->``.
``python -m practicum_work.commands._option_docs`` rewrites the tables (a command without a
block gets one, in the commands' order); ``--check`` only says whether they are up to date
(tests/commands/test_option_docs.py runs it).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

from practicum_work.cli import COMMAND_MODULES
from practicum_work.core.options import option_table_names, options_markdown, update_option_tables

PAGE = Path(__file__).resolve().parents[2] / 'docs' / 'cli.md'


def command_settings() -> dict[str, tuple[type, ...]]:
    """``{'best-worst': (BestWorstSettings,), ...}`` for every command that names its settings."""
    found = {}
    for module_name in COMMAND_MODULES:
        settings = getattr(importlib.import_module(f'practicum_work.commands.{module_name}'),
                           'SETTINGS', None)  # fmt: skip
        if settings is not None:
            classes = settings if isinstance(settings, tuple) else (settings,)
            found[module_name.replace('_', '-')] = classes
    return found


def option_tables() -> dict[str, str]:
    """The Markdown option table of each command (several settings: their rows in order)."""
    tables = {}
    for command, classes in command_settings().items():
        parts = [options_markdown(cls).splitlines() for cls in classes]
        tables[command] = '\n'.join(parts[0] + [row for part in parts[1:] for row in part[2:]])
    return tables


def _section(name: str) -> str:
    return f'### `petseg {name}`\n\n<!-- options: {name} -->\n<!-- /options -->\n'


def render(text: str) -> str:
    """``text`` (docs/cli.md) with every command's table current; a missing block is added in
    the commands' order (before the next command's section, else at the end)."""
    tables = option_tables()
    order = list(tables)
    for index, name in enumerate(order):
        if name in option_table_names(text):
            continue
        later = [n for n in order[index + 1 :] if f'### `petseg {n}`\n' in text]
        if later:
            heading = f'### `petseg {later[0]}`\n'
            text = text.replace(heading, _section(name) + '\n' + heading, 1)
        else:
            text = text.rstrip('\n') + '\n\n' + _section(name)
    return update_option_tables(text, tables)


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the option tables of docs/cli.md."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('page', nargs='?', default=str(PAGE), help='default: docs/cli.md')
    parser.add_argument('--check', action='store_true', help='exit 1 when a table is stale')
    args = parser.parse_args(argv)
    page = Path(args.page)
    text = page.read_text(encoding='utf-8')
    current = render(text)
    if current == text:
        print(f'{page}: option tables up to date')
        return 0
    if args.check:
        print(f'{page}: option tables are stale; run python -m {__spec__.name}', file=sys.stderr)
        return 1
    page.write_text(current, encoding='utf-8')
    print(f'{page}: option tables rewritten')
    return 0


if __name__ == '__main__':
    sys.exit(main())
