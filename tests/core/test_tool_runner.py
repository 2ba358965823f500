"""``run_module_logged``: ``python -m MODULE`` in the caller's folder, its output in a log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from practicum_work.core.errors import PetsegError
from practicum_work.core.tool_runner import cfg_option_args, run_module_logged


def test_a_module_runs_where_the_caller_is_so_relative_paths_hold(tmp_path, monkeypatch):
    """A relative path (label-quality's default out, a demo --out) means the caller's folder."""
    monkeypatch.chdir(tmp_path)
    Path('data.json').write_text('{"b": 1, "a": [2, 3]}')
    log = Path('logs') / 'run.log'
    run_module_logged('json.tool', ['--sort-keys', 'data.json'], log, 'pretty', False)
    text = log.read_text()
    assert text.splitlines()[0].endswith('-m json.tool --sort-keys data.json')
    assert json.loads(text.split('\n', 1)[1]) == {'a': [2, 3], 'b': 1}


def test_a_failing_module_names_its_log(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    log = tmp_path / 'run.log'
    with pytest.raises(PetsegError, match=r'pretty failed \(exit [1-9]\d*\); full log: .*run\.log'):
        run_module_logged('json.tool', ['missing.json'], log, 'pretty', False)
    assert 'missing.json' in log.read_text() and 'missing.json' in capsys.readouterr().err


def test_cfg_option_args_quote_tuples_and_lists():
    assert cfg_option_args({'a.b': 1, 'c': (2, 3), 'd': [4], 'e': None}) == [
        '--cfg-options', 'a.b=1', 'c=(2,3)', 'd=[4]', 'e=None',
    ]  # fmt: skip
    assert cfg_option_args({}) == []
