"""``practicum_work.test``: testing as a function and as ``python -m``, same as tools/test.py."""

from __future__ import annotations

import json
import re

import pytest
from mmengine.config import Config

from practicum_work.core.errors import PetsegError
from practicum_work.test import build_parser, command_line, main
from practicum_work.test import test as run_test  # (a name pytest would collect as a test)
from tests.conftest import HYP1, REPO_ROOT, TINY_TEST_OPTIONS, run_tool

# tools/test.py's command line before it became a wrapper of this module.
TEST_OPTIONS = {
    '-h', '--help', '--work-dir', '--split', '--out', '--show', '--show-dir', '--wait-time',
    '--cfg-options', '--launcher', '--tta', '--local_rank', '--local-rank',
}  # fmt: skip


@pytest.mark.slow
def test_test_as_a_function_returns_the_metrics_it_writes(hyp1_run, tiny_dataset, tmp_path):
    checkpoint = hyp1_run / 'iter_4.pth'
    options = {**TINY_TEST_OPTIONS, 'data_root': str(tiny_dataset)}
    metrics = run_test(REPO_ROOT / HYP1, checkpoint, cfg_options=options, work_dir=tmp_path)
    record = json.loads((tmp_path / 'metrics_test_iter_4.json').read_text())
    assert record['checkpoint'] == str(checkpoint)
    for name in ('aAcc', 'mIoU', 'mDice'):
        assert float(metrics[name]) == pytest.approx(record['summary'][name], abs=0.01)
    val = run_test(
        Config.fromfile(str(REPO_ROOT / HYP1)), checkpoint, cfg_options=options,
        work_dir=tmp_path, split='val',
    )  # fmt: skip
    record = json.loads((tmp_path / 'metrics_val_iter_4.json').read_text())
    assert float(val['mDice']) == pytest.approx(record['summary']['mDice'], abs=0.01)


def test_bad_input_is_one_error_line_and_exit_2(tmp_path, capsys):
    missing = tmp_path / 'missing.pth'
    with pytest.raises(PetsegError, match=r'missing\.pth does not exist'):
        run_test(REPO_ROOT / HYP1, missing)
    assert main([HYP1, str(missing)]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f'test.py: error: checkpoint {missing} does not exist'
    ]
    in_memory = Config(Config.fromfile(str(REPO_ROOT / HYP1)).to_dict())  # no file name
    with pytest.raises(PetsegError, match='pass work_dir'):  # a URL has no folder either
        run_test(in_memory, 'https://example.org/model.pth')


def test_python_m_takes_the_tools_command_line():
    module = run_tool('-m', 'practicum_work.test', '--help')
    script = run_tool('tools/test.py', '--help')
    assert module.returncode == script.returncode == 0
    assert module.stdout == script.stdout
    assert set(re.findall(r'(?<![\w-])--?[a-z][\w-]*', module.stdout)) == TEST_OPTIONS


@pytest.mark.parametrize(
    'call',
    [
        {},
        {'work_dir': 'runs/a', 'split': 'val', 'cfg_options': {'a.b': 1, 'c': (2, 3)}},
        {'out': 'pred', 'show_dir': 'show', 'tta': True, 'launcher': 'slurm'},
    ],
)
def test_command_line_makes_the_same_call(call):
    """What the demo starts: the process parses to the call's arguments."""
    args = build_parser().parse_args(command_line(HYP1, 'runs/a/iter_2.pth', **call))
    expected = {
        'config': HYP1, 'checkpoint': 'runs/a/iter_2.pth', 'work_dir': None, 'split': None,
        'out': None, 'show_dir': None, 'tta': False, 'launcher': 'none', 'cfg_options': None,
    }  # fmt: skip
    expected.update(call)
    assert {key: getattr(args, key) for key in expected} == expected
