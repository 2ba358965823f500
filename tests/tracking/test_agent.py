"""Clone, edit, enqueue: what a ClearML Agent's run of an edited clone gives the Runner.

The clones are ClearML's own offline task objects holding a recorded run's sections plus the
edits, and ``Task.running_locally`` answers False, as under an agent (``agent_play.py``, one
process for all scenarios). No server is faked: the values reach petseg through ClearML's task
API. Locally nothing changes and clearml is not even imported.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest
from mmengine.config import Config

from practicum_work import test as test_entry
from practicum_work import train as train_entry
from practicum_work.core.run_setup import prepare_train
from practicum_work.tracking import agent
from practicum_work.tracking.run_arguments import arguments_section
from practicum_work.tracking.run_summary import hyperparameters
from tests.conftest import HYP1, REPO_ROOT, clearml_env, quick_cfg_options

PLAY = REPO_ROOT / 'tests' / 'tracking' / 'agent_play.py'
PROBE = [
    'train_cfg.max_iters',
    'train_cfg.val_interval',
    'optim_wrapper.optimizer.lr',
    'model.decode_head.loss_decode.1.loss_weight',
    'test_dataloader.dataset.data_root',
    'work_dir',
    'launcher',
]


def _recorded(parser, argv: list[str], cfg: Config) -> tuple[dict, dict]:
    """(parameters, configuration) a task of this run holds, as text (what a clone copies)."""
    args = parser.parse_args(argv)
    parameters = {f'Args/{k}': str(v) for k, v in arguments_section(parser, args).items()}
    parameters.update({f'petseg/{k}': str(v) for k, v in hyperparameters(cfg).items()})
    text = cfg.pretty_text
    return parameters, {'config': text, 'config_recorded': text}


def _config_edit(text: str, **changes) -> str:
    edited = Config.fromstring(text, '.py')
    edited.merge_from_dict(changes)
    return edited.pretty_text


@pytest.fixture(scope='module')
def clones(tiny_dataset, tmp_path_factory) -> dict:
    """Every scenario's outcome (one process plays the agent on each clone in turn)."""
    root = tmp_path_factory.mktemp('clones')
    argv = [HYP1, '--work-dir', str(root / 'run'), *quick_cfg_options(tiny_dataset, 2)]
    parser = train_entry.build_parser()
    args = parser.parse_args(argv)
    cfg = prepare_train(args.config, args.cfg_options, args.work_dir, warn=print).cfg
    params, config = _recorded(parser, argv, cfg)
    checkpoint = root / 'trained' / 'best.pth'
    checkpoint.parent.mkdir(parents=True, exist_ok=True)
    checkpoint.write_bytes(b'')  # prepare_test only needs the file to exist
    test_argv = [HYP1, str(checkpoint), *quick_cfg_options(tiny_dataset, 2)]
    test_params, _ = _recorded(test_entry.build_parser(), test_argv, cfg)
    text = config['config']
    options = params['Args/cfg_options']

    def scenario(name, phase='train', parameters=None, configuration=None, drop=(), **more):
        base = test_params if phase == 'test' else params
        values = {k: v for k, v in {**base, **(parameters or {})}.items() if k not in drop}
        conf = {k: v for k, v in {**config, **(configuration or {})}.items() if k not in drop}
        plan = dict(name=name, phase=phase, parameters=values, configuration=conf, probe=PROBE)
        return {**plan, **more}

    no_args = [k for k in params if k.startswith('Args/')]

    plan = [
        scenario('unedited'),
        scenario(
            'edited',
            parameters={
                'Args/cfg_options': options + ' train_cfg.val_interval=1',
                'Args/work_dir': str(root / 'clone'),
                'petseg/optimizer.lr': '0.001',
                'petseg/schedule.max_iters': '3',
            },
            configuration={
                'config': _config_edit(text, **{'model.decode_head.loss_decode.1.loss_weight': 0.5})
            },
        ),
        scenario('display_only', parameters={'petseg/loss.decode': 'SoftmaxDiceLoss x1.0'}),
        scenario(
            'twice',
            parameters={'petseg/optimizer.lr': '0.001'},
            configuration={'config': _config_edit(text, **{'optim_wrapper.optimizer.lr': 0.002})},
        ),
        scenario('work_dir_in_config', configuration={'config': _config_edit(text, work_dir='x')}),
        scenario('wrong_type', parameters={'petseg/data.batch_size': 'eight'}),
        scenario('launcher', parameters={'Args/launcher': 'pytorch'}),
        scenario('no_args', drop=no_args, argv=[]),  # what an agent passes
        scenario('old_module_entry', drop=no_args, argv=argv),  # -m module ARGS, recorded before
        scenario('unknown_arg', parameters={'Args/epochs': '3'}),
        scenario('old_record', drop=['config_recorded']),
        scenario('test_unedited', phase='test'),
        scenario('test_data_root', 'test', parameters={'petseg/data.root': str(root / 'nope')}),
        scenario(
            'test_load_from',
            phase='test',
            configuration={'config': _config_edit(text, load_from=str(checkpoint) + '.other')},
        ),
    ]
    plan_file, results = root / 'plan.json', root / 'results.json'
    plan_file.write_text(json.dumps(plan))
    run = subprocess.run(
        [sys.executable, str(PLAY), 'scenarios', str(plan_file), str(results)],
        cwd=REPO_ROOT,
        env=clearml_env(root / 'home', mode='offline'),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    outcome = json.loads(results.read_text())
    outcome['recorded'] = {'args': vars(args), 'cfg': cfg, 'root': root}
    return outcome


def test_an_unedited_clone_runs_the_recorded_command_line_and_config(clones):
    got, recorded = clones['unedited'], clones['recorded']
    assert 'error' not in got and 'exit_code' not in got, got
    assert got['args']['config'] == HYP1
    assert got['args']['cfg_options'] == json.loads(json.dumps(recorded['args']['cfg_options']))
    assert got['overrides'] == {} and got['said'] == []
    assert got['values']['train_cfg.max_iters'] == 2
    assert 'ClearML Agent, task offline-' in got['stderr'] and HYP1 in got['stderr']


def test_edits_of_args_config_object_and_petseg_values_reach_the_runner_config(clones):
    got = clones['edited']
    assert 'error' not in got, got
    assert got['overrides'] == {
        'model.decode_head.loss_decode.1.loss_weight': 0.5,
        'optim_wrapper.optimizer.lr': 0.001,
        'train_cfg.max_iters': 3,
    }
    values = got['values']
    assert values['train_cfg.val_interval'] == 1  # Args/cfg_options edited
    assert values['work_dir'] == str(clones['recorded']['root'] / 'clone')  # Args/work_dir
    assert values['model.decode_head.loss_decode.1.loss_weight'] == 0.5  # config object
    assert (values['optim_wrapper.optimizer.lr'], values['train_cfg.max_iters']) == (0.001, 3)
    (said,) = got['said']
    assert 'edits applied to the config:' in said and 'train_cfg.max_iters=3' in said


def test_edits_petseg_cannot_apply_are_one_line_saying_where_to_edit(clones):
    names = ('display_only', 'twice', 'work_dir_in_config', 'wrong_type', 'test_load_from')
    errors = {name: clones[name]['error'] for name in (*names, 'test_data_root')}
    display_only = 'petseg/loss.decode only describe the config; edit the configuration object'
    assert display_only in errors['display_only']
    assert (
        'optim_wrapper.optimizer.lr is edited twice: 0.002 in configuration object'
        in (errors['twice'])
    )
    work_dir = 'changes work_dir, which the command line sets: edit Args/work_dir'
    assert work_dir in errors['work_dir_in_config']
    assert 'edited train_dataloader.batch_size: expected an integer' in errors['wrong_type']
    load_from = 'changes load_from, which the command line sets: edit Args/checkpoint'
    assert load_from in errors['test_load_from']
    for error in errors.values():
        assert error.startswith('ClearML task offline-') and '\n' not in error


def test_an_agent_starts_one_process(clones):
    got = clones['launcher']
    assert got['args']['launcher'] == 'none' and got['values']['launcher'] == 'none'
    assert 'Args/launcher=pytorch, but a ClearML Agent starts one process' in got['stderr']


def test_a_clone_without_args_or_with_an_unknown_one_stops_as_argparse_does(clones):
    assert clones['no_args']['exit_code'] == 2
    assert (
        'has no Args section (recorded by an older petseg?): record the run again'
        in (clones['no_args']['stderr'])
    )
    older = clones['old_module_entry']  # its entry point passes the recorded arguments
    assert older['args']['work_dir'] == str(clones['recorded']['root'] / 'run')
    assert 'running the arguments of its entry point' in older['stderr']
    assert clones['unknown_arg']['exit_code'] == 2
    assert 'Args/epochs: not an argument of train.py' in clones['unknown_arg']['stderr']


def test_a_task_recorded_without_the_record_copy_runs_its_args_with_a_warning(clones):
    got = clones['old_record']
    assert got['overrides'] == {} and 'error' not in got
    assert any("no 'config_recorded' object" in w for w in got['warned'])


def test_test_runs_apply_edits_and_check_the_data_again(clones):
    assert clones['test_unedited']['overrides'] == {}
    assert clones['test_unedited']['args']['checkpoint'].endswith('best.pth')
    error = clones['test_data_root']['error']
    assert f'data root {clones["recorded"]["root"] / "nope"} does not exist' in error


def test_locally_the_command_line_is_parsed_and_remembered_without_clearml(monkeypatch, tmp_path):
    """In a process without clearml and without CLEARML_TASK_ID, nothing imports it."""
    code = (
        'import sys\n'
        'from practicum_work.test import build_parser\n'
        'from practicum_work.tracking import agent\n'
        "args = agent.parse_arguments(build_parser(), ['c.py', 'k.pth', '--tta'])\n"
        "assert agent.recorded_arguments()['tta'] is True and args.checkpoint == 'k.pth'\n"
        "assert agent.apply_agent_edits(object(), 'test') == {}\n"
        "print('clearml' in sys.modules)\n"
    )
    env = clearml_env(tmp_path / 'home', mode='offline')
    run = subprocess.run(
        [sys.executable, '-c', code], cwd=REPO_ROOT, env=env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.strip() == 'False'


def test_the_backend_records_args_only_for_runs_of_petsegs_command_line(monkeypatch):
    class Task:
        def __init__(self):
            self.connected = {}

        def connect(self, values, name=None):
            self.connected[name] = copy.deepcopy(values)

    task = Task()
    monkeypatch.setattr(agent, '_recorded_arguments', None)
    agent.record_for_agent(task)  # a script that called train() itself: its own arguments
    assert task.connected == {}
