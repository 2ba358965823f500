"""PetsegClearMLVisBackend against a recording fake task: what is logged, and failures."""

from __future__ import annotations

import copy
import sys
from types import SimpleNamespace

import pytest
from mmengine.config import Config

from practicum_work.core.errors import PetsegError
from practicum_work.mmseg_ext.visualization import clearml_backend
from practicum_work.mmseg_ext.visualization.clearml_backend import PetsegClearMLVisBackend
from practicum_work.tracking import agent
from practicum_work.tracking.task import TaskHandle
from tests.conftest import REPO_ROOT

HYP2 = str(REPO_ROOT / 'configs' / 'hyp2_segformer_b0_wce.py')


class FakeLogger:
    def __init__(self, fail: bool = False):
        self.calls: list[tuple[str, dict]] = []
        self.fail = fail

    def _record(self, kind, **kwargs):
        if self.fail:
            raise RuntimeError('reporting broke')
        self.calls.append((kind, kwargs))

    def report_scalar(self, **kwargs):
        self._record('scalar', **kwargs)

    def report_image(self, **kwargs):
        self._record('image', **kwargs)

    def report_table(self, **kwargs):
        self._record('table', **kwargs)

    def report_single_value(self, **kwargs):
        self._record('single', **kwargs)


class FakeTask:
    id = 'fake-1'

    def __init__(self, fail: bool = False):
        self.logger = FakeLogger(fail)
        self.connected: dict[str, object] = {}
        self.configurations: dict[str, object] = {}
        self.closed = False

    def get_logger(self):
        return self.logger

    def connect(self, mutable, name=None):
        self.connected[name] = dict(mutable)
        return mutable

    def connect_configuration(self, configuration, name=None, description=None):
        if hasattr(configuration, 'read_text'):
            configuration = configuration.read_text()
        self.configurations[name] = configuration
        return configuration

    def close(self):
        self.closed = True


@pytest.fixture(scope='module')
def hyp2_config() -> Config:
    return Config.fromfile(HYP2)


@pytest.fixture
def cfg(hyp2_config) -> Config:
    """A fresh copy of the hyp2 config (parsing it takes a second)."""
    return copy.deepcopy(hyp2_config)


@pytest.fixture
def tracked(monkeypatch, tmp_path):
    """A backend whose start_task returns a FakeTask; collects warnings and start calls."""
    state = {'task': FakeTask(), 'warnings': [], 'starts': [], 'mode': 'offline'}

    def fake_start(decision, project, task_name, **kwargs):
        state['starts'].append(dict(decision=decision, project=project, name=task_name, **kwargs))
        return TaskHandle(state['task'], state['mode'], owned=True)

    monkeypatch.setattr(clearml_backend, 'start_task', fake_start)
    monkeypatch.setattr(clearml_backend, '_warn', state['warnings'].append)
    monkeypatch.setattr(agent, '_recorded_arguments', None)  # not started from a command line
    monkeypatch.setenv('PETSEG_CLEARML', 'offline')
    save_dir = tmp_path / 'work' / '20250101_120000' / 'vis_data'
    save_dir.mkdir(parents=True)
    state['backend'] = PetsegClearMLVisBackend(save_dir=str(save_dir))
    return state


def test_add_config_starts_one_named_tagged_task_and_logs_hyperparameters(tracked, cfg):
    backend = tracked['backend']
    backend.add_config(cfg)
    backend.add_scalars({'loss': 1.0, 'lr': 0.1}, step=1)
    assert len(tracked['starts']) == 1
    start = tracked['starts'][0]
    assert start['project'] == 'petseg' and start['task_type'] == 'training'
    assert start['name'] == 'hyp2_segformer_b0_wce_20250101_120000'
    assert start['tags'] == ['hyp2', 'MixVisionTransformer+SegformerHead', 'pets_demo']
    params = tracked['task'].connected['petseg']
    assert params['loss.decode.class_weight'] == '[0.073, 1.3322, 1.5948]'
    assert params['optimizer'] == 'AdamW' and params['data.batch_size'] == 8
    assert "type='WeightedCrossEntropyLoss'" in tracked['task'].configurations['config']


def test_cfg_clearml_dict_overrides_backend_settings(tracked, cfg):
    cfg.merge_from_dict({'clearml.project': 'pets-2025', 'clearml.tags': ['night']})
    tracked['backend'].add_config(cfg)
    assert tracked['starts'][0]['project'] == 'pets-2025'
    assert tracked['starts'][0]['tags'][-1] == 'night'


def test_unknown_clearml_setting_is_a_clear_error(tracked, cfg):
    cfg.merge_from_dict({'clearml.projet': 'typo'})
    with pytest.raises(PetsegError, match=r'clearml\.projet is not a ClearML setting'):
        tracked['backend'].add_config(cfg)


def test_scalars_are_grouped_into_few_charts(tracked):
    backend = tracked['backend']
    backend.add_scalars({'loss': 1.5, 'decode.loss_ce': 1.0, 'lr': 0.01, 'iter': 3}, step=3)
    backend.add_scalars({'mDice': 50.0, 'Dice.cat': 40.0, 'IoU.dog': float('nan')}, step=4)
    got = {(c['title'], c['series'], c['iteration']) for _, c in tracked['task'].logger.calls}
    assert got == {
        ('train loss', 'loss', 3),
        ('train loss', 'decode.loss_ce', 3),
        ('train lr', 'lr', 3),
        ('val metrics', 'mDice', 4),
        ('val per-class Dice', 'cat', 4),
    }


def test_sample_images_share_one_title(tracked):
    import numpy as np

    tracked['backend'].add_image('val_sample_val_0003', np.zeros((4, 4, 3), np.uint8), step=2)
    kind, call = tracked['task'].logger.calls[0]
    assert (kind, call['title'], call['series'], call['iteration']) == (
        'image',
        'val samples',
        'val_0003',
        2,
    )


def test_reporting_failure_is_one_warning_and_the_run_goes_on(tracked):
    tracked['task'] = FakeTask(fail=True)
    backend = tracked['backend']
    for step in range(3):
        backend.add_scalars({'loss': 1.0}, step=step)  # must not raise
        backend.add_scalar('mIoU', 2.0, step=step)
    backend.report_test_metrics({'mDice': 1.0}, 'ckpt.pth')
    assert len(tracked['warnings']) == 1
    assert 'RuntimeError: reporting broke' in tracked['warnings'][0]
    assert backend.task is None  # nothing more is sent
    backend.close()
    assert tracked['task'].closed  # the task is still closed (offline zip written)


def test_start_failure_is_one_warning_and_everything_is_a_no_op(monkeypatch, tracked, cfg):
    def broken_start(*args, **kwargs):
        raise ImportError('No module named clearml')

    monkeypatch.setattr(clearml_backend, 'start_task', broken_start)
    backend = tracked['backend']
    backend.add_config(cfg)
    backend.add_scalars({'loss': 1.0}, step=1)
    backend.close()
    assert len(tracked['warnings']) == 1 and 'ImportError' in tracked['warnings'][0]
    assert tracked['task'].logger.calls == []


def test_keyboard_interrupt_during_start_is_not_swallowed(monkeypatch, tracked):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(clearml_backend, 'start_task', interrupted)
    with pytest.raises(KeyboardInterrupt):
        tracked['backend'].add_scalars({'loss': 1.0})


def test_off_mode_never_starts_a_task(monkeypatch, tracked, cfg):
    monkeypatch.setenv('PETSEG_CLEARML', 'off')
    backend = tracked['backend']
    backend.add_config(cfg)
    backend.add_scalars({'loss': 1.0}, step=1)
    assert tracked['starts'] == [] and backend.mode == 'off'


def test_only_rank_zero_starts_a_task(monkeypatch, tracked):
    monkeypatch.setattr(clearml_backend, 'get_rank', lambda: 1)
    tracked['backend'].add_scalars({'loss': 1.0}, step=1)
    assert tracked['starts'] == []


def test_clearml_not_importable_is_one_warning(monkeypatch, tracked, cfg):
    from practicum_work.tracking import task as clearml_task

    monkeypatch.setattr(clearml_backend, 'start_task', clearml_task.start_task)  # the real one
    monkeypatch.setitem(sys.modules, 'clearml', None)  # import clearml -> ImportError
    backend = tracked['backend']
    backend.add_config(cfg)
    backend.add_scalars({'loss': 1.0}, step=1)
    backend.close()
    assert len(tracked['warnings']) == 1
    assert tracked['warnings'][0].startswith('ClearML start failed (ModuleNotFoundError')


def test_test_metrics_become_a_table_and_single_values(tracked):
    metrics = {'mDice': 80.0, 'aAcc': 95.0, 'IoU.cat': 60.0, 'Dice.cat': 75.0, 'IoU.dog': 50.0}
    metrics['Dice.dog'] = float('nan')
    tracked['backend'].report_test_metrics(metrics, '/w/best_mDice_iter_4000.pth')
    calls = tracked['task'].logger.calls
    singles = {c['name']: c['value'] for k, c in calls if k == 'single'}
    assert singles == {'test mDice': 80.0, 'test aAcc': 95.0}
    (table,) = [c for k, c in calls if k == 'table']
    assert table['series'] == 'best_mDice_iter_4000'
    assert table['table_plot'] == [['class', 'IoU', 'Dice'], ['cat', 60.0, 75.0], ['dog', 50.0, '']]


def test_offline_records_checkpoint_paths_without_registering_models(monkeypatch, tracked):
    class NoOutputModel:
        def __init__(self, **kwargs):
            raise AssertionError('OutputModel must not be used offline')

    monkeypatch.setitem(sys.modules, 'clearml', type('M', (), {'OutputModel': NoOutputModel}))
    tracked['backend'].register_checkpoints({'best': '/w/best.pth', 'last': None}, iteration=4)
    assert tracked['task'].configurations['checkpoints'] == {'best': '/w/best.pth'}
    assert tracked['warnings'] == []


def test_online_registers_the_best_checkpoint_without_deleting_it(
    monkeypatch, tracked, tmp_path, cfg
):
    created = []

    class FakeOutputModel:
        def __init__(self, **kwargs):
            self.init = kwargs
            created.append(self)

        def update_weights(self, **kwargs):
            self.weights = kwargs

    monkeypatch.setitem(sys.modules, 'clearml', type('M', (), {'OutputModel': FakeOutputModel}))
    tracked['mode'] = 'online'
    best = tmp_path / 'best_mDice_iter_4.pth'
    best.write_bytes(b'weights')
    backend = tracked['backend']
    cfg.merge_from_dict({'clearml.output_uri': 's3://bucket/models'})
    backend.add_config(cfg)
    backend.register_checkpoints({'best': str(best)}, iteration=4)
    (model,) = created
    assert model.init['name'] == 'hyp2_segformer_b0_wce_20250101_120000 best'
    assert model.weights['upload_uri'] == 's3://bucket/models'
    assert model.init['framework'] == 'PyTorch' and model.init['tags'] == ['best']
    assert model.init['label_enumeration'] == {'background': 0, 'cat': 1, 'dog': 2}
    assert model.weights['weights_filename'] == str(best.resolve())
    assert model.weights['auto_delete_file'] is False and model.weights['iteration'] == 4
    assert best.is_file()


def test_close_copies_the_offline_zip_next_to_the_logs(monkeypatch, tracked, tmp_path):
    seen = {}

    def fake_close(handle, copy_zip_to=None):
        seen['dir'] = copy_zip_to
        handle.task.close()
        return copy_zip_to / 'clearml_offline-1.zip'

    monkeypatch.setattr(clearml_backend, 'close_task', fake_close)
    backend = tracked['backend']
    backend.add_scalars({'loss': 1.0})
    backend.close()
    backend.close()  # a second close is harmless
    assert seen['dir'] == tmp_path / 'work' / '20250101_120000'
    assert backend.offline_session == seen['dir'] / 'clearml_offline-1.zip'
    assert tracked['task'].closed


class ScriptTask(FakeTask):
    """FakeTask plus the script ClearML detected (``python -m practicum_work.train ARGS``)."""

    def __init__(self):
        super().__init__()
        self.data = SimpleNamespace(
            script=SimpleNamespace(entry_point='-m practicum_work.train c.py')
        )
        self.packages = None

    def set_packages(self, packages):
        self.packages = packages

    def set_script(self, entry_point=None):
        self.data.script.entry_point = entry_point


def test_a_run_of_the_command_line_records_what_a_clearml_agent_needs(monkeypatch, tracked, cfg):
    tracked['task'] = ScriptTask()
    monkeypatch.setattr(agent, '_recorded_arguments', {'config': 'c.py', 'cfg_options': 'a=1'})
    tracked['backend'].add_config(cfg)
    task = tracked['task']
    assert tracked['warnings'] == []
    assert task.connected['Args'] == {'config': 'c.py', 'cfg_options': 'a=1'}
    assert task.configurations['config_recorded'] == task.configurations['config']
    assert task.packages == str(REPO_ROOT / 'requirements.txt')
    assert task.data.script.entry_point == '-m practicum_work.train'  # the arguments are in Args


def test_under_a_clearml_agent_the_record_of_the_cloned_run_is_left_alone(
    monkeypatch, tracked, cfg
):
    tracked['task'] = ScriptTask()
    monkeypatch.setattr(agent, '_recorded_arguments', {'config': 'c.py'})
    monkeypatch.setattr(clearml_backend, 'under_agent', lambda: True)
    tracked['backend'].add_config(cfg)
    task = tracked['task']
    assert 'Args' not in task.connected and 'config_recorded' not in task.configurations
    assert task.packages is None and 'petseg' in task.connected
