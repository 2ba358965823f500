"""``practicum_work.train``: training as a function and as ``python -m``, same as tools/train.py."""

from __future__ import annotations

import json
import re

import pytest
from mmengine.config import Config

from practicum_work.core.config import cpu_quick_options
from practicum_work.core.errors import PetsegError
from practicum_work.train import build_parser, command_line, main, train
from tests.conftest import HYP1, REPO_ROOT, run_tool

# tools/train.py's command line before it became a wrapper of this module.
TRAIN_OPTIONS = {
    '-h', '--help', '--work-dir', '--resume', '--overwrite', '--amp', '--cfg-options',
    '--launcher', '--local_rank', '--local-rank',
}  # fmt: skip


def _options(data_root, iters: int = 2) -> dict:
    options = cpu_quick_options(
        REPO_ROOT / HYP1, iters, val_interval=iters, crop=64, batch_size=2, workers=0,
        eval_scale=64,
    )  # fmt: skip
    options['data_root'] = str(data_root)
    return options


def test_train_as_a_function_returns_its_work_dir(tiny_dataset, tmp_path):
    cfg = Config.fromfile(str(REPO_ROOT / HYP1))  # a Config object, as a notebook holds one
    before = cfg.pretty_text
    work_dir = train(cfg, cfg_options=_options(tiny_dataset), work_dir=tmp_path / 'run')
    assert work_dir == tmp_path / 'run'
    assert (work_dir / 'iter_2.pth').is_file()
    record = json.loads((work_dir / 'metrics_val_iter_2.json').read_text())
    assert record['split'] == 'val' and record['iteration'] == 2
    assert cfg.pretty_text == before  # the caller's config is not changed


def test_a_config_built_in_memory_needs_a_work_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    cfg = Config(Config.fromfile(str(REPO_ROOT / HYP1)).to_dict())  # no file name
    with pytest.raises(PetsegError, match='pass work_dir'):
        train(cfg)
    assert not list(tmp_path.iterdir())  # refused before anything was written


def test_bad_input_is_one_error_line_and_exit_2(capsys):
    with pytest.raises(PetsegError, match=r'config file configs/nope\.py does not exist'):
        train('configs/nope.py')
    assert main(['configs/nope.py']) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        'train.py: error: config file configs/nope.py does not exist'
    ]
    with pytest.raises(SystemExit) as usage:
        main([HYP1, '--resume', '--overwrite'])
    assert usage.value.code == 2
    assert 'train.py: error: --resume continues the run' in capsys.readouterr().err


def test_python_m_takes_the_tools_command_line():
    module = run_tool('-m', 'practicum_work.train', '--help')
    script = run_tool('tools/train.py', '--help')
    assert module.returncode == script.returncode == 0
    assert module.stdout == script.stdout
    assert set(re.findall(r'(?<![\w-])--?[a-z][\w-]*', module.stdout)) == TRAIN_OPTIONS
    failed = run_tool('-m', 'practicum_work.train', 'configs/nope.py')
    assert failed.returncode == 2 and 'Traceback' not in failed.stderr
    assert failed.stderr.strip().splitlines()[-1] == (
        'train.py: error: config file configs/nope.py does not exist'
    )


@pytest.mark.parametrize(
    'call',
    [
        {},
        {'work_dir': 'runs/a', 'overwrite': True, 'cfg_options': {'a.b': 1, 'c': (2, 3)}},
        {'resume': 'auto', 'amp': True, 'launcher': 'pytorch'},
        {'resume': 'runs/a/iter_2.pth'},
    ],
)
def test_command_line_makes_the_same_call(call):
    """What label-quality and the demo start: the process parses to the call's arguments."""
    args = build_parser().parse_args(command_line(HYP1, **call))
    expected = {
        'config': HYP1, 'work_dir': None, 'resume': None, 'overwrite': False, 'amp': False,
        'launcher': 'none', 'cfg_options': None,
    }  # fmt: skip
    expected.update(call)
    assert {key: getattr(args, key) for key in expected} == expected
