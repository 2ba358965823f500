"""core.options: one settings dataclass gives the command line, the JSON echo and the docs."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

from practicum_work.core.options import (
    add_options,
    from_args,
    option,
    options_markdown,
    settings_json,
)


@dataclass
class Example:
    data_root: Path = option(help='dataset root', required=True)
    config: str = option(help='config file', positional=True, required=True)
    splits: list[str] = option(['train', 'val'], help='splits to read')
    threshold: float = option(0.8, help='P(other species) needed')
    policy: Literal['drop', 'review'] = option('drop', help='what to do with empty masks')
    workers: int | None = option(None, help='processes (default: all cores)')
    dry_run: bool = option(False, help='plan only')
    progress: bool = option(True, help='show progress bars')
    k: int = option(5, help='panels', flag='--top')
    internal: int = option(3, help='API only', cli=False)


def _parse(*argv: str) -> Example:
    parser = argparse.ArgumentParser()
    add_options(parser, Example)
    return from_args(Example, parser.parse_args(list(argv)))


def test_defaults_come_from_the_dataclass():
    settings = _parse('configs/x.py', '--data-root', 'data/pets')
    assert settings == Example(data_root=Path('data/pets'), config='configs/x.py')
    assert isinstance(settings.data_root, Path) and settings.splits == ['train', 'val']


def test_types_choices_flags_and_lists_follow_the_fields():
    settings = _parse(
        'c.py', '--data-root', 'd', '--splits', 'test', '--threshold', '0.9', '--policy',
        'review', '--workers', '2', '--dry-run', '--no-progress', '--top', '7',
    )  # fmt: skip
    assert settings.splits == ['test'] and settings.threshold == 0.9
    assert settings.policy == 'review' and settings.workers == 2
    assert settings.dry_run is True and settings.progress is False and settings.k == 7


@pytest.mark.parametrize(
    'argv',
    [
        ['c.py'],  # --data-root is required
        ['c.py', '--data-root', 'd', '--policy', 'keep'],  # not a choice
        ['c.py', '--data-root', 'd', '--threshold', 'high'],  # not a number
        ['c.py', '--data-root', 'd', '--internal', '4'],  # not on the command line
    ],
)
def test_bad_command_lines_are_refused(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        _parse(*argv)
    assert exit_info.value.code == 2


def test_help_shows_each_default_once():
    parser = argparse.ArgumentParser()
    add_options(parser, Example)
    text = ' '.join(parser.format_help().split())
    assert 'P(other species) needed (default: 0.8)' in text
    assert 'processes (default: all cores)' in text and '(default: None)' not in text


def test_settings_json_and_docs_table_are_made_from_the_same_fields():
    settings = Example(data_root=Path('d'), config='c.py')
    echo = settings_json(settings)
    assert echo['data_root'] == 'd' and echo['splits'] == ['train', 'val']
    table = options_markdown(Example)
    assert '| `--threshold` | 0.8 | P(other species) needed |' in table
    assert '| `--policy` | drop | what to do with empty masks (drop / review) |' in table
    assert '--internal' not in table and '| `config` |' in table
