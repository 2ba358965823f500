"""The docs' tables of checks and options, made from the registry and the settings dataclasses.

``docs/eda.md`` holds the table of every kind of finding between ``<!-- checks -->`` and
``<!-- /checks -->``, and the option tables of the data tools between
``<!-- options: NAME -->`` and ``<!-- /options -->`` (eda, fix-labels).
``python -m practicum_work.data.checks.docs`` rewrites them; ``--check`` only says whether they
are current (a test runs it), so the docs cannot disagree with the code.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from practicum_work.core.findings import SEVERITIES, CheckRegistry
from practicum_work.core.options import options_markdown, update_option_tables
from practicum_work.data.checks import load_checks

DOCS = Path(__file__).resolve().parents[3] / 'docs'
PAGES: tuple[str, ...] = ('eda.md', 'fix-labels.md')
_CHECKS_BLOCK = re.compile(r'(<!-- checks -->\n).*?(<!-- /checks -->)', re.S)


def _cell(text: str) -> str:
    return text.replace('|', '/').replace('<', '&lt;').replace('>', '&gt;')


def checks_markdown(registry: CheckRegistry | None = None) -> str:
    """One row per kind of finding, errors first: severity, who finds it, rule, action."""
    registry = registry or load_checks()
    rows = [
        '| kind | severity | found by | meaning | rule | proposes |',
        '|---|---|---|---|---|---|',
    ]
    entries = [(kind, check) for check in registry for kind in check.kinds]
    entries.sort(key=lambda e: SEVERITIES.index(e[0].severity))  # stable: by check name
    for kind, check in entries:
        tools = ', '.join(check.tools)
        rule = _cell(kind.rule or check.rule)
        rows.append(
            f'| `{kind.name}` | {kind.severity} | {tools} | {_cell(kind.meaning)} | {rule} '
            f'| {kind.action} |'
        )
    return '\n'.join(rows)


def option_tables() -> dict[str, str]:
    """The option table of each data tool whose settings are declared here."""
    from practicum_work.data.eda.settings import EdaSettings
    from practicum_work.data.label_fix.settings import FixLabelsSettings

    return {'eda': options_markdown(EdaSettings), 'fix-labels': options_markdown(FixLabelsSettings)}


def render(text: str) -> str:
    """``text`` with its checks table and option tables current."""
    text = _CHECKS_BLOCK.sub(lambda m: f'{m.group(1)}{checks_markdown()}\n{m.group(2)}', text)
    return update_option_tables(text, option_tables())


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or ``--check``) the generated tables of docs/eda.md and docs/fix-labels.md."""
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--check', action='store_true', help='exit 1 when a table is stale')
    args = parser.parse_args(argv)
    stale = []
    for name in PAGES:
        page = DOCS / name
        text = page.read_text(encoding='utf-8')
        current = render(text)
        if current == text:
            continue
        stale.append(page)
        if not args.check:
            page.write_text(current, encoding='utf-8')
    verb = 'stale' if args.check else 'rewritten'
    for page in stale:
        print(f'{page}: tables {verb}', file=sys.stderr if args.check else sys.stdout)
    if args.check and stale:
        print(f'run python -m {__spec__.name}', file=sys.stderr)
    return int(bool(stale and args.check))


if __name__ == '__main__':
    sys.exit(main())
