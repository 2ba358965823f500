"""tools/train.py and tools/test.py with ClearML: offline sessions, failures, one task per run.

Every run has HOME (and so ~/.clearml and clearml.conf) in a temp folder and no server.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from practicum_work.core.config import cpu_quick_options
from tests.conftest import REPO_ROOT, clearml_env, run_tool

HYP1 = 'configs/hyp1_segformer_b0.py'
ITERS = 2

# Code run before tools/train.py in the same interpreter, to make ClearML fail on purpose.
FAULTS = {
    'init': (
        'import clearml\n'
        'def _boom(*args, **kwargs):\n'
        '    raise RuntimeError("injected: Task.init failed")\n'
        'clearml.Task.init = _boom\n'
    ),
    'report': (
        'import clearml\n'
        'def _boom(*args, **kwargs):\n'
        '    raise RuntimeError("injected: reporting failed")\n'
        'clearml.Logger.report_scalar = _boom\n'
        'clearml.Logger.report_image = _boom\n'
    ),
    'import': 'import sys\nsys.modules["clearml"] = None  # import clearml -> ImportError\n',
}


def _options(data_root: Path) -> list[str]:
    opts = cpu_quick_options(
        REPO_ROOT / HYP1, ITERS, val_interval=ITERS, crop=64, batch_size=2, workers=0, eval_scale=64
    )
    opts['data_root'] = str(data_root)
    opts['default_hooks.logger.interval'] = 1
    args = []
    for key, value in opts.items():
        if isinstance(value, tuple):
            value = '(' + ','.join(map(str, value)) + ')'
        args.append(f'{key}={value}')
    return ['--cfg-options', *args]


def _train(work_dir: Path, data_root: Path, env: dict[str, str], fault: str | None = None):
    argv = ['tools/train.py', HYP1, '--work-dir', str(work_dir), *_options(data_root)]
    if fault is None:
        result = run_tool(*argv, env=env)
    else:
        code = (
            FAULTS[fault] + 'import runpy, sys\n'
            f'sys.argv = {argv!r}\n'
            'runpy.run_path("tools/train.py", run_name="__main__")\n'
        )
        result = run_tool('-c', code, env=env)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


def _metrics(work_dir: Path) -> dict:
    record = json.loads((work_dir / f'metrics_val_iter_{ITERS}.json').read_text())
    record.pop('experiment')  # holds the run's timestamp
    return record


def _session(work_dir: Path) -> Path:
    (path,) = work_dir.glob('*/clearml_offline-*.zip')
    return path


def _read_session(path: Path) -> tuple[dict, list[dict], list[str]]:
    with zipfile.ZipFile(path) as archive:
        task = json.loads(archive.read('task.json'))
        events = [
            e for line in archive.read('metrics.jsonl').splitlines() for e in json.loads(line)
        ]
        return task, events, archive.namelist()


def _warnings(result) -> list[str]:
    output = result.stdout + result.stderr
    return [line for line in output.splitlines() if 'WARNING - ClearML' in line]


@pytest.fixture(scope='module')
def off_run(tiny_dataset, tmp_path_factory) -> Path:
    work_dir = tmp_path_factory.mktemp('off')
    result = _train(work_dir, tiny_dataset, clearml_env(work_dir / 'home', mode='off'))
    assert 'ClearML off (PETSEG_CLEARML=off)' in result.stdout + result.stderr
    assert not list(work_dir.rglob('clearml_offline-*.zip'))
    return work_dir


@pytest.fixture(scope='module')
def offline_runs(tiny_dataset, tmp_path_factory) -> dict:
    """Two training runs of hyp1 (auto mode without a server, then offline) and one test run."""
    root = tmp_path_factory.mktemp('tracked')
    home = root / 'home'
    runs = {'home': home}
    first = _train(root / 'first', tiny_dataset, clearml_env(home, mode='auto'))
    runs['first_result'] = first
    _train(root / 'second', tiny_dataset, clearml_env(home, mode='offline'))
    runs['first'], runs['second'] = root / 'first', root / 'second'
    (best,) = (root / 'first').glob('best_mDice_iter_*.pth')
    test_dir = root / 'test'
    test = run_tool(
        'tools/test.py', HYP1, str(best), '--work-dir', str(test_dir), *_options(tiny_dataset),
        env=clearml_env(home, mode='offline'),
    )  # fmt: skip
    assert test.returncode == 0, test.stderr[-3000:]
    runs['test'], runs['best'] = test_dir, best
    return runs


@pytest.mark.slow
def test_offline_session_holds_config_hyperparameters_scalars_and_samples(offline_runs, off_run):
    first = offline_runs['first']
    # auto without a server: offline, one warning line
    (warning,) = _warnings(offline_runs['first_result'])
    assert 'no server configured' in warning and 'petseg clearml-import' in warning
    task, events, names = _read_session(_session(first))
    assert task['name'].startswith('hyp1_segformer_b0_') and task['type'] == 'training'
    assert {'hyp1', 'MixVisionTransformer+SegformerHead', 'pets_tiny'} <= set(task['tags'])
    params = {k: v['value'] for k, v in task['hyperparams']['petseg'].items()}
    assert params['loss.decode'] == 'WeightedCrossEntropyLoss x1.0 + SoftmaxDiceLoss x1.0'
    assert (params['optimizer'], params['data.batch_size'], params['data.crop']) == (
        'AdamW',
        '2',
        '64x64',
    )
    assert params['schedule.max_iters'] == str(ITERS) and params['seed'] == '0'
    assert len(params['git_commit'].split('-')[0]) == 40
    config = task['configuration']['config']['value']
    assert "type='PetSegDataset'" in config and "type='SoftmaxDiceLoss'" in config
    checkpoints = task['configuration']['checkpoints']['value']
    assert str(offline_runs['best'].resolve()) in checkpoints  # the path, not the weights
    assert not any(n.endswith('.pth') for n in names)

    scalars = {(e['metric'], e['variant']) for e in events if e['type'] == 'training_stats_scalar'}
    assert {('train loss', 'loss'), ('train loss', 'decode.loss_ce')} <= scalars
    assert {('train loss', 'decode.loss_dice'), ('train lr', 'lr')} <= scalars
    assert {('val metrics', 'mDice'), ('val metrics', 'mIoU'), ('val metrics', 'aAcc')} <= scalars
    for metric in ('IoU', 'Dice'):
        classes = {v for t, v in scalars if t == f'val per-class {metric}'}
        assert classes == {'background', 'cat', 'dog'}
    val_iters = {e['iter'] for e in events if e['metric'] == 'val metrics'}
    assert val_iters == {ITERS}  # the iteration is the x axis
    samples = [e for e in events if e['type'] == 'training_debug_image']
    assert samples and {e['metric'] for e in samples} == {'val samples'}
    assert any('val samples' in n and n.endswith(('.jpeg', '.png')) for n in names)
    # LocalVisBackend got the same panels
    assert list(first.glob('*/vis_data/vis_image/val_sample_*.png'))
    # the session also sits in the (temp) home's ClearML cache, not in the real home
    assert (offline_runs['home'] / '.clearml/cache/offline' / _session(first).name[8:]).is_file()
    # tracking does not change training
    assert _metrics(first) == _metrics(off_run)


@pytest.mark.slow
def test_two_runs_of_one_config_are_two_tasks(offline_runs):
    first, _, _ = _read_session(_session(offline_runs['first']))
    second, _, _ = _read_session(_session(offline_runs['second']))
    assert first['id'] != second['id'] and first['name'] != second['name']
    zips = sorted((offline_runs['home'] / '.clearml/cache/offline').glob('*.zip'))
    assert len(zips) == 3  # two training runs and one test run


@pytest.mark.slow
def test_test_tool_reports_the_final_metrics_table(offline_runs):
    task, events, _ = _read_session(_session(offline_runs['test']))
    assert task['type'] == 'testing' and '_test_' in task['name'] and 'test' in task['tags']
    (table,) = [e for e in events if e['type'] == 'plot']
    assert table['metric'] == 'test per-class metrics'
    assert table['variant'] == offline_runs['best'].stem
    for name in ('background', 'cat', 'dog', 'IoU', 'Dice'):
        assert name in table['plot_str']
    singles = {e['variant']: e['value'] for e in events if e['metric'] == 'Summary'}
    written = json.loads(next(offline_runs['test'].glob('metrics_test_*.json')).read_text())
    assert singles['test mDice'] == pytest.approx(written['summary']['mDice'], abs=0.01)


@pytest.mark.slow
@pytest.mark.parametrize('fault', sorted(FAULTS))
def test_clearml_failure_is_one_warning_and_the_same_run(fault, off_run, tiny_dataset, tmp_path):
    work_dir = tmp_path / fault
    result = _train(work_dir, tiny_dataset, clearml_env(tmp_path / 'home', mode='offline'), fault)
    warnings = _warnings(result)
    assert len(warnings) == 1, warnings
    assert 'failed' in warnings[0] and 'local logging goes on' in warnings[0]
    assert _metrics(work_dir) == _metrics(off_run)
    assert list(work_dir.glob('best_mDice_iter_*.pth'))
    assert list(work_dir.glob('*/vis_data/vis_image/val_sample_*.png'))
