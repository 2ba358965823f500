"""docs/cli.md's option tables are generated from the commands' settings and kept current."""

from __future__ import annotations

import argparse

import pytest

from practicum_work.cli import build_parser
from practicum_work.commands import _option_docs


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if a.dest == 'command')
    return dict(action.choices)


def test_the_docs_tables_are_current():
    """Fails while a table differs from the settings: run python -m <module> to rewrite."""
    assert _option_docs.main(['--check']) == 0


@pytest.mark.parametrize('command', sorted(_option_docs.command_settings()))
def test_each_table_lists_every_option_of_its_command(command):
    table = _option_docs.option_tables()[command]
    parser = _subparsers()[command]
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        names = action.option_strings or [action.dest]
        for name in names:
            assert f'`{name}`' in table, f'petseg {command}: {name} missing from its table'


def test_a_stale_table_is_caught_and_rewritten(tmp_path, capsys):
    page = tmp_path / 'cli.md'
    text = _option_docs.PAGE.read_text(encoding='utf-8')
    page.write_text(text.replace('| `--k` | 5 |', '| `--k` | 6 |'), encoding='utf-8')
    assert _option_docs.main(['--check', str(page)]) == 1
    assert 'stale' in capsys.readouterr().err
    assert _option_docs.main([str(page)]) == 0
    assert page.read_text(encoding='utf-8') == text


def test_a_command_without_a_block_gets_one(tmp_path):
    page = tmp_path / 'cli.md'
    page.write_text('# The `petseg` command\n', encoding='utf-8')
    assert _option_docs.main([str(page)]) == 0
    written = page.read_text(encoding='utf-8')
    for command in _option_docs.command_settings():
        assert f'<!-- options: {command} -->' in written
    assert _option_docs.main(['--check', str(page)]) == 0


def test_a_missing_block_returns_in_the_commands_order(tmp_path):
    text = _option_docs.PAGE.read_text(encoding='utf-8')
    start = text.index('### `petseg review`')
    end = text.index('### `petseg import-relabelled`')
    page = tmp_path / 'cli.md'
    page.write_text(text[:start] + text[end:], encoding='utf-8')
    assert _option_docs.main(['--check', str(page)]) == 1
    assert _option_docs.main([str(page)]) == 0
    assert page.read_text(encoding='utf-8') == text
