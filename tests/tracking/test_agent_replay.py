"""A recorded run that a ClearML Agent can run again: the offline session, and its replay.

Runs ``python -m practicum_work.train`` and ``tools/test.py`` tracked offline, reads what their
session zips record, then plays an agent on edited clones of them (``agent_play.py``: ClearML's
own offline task objects, ``Task.running_locally`` false, the entry point run with no
arguments). No server, faked or real.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from mmengine.config import Config, DictAction

from practicum_work.core.paths import REPO_ROOT
from tests.conftest import HYP1, clearml_env, quick_cfg_options, run_tool

PLAY = REPO_ROOT / 'tests' / 'tracking' / 'agent_play.py'


def _session(folder: Path) -> Path:
    (path,) = folder.glob('*/clearml_offline-*.zip')
    return path


def _task(session: Path) -> dict:
    return json.loads(zipfile.ZipFile(session).read('task.json'))


def _args(task: dict) -> dict[str, str]:
    return {k: v['value'] for k, v in task['hyperparams']['Args'].items()}


def _cfg_options(text: str) -> dict:
    """``Args/cfg_options`` read as ``--cfg-options`` reads its tokens."""
    pairs = (token.split('=', 1) for token in shlex.split(text))
    return {key: DictAction._parse_iterable(value) for key, value in pairs}


@pytest.fixture(scope='module')
def recorded(tiny_dataset, tmp_path_factory) -> dict:
    """A training run (``python -m``) and a test run (``tools/test.py``), tracked offline."""
    root = tmp_path_factory.mktemp('recorded')
    env = clearml_env(root / 'home', mode='offline')
    options = quick_cfg_options(tiny_dataset, 2)
    trained = run_tool(
        '-m', 'practicum_work.train', HYP1, '--work-dir', str(root / 'train'), *options, env=env
    )
    assert trained.returncode == 0, trained.stderr[-3000:]
    (best,) = (root / 'train').glob('best_mDice_iter_*.pth')
    tested = run_tool(
        'tools/test.py', HYP1, str(best), '--work-dir', str(root / 'test'), *options, env=env
    )
    assert tested.returncode == 0, tested.stderr[-3000:]
    return {'root': root, 'env': env, 'options': options, 'best': best}


def _replay(recorded: dict, session: Path, entry: str, edits: dict) -> subprocess.CompletedProcess:
    edits_file = recorded['root'] / f'edits_{len(list(recorded["root"].glob("edits_*")))}.json'
    edits_file.write_text(json.dumps(edits))
    return subprocess.run(
        [sys.executable, str(PLAY), 'replay', str(session), entry, str(edits_file)],
        cwd=REPO_ROOT,
        env=recorded['env'],
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_an_offline_session_records_what_an_agent_runs(recorded):
    train_task = _task(_session(recorded['root'] / 'train'))
    test_task = _task(_session(recorded['root'] / 'test'))
    options = dict(kv.split('=', 1) for kv in recorded['options'][1:])
    expected = {key: DictAction._parse_iterable(value) for key, value in options.items()}

    args = _args(test_task)
    assert (args['config'], args['checkpoint']) == (HYP1, str(recorded['best']))
    assert args['work_dir'] == str(recorded['root'] / 'test') and args['split'] == ''
    assert (args['tta'], args['launcher']) == ('False', 'none')
    assert _cfg_options(args['cfg_options']) == expected
    train_args = _args(train_task)
    assert train_args['config'] == HYP1 and _cfg_options(train_args['cfg_options']) == expected
    assert train_args['resume'] == '' and 'local_rank' not in train_args

    # The entry point an agent runs from a checkout of the commit, without the arguments
    # python -m copies into it (they are in Args); the packages of requirements.txt.
    assert test_task['script']['entry_point'] == 'tools/test.py'
    assert train_task['script']['entry_point'] == '-m practicum_work.train'
    requirements = (REPO_ROOT / 'requirements.txt').read_text().splitlines()
    pins = [line for line in requirements if line and not line.startswith('#')]
    for task in (train_task, test_task):
        assert task['script']['working_dir'] == '.'
        assert len(task['script']['version_num']) == 40
        recorded_pins = task['script']['requirements']['pip'].splitlines()
        assert set(pins) <= set(recorded_pins) and 'mmsegmentation==1.2.2' in recorded_pins
        configuration = task['configuration']
        assert configuration['config']['value'] == configuration['config_recorded']['value']
        assert 'petseg' in task['hyperparams']


@pytest.mark.slow
def test_an_agent_runs_an_edited_training_clone(recorded):
    session = _session(recorded['root'] / 'train')
    config_text = _task(session)['configuration']['config']['value']
    edited = Config.fromstring(config_text, '.py')
    edited.model.decode_head.loss_decode[1].loss_weight = 0.5  # SoftmaxDiceLoss
    work_dir = recorded['root'] / 'clone_train'
    result = _replay(
        recorded,
        session,
        'tools/train.py',  # the entry point runs the recorded Args, whichever form it has
        {
            'parameters': {'Args/work_dir': str(work_dir), 'petseg/schedule.max_iters': '1'},
            'configuration': {'config': edited.pretty_text},
        },
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert 'edits applied to the config:' in result.stderr
    assert (work_dir / 'iter_1.pth').is_file() and not (work_dir / 'iter_2.pth').exists()
    ran = Config.fromfile(str(work_dir / 'hyp1_segformer_b0.py'))  # the config the Runner got
    assert ran.model.decode_head.loss_decode[1].loss_weight == 0.5
    assert ran.train_cfg.max_iters == 1
    # The run reported to the agent's task (the clone), not to a task of its own.
    offline = recorded['root'] / 'home' / '.clearml' / 'cache' / 'offline'
    clone_name = f'clone of {_task(session)["name"]}'
    (clone,) = [z for z in offline.glob('*.zip') if _task(z)['name'] == clone_name]
    assert not list(work_dir.glob('*/clearml_offline-*.zip'))
    metrics = zipfile.ZipFile(clone).read('metrics.jsonl').decode()
    assert '"train loss"' in metrics and '"val metrics"' in metrics


@pytest.mark.slow
def test_an_agent_runs_an_edited_test_clone_on_another_split(recorded):
    session = _session(recorded['root'] / 'test')
    work_dir = recorded['root'] / 'clone_test'
    result = _replay(
        recorded,
        session,
        'tools/test.py',
        {'parameters': {'Args/work_dir': str(work_dir), 'Args/split': 'val'}},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (metrics,) = work_dir.glob('metrics_val_*.json')
    record = json.loads(metrics.read_text())
    assert record['split'] == 'val' and record['checkpoint'].endswith(recorded['best'].name)
