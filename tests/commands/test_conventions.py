"""One convention across commands: the config argument and the shared options read the same."""

from __future__ import annotations

import argparse

import pytest

from practicum_work.cli import build_parser, main

# The commands that run or train a model of an experiment config.
MODEL_COMMANDS = {'best-worst', 'postprocess-eval', 'cross-validate', 'label-quality'}
SHARED = ('--lr', '--device', '--seed', '--data-root', '--overwrite')


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in build_parser()._actions if a.dest == 'command')
    return dict(action.choices)


def test_the_config_is_the_first_argument_of_every_command_that_takes_one():
    """As in MMSeg's tools/train.py CONFIG and tools/test.py CONFIG CHECKPOINT."""
    takes_config = set()
    for name, parser in _subparsers().items():
        arguments = [a.dest for a in parser._actions if not a.option_strings]
        if 'config' in arguments or '--config' in parser._option_string_actions:
            takes_config.add(name)
            assert arguments[0] == 'config', f'petseg {name}: {arguments}'
            assert '--config' in parser._option_string_actions, name  # the older spelling
            assert not parser._option_string_actions['--config'].required, name
    assert takes_config == MODEL_COMMANDS


@pytest.mark.parametrize('flag', SHARED)
def test_a_shared_option_has_one_default_in_every_command(flag):
    defaults = {
        name: parser._option_string_actions[flag].default
        for name, parser in _subparsers().items()
        if flag in parser._option_string_actions
    }
    assert len(defaults) >= 2 and len(set(map(repr, defaults.values()))) == 1, defaults


def test_the_older_spelling_of_the_config_still_runs(tmp_path, capsys):
    """``--config C --checkpoint K`` and ``C K`` reach the tool alike (here: its input check)."""
    missing = tmp_path / 'no.pth'
    for argv in (
        ['best-worst', 'configs/hyp1_segformer_b0.py', str(missing)],
        ['best-worst', '--config', 'configs/hyp1_segformer_b0.py', '--checkpoint', str(missing)],
    ):
        assert main([*argv, '--out', str(tmp_path / 'o')]) == 2
        err = capsys.readouterr().err.strip()
        assert err == f'petseg best-worst: error: checkpoint {missing} does not exist'


def test_a_config_given_twice_or_not_at_all_is_one_line(capsys):
    assert main(['best-worst', 'a.py', 'k.pth', '--config', 'b.py']) == 2
    assert capsys.readouterr().err.strip() == (
        'petseg best-worst: error: CONFIG given twice (a.py and --config b.py): give it once'
    )
    assert main(['cross-validate', '--data-root', 'd']) == 2
    assert capsys.readouterr().err.strip() == (
        'petseg cross-validate: error: CONFIG is required (the argument, or --config CONFIG)'
    )
