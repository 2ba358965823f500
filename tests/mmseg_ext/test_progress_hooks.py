"""Progress for every run (issue 22, item 5): log interval, console, speed warning.

The hooks run on stand-ins of MMEngine's Runner (the attributes they read); the end-to-end
console of a real run is checked in tests/tools/test_run_dirs.py.
"""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from mmengine.config import Config
from mmengine.logging import MessageHub
from mmseg.registry import HOOKS

from tests.conftest import REPO_ROOT


@pytest.mark.parametrize(('max_iters', 'interval'), [(4, 1), (10, 1), (300, 30), (4000, 50)])
def test_the_configs_log_about_ten_lines_per_run(max_iters, interval):
    cfg = Config.fromfile(str(REPO_ROOT / 'configs/hyp4_deeplabv3p_r50.py'))
    hook = HOOKS.build(cfg.default_hooks.logger)
    hook.before_train(SimpleNamespace(max_iters=max_iters))
    assert hook.interval == interval


def test_an_interval_given_by_the_config_or_options_is_kept():
    cfg = Config.fromfile(str(REPO_ROOT / 'configs/hyp1_segformer_b0.py'))
    cfg.merge_from_dict({'default_hooks.logger.interval': 7})
    hook = HOOKS.build(cfg.default_hooks.logger)
    hook.before_train(SimpleNamespace(max_iters=10))
    assert hook.interval == 7


def test_a_test_run_logs_about_ten_lines():
    hook = HOOKS.build(dict(type='AutoIntervalLoggerHook'))
    hook.before_test(SimpleNamespace(test_dataloader=list(range(298))))
    assert hook.interval == 29


class _Logger:
    def __init__(self):
        self.records: list[tuple[int, str]] = []

    def log(self, level, message):
        self.records.append((level, message))


def _runner(seconds: float, device: str = 'cpu', max_iters: int = 4000, crop=(256, 256)):
    import torch

    hub = MessageHub.get_instance(f'speed_{seconds}_{device}_{max_iters}')
    hub.update_scalar('train/time', seconds)
    pipeline = [dict(type='LoadImageFromFile'), dict(type='RandomCrop', crop_size=crop)]
    model = SimpleNamespace(parameters=lambda: iter([torch.zeros(1, device='cpu')]))
    runner = SimpleNamespace(
        iter=0, max_iters=max_iters, message_hub=hub, logger=_Logger(),
        train_dataloader=SimpleNamespace(batch_size=4), model=model,
        cfg=dict(train_dataloader=dict(dataset=dict(pipeline=pipeline))),
    )  # fmt: skip
    if device != 'cpu':
        runner.model = SimpleNamespace(
            parameters=lambda: iter([SimpleNamespace(device=SimpleNamespace(type=device))])
        )
    return runner


def _train(hook, runner, iterations: int) -> None:
    hook.before_train(runner)
    for _ in range(iterations):
        hook.after_train_iter(runner, 0)
        runner.iter += 1


def test_a_model_far_too_slow_for_the_cpu_says_so_at_start():
    hook = HOOKS.build(dict(type='SpeedCheckHook'))
    runner = _runner(6.1)  # DeepLabV3+ R50 on the 2-core CPU, batch 4, 256 px (STACK.md)
    _train(hook, runner, 3)
    ((level, message),) = runner.logger.records  # once, after iteration 2
    assert level == logging.WARNING
    assert message.startswith(
        'speed: 6.10 s/iter on cpu (measured: train iteration 2, batch 4, crop 256x256); '
        '3998 more iterations ~6 h 46 min + validation. Far too slow for this cpu: '
    )
    assert 'GPU' in message and "README's CPU recipe" in message


def test_a_fast_run_reports_its_speed_without_a_warning():
    hook = HOOKS.build(dict(type='SpeedCheckHook'))
    runner = _runner(0.4, max_iters=300)
    _train(hook, runner, 5)
    ((level, message),) = runner.logger.records
    assert level == logging.INFO and 'Far too slow' not in message
    assert '0.40 s/iter on cpu' in message and '298 more iterations ~2 min' in message


def test_a_long_schedule_on_the_cpu_warns_and_a_gpu_never_does():
    hook = HOOKS.build(dict(type='SpeedCheckHook'))
    runner = _runner(1.0, max_iters=40000)  # 1 s/iter but 11 h
    _train(hook, runner, 2)
    assert runner.logger.records[0][0] == logging.WARNING
    gpu = _runner(6.0, device='cuda')
    _train(HOOKS.build(dict(type='SpeedCheckHook')), gpu, 2)
    assert gpu.logger.records[0][0] == logging.INFO


def test_a_one_iteration_run_reports_its_only_iteration():
    runner = _runner(0.5, max_iters=1)
    _train(HOOKS.build(dict(type='SpeedCheckHook')), runner, 1)
    ((_, message),) = runner.logger.records
    assert 'train iteration 1' in message and 'more iterations' not in message


def test_the_console_gets_one_line_instead_of_the_startup_record(tmp_path, capsys):
    from mmengine.logging import MMLogger

    from practicum_work.mmseg_ext.runners.petseg_runner import quiet_console

    log_file = tmp_path / 'run.log'
    logger = MMLogger.get_instance('quiet_test', log_file=str(log_file), log_level='INFO')
    try:
        quiet_console(logger)
        logger.info('\n' + '-' * 60 + '\nSystem environment:\n    sys.platform: linux')
        logger.info('Config:\nmodel = dict()')
        logger.info('paramwise_options -- backbone.x:lr=6e-05')
        logger.info('Iter(train) [1/4]  lr: 6e-05')
        for handler in logger.handlers:
            handler.flush()
        console = capsys.readouterr().out
    finally:  # its console handler holds capsys' stream, closed after this test
        for handler in list(logger.handlers):
            logger.removeHandler(handler)
            handler.close()
        MMLogger._instance_dict.pop('quiet_test', None)
    assert 'Iter(train) [1/4]' in console
    assert 'System environment' not in console and 'Config:' not in console
    assert 'paramwise_options' not in console
    text = log_file.read_text()
    assert 'System environment' in text and 'Config:' in text and 'paramwise_options' in text
