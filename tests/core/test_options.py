"""core.options: one settings dataclass gives the command line, the JSON echo and the docs."""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pytest

from practicum_work.core.errors import PetsegError
from practicum_work.core.options import (
    add_options,
    from_args,
    option,
    option_table_names,
    options_markdown,
    settings_json,
    settings_kwargs,
    update_option_tables,
    view,
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


class LoudAction(argparse.Action):
    """A custom action: stores its values upper-cased."""

    def __call__(self, parser, namespace, values, option_string=None):
        setattr(namespace, self.dest, [v.upper() for v in values])


def _pair(text: str) -> tuple[int, int]:
    low, high = text.split(',')
    return int(low), int(high)


@dataclass(kw_only=True)
class Run:
    config: str = option(help='experiment config', positional=True, aliases=('--config',))
    checkpoint: str = option(help='checkpoint', positional=True, aliases=('--checkpoint',))
    work_dirs: list[Path] = option(['a'], help='folders')
    clearml: str | None = option(None, help='tracking', choices=('auto', 'off'), const='auto')
    size: tuple[int, int] | None = option(None, help='low,high', type=_pair, metavar='L,H')
    keys: list[str] | None = option(None, help='keys', action=LoudAction, nargs='+')
    k: int = option(5, help='panels', aliases=('--top',))


@dataclass(kw_only=True)
class RunWithOut(Run):
    out: Path = option(Path('o'), help='output')


@dataclass(kw_only=True)
class Optional:
    config: str = option('configs/a.py', help='config', positional=True, aliases=('--config',))
    data_root: str = option(help='root', required=True)


def _parse_as(settings: type, *argv: str):
    parser = argparse.ArgumentParser()
    add_options(parser, settings)
    return from_args(settings, parser.parse_args(list(argv)))


@pytest.mark.parametrize(
    'argv',
    [
        ['c.py', 'k.pth'],
        ['--config', 'c.py', '--checkpoint', 'k.pth'],  # the older spelling
        ['c.py', '--checkpoint', 'k.pth'],
        ['--checkpoint', 'k.pth', 'c.py'],
        ['--k', '5', 'c.py', 'k.pth'],
    ],
)
def test_an_argument_or_its_alias_option(argv):
    settings = _parse_as(Run, *argv)
    assert (settings.config, settings.checkpoint) == ('c.py', 'k.pth')


@pytest.mark.parametrize(
    ('argv', 'message'),
    [
        (['k.pth'], 'CHECKPOINT is required (the argument, or --checkpoint CHECKPOINT)'),
        ([], 'CONFIG is required'),
        (['c.py', 'k.pth', '--config', 'd.py'], 'CONFIG given twice (c.py and --config d.py)'),
    ],
)
def test_an_argument_missing_or_given_twice_is_one_clear_error(argv, message):
    with pytest.raises(PetsegError, match=re.escape(message)):
        _parse_as(Run, *argv)


def test_an_optional_argument_keeps_its_default_and_takes_its_alias():
    assert _parse_as(Optional, '--data-root', 'd').config == 'configs/a.py'
    assert _parse_as(Optional, '--data-root', 'd', 'b.py').config == 'b.py'
    assert _parse_as(Optional, '--config', 'b.py', '--data-root', 'd').config == 'b.py'
    help_text = ' '.join(_help(Optional).split())
    assert '(default: configs/a.py)' in help_text and '(or --config CONFIG)' in help_text


def _help(settings: type) -> str:
    parser = argparse.ArgumentParser()
    add_options(parser, settings)
    return parser.format_help()


def test_const_type_action_and_flag_aliases_pass_through_to_argparse():
    settings = _parse_as(
        Run, 'c', 'k', '--clearml', '--size', '2,9', '--keys', 'a', 'b', '--top', '3',
        '--work-dirs', 'x', 'y',
    )  # fmt: skip
    assert settings.clearml == 'auto' and settings.size == (2, 9) and settings.keys == ['A', 'B']
    assert settings.k == 3 and settings.work_dirs == [Path('x'), Path('y')]
    assert _parse_as(Run, 'c', 'k', '--clearml', 'off').clearml == 'off'
    assert _parse_as(Run, 'c', 'k').clearml is None
    with pytest.raises(SystemExit):
        _parse_as(Run, 'c', 'k', '--clearml', 'maybe')


def test_views_and_keyword_arguments_derive_from_the_same_fields():
    full = RunWithOut(config='c', checkpoint='k', k=7, out=Path('x'))
    part = view(full, Run)
    assert type(part) is Run and part.k == 7 and part.config == 'c'
    kwargs = settings_kwargs(full, exclude=['out', 'keys'])
    assert kwargs['k'] == 7 and 'out' not in kwargs and 'keys' not in kwargs
    assert set(kwargs) | {'out', 'keys'} == set(settings_json(full))


def test_docs_tables_are_replaced_between_their_markers():
    page = (
        'intro\n<!-- options: run -->\nold table\n<!-- /options -->\nmiddle\n'
        '<!-- options: opt -->\n<!-- /options -->\nend\n'
    )
    tables = {'run': options_markdown(Run), 'opt': options_markdown(Optional)}
    updated = update_option_tables(page, tables)
    assert 'old table' not in updated and updated.startswith('intro\n') and 'middle' in updated
    assert '| `config`, `--config` | configs/a.py | config |' in updated
    assert '| `--data-root` |  | **required**; root |' in updated
    assert update_option_tables(updated, tables) == updated
    assert option_table_names(updated) == ['run', 'opt']
    with pytest.raises(PetsegError, match='no options table for <!-- options: run -->'):
        update_option_tables(page, {'opt': ''})


def test_table_cells_escape_pipes_and_angle_brackets():
    @dataclass
    class Odd:
        out: str = option('a|b', help='writes <out>.json')

    assert '| `--out` | a/b | writes &lt;out&gt;.json |' in options_markdown(Odd)
