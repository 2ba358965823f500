"""Runs never mix and results stay with their run (issue 22, item 3).

The README's statements are read back here: tools/test.py and best-worst write into the
checkpoint's folder unless told otherwise, compare finds them there, a second training into a
work dir that holds a run is refused unless ``--resume`` or ``--overwrite``, and
``--overwrite`` moves the earlier run to ``previous_runs/<time>/``.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from practicum_work.analysis.compare import summarise_experiment
from practicum_work.cli import main
from practicum_work.core.config import cpu_quick_options
from practicum_work.core.tool_runner import cfg_option_args
from tests.conftest import HYP1, REPO_ROOT, quick_cfg_options, run_tool

RUN_FILES = ['20260101_100000/', 'iter_2.pth', 'last_checkpoint', 'metrics_val_iter_2.json']


def _fake_run(work_dir: Path) -> list[str]:
    """A work dir as an earlier training left it (plus files that are not a run)."""
    (work_dir / '20260101_100000').mkdir(parents=True)
    (work_dir / '20260101_100000' / '20260101_100000.log').write_text('log\n')
    for name in ('iter_2.pth', 'last_checkpoint', 'metrics_val_iter_2.json'):
        (work_dir / name).write_text('x')
    (work_dir / 'config.py').write_text('# placed there by the user, not a run\n')
    (work_dir / 'train.log').write_text('a wrapper log, not a run\n')
    return sorted(p.name for p in work_dir.rglob('*'))


def test_what_counts_as_an_earlier_run(tmp_path):
    from practicum_work.core.run_dir import RunExistsError, check_new_run, earlier_run_files

    _fake_run(tmp_path)
    assert [p.name for p in earlier_run_files(tmp_path)] == [n.rstrip('/') for n in RUN_FILES]
    assert earlier_run_files(tmp_path / 'nowhere') == []
    with pytest.raises(RunExistsError, match='already holds a run'):
        check_new_run(tmp_path, resume=False, overwrite=False)
    assert check_new_run(tmp_path, resume=True, overwrite=False) == []  # its own files
    assert len(check_new_run(tmp_path, resume=False, overwrite=True)) == 4


def test_second_training_into_a_run_is_refused_before_anything_is_written(tiny_dataset, tmp_path):
    before = _fake_run(tmp_path)
    result = run_tool(
        'tools/train.py', HYP1, '--work-dir', str(tmp_path), *quick_cfg_options(tiny_dataset, 1)
    )
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(f'train.py: error: {tmp_path} already holds a run (')
    assert '--resume' in error and '--overwrite' in error and 'previous_runs' in error
    assert sorted(p.name for p in tmp_path.rglob('*')) == before


def _short_options(data_root: Path, iters: int) -> list[str]:
    """The CPU recipe at 64 px, but with the logger interval the schedule gives."""
    options = cpu_quick_options(
        REPO_ROOT / HYP1, iters, val_interval=iters, crop=64, batch_size=2, workers=0,
        eval_scale=64,
    )  # fmt: skip
    del options['default_hooks.logger.interval']
    options['data_root'] = str(data_root)
    return cfg_option_args(options)


@pytest.mark.slow
def test_overwrite_moves_the_earlier_run_aside_and_the_console_shows_progress(
    tiny_dataset, tmp_path
):
    work_dir = tmp_path / 'hyp1_clean'
    _fake_run(work_dir)
    result = run_tool(
        'tools/train.py', HYP1, '--work-dir', str(work_dir), '--overwrite',
        *_short_options(tiny_dataset, 4),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (moved,) = (work_dir / 'previous_runs').iterdir()
    assert sorted(p.name for p in moved.iterdir()) == [n.rstrip('/') for n in RUN_FILES]
    assert f'the earlier run of {work_dir} moved to {moved}' in result.stdout
    assert (work_dir / 'config.py').is_file() and (work_dir / 'train.log').is_file()  # kept
    assert (work_dir / 'iter_4.pth').is_file() and not (work_dir / 'iter_2.pth').exists()

    # progress: about ten log lines per run (here every iteration), the start-up record in
    # the log file only, and the measured speed
    console = result.stdout + result.stderr
    assert sum('Iter(train) [' in line for line in console.splitlines()) == 4
    assert 'System environment' not in console and 'Config:\n' not in console
    assert 'paramwise_options' not in console and 'Hooks will be executed' not in console
    (log,) = work_dir.glob('*/*.log')
    text = log.read_text()
    assert 'System environment' in text and 'Config:' in text and 'paramwise_options' in text
    assert f'environment, full config and hook order: in {log}' in console
    assert 's/iter on cpu (measured: train iteration 2, batch 2, crop 64x64)' in console

    summary = summarise_experiment(work_dir)
    assert summary.notes == [] and summary.best_iter == 4  # the new run alone


@pytest.mark.slow
def test_results_stay_with_their_run_as_the_readme_says(hyp1_run, tiny_dataset, tmp_path, capsys):
    run = tmp_path / 'work_dirs' / 'hyp1_clean'  # trained with --work-dir, as the CPU recipe
    shutil.copytree(hyp1_run, run)
    config_copy = (run / 'hyp1_segformer_b0.py').read_text()
    default_dir = REPO_ROOT / 'work_dirs' / 'hyp1_segformer_b0'
    before = sorted(default_dir.rglob('*')) if default_dir.exists() else []

    # tools/test.py CONFIG CKPT: metrics beside the checkpoint
    result = run_tool('tools/test.py', HYP1, str(run / 'iter_4.pth'),
                      *quick_cfg_options(tiny_dataset, 4))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads((run / 'metrics_test_iter_4.json').read_text())
    assert record['checkpoint'] == str(run / 'iter_4.pth')
    assert (run / 'per_image_test_iter_4.json').is_file()
    assert (run / 'hyp1_segformer_b0.py').read_text() == config_copy  # training's config kept
    assert (sorted(default_dir.rglob('*')) if default_dir.exists() else []) == before

    # --split val: the val images, beside the training's own val record (never replacing it)
    val = run_tool('tools/test.py', HYP1, str(run / 'iter_4.pth'), '--split', 'val',
                   *quick_cfg_options(tiny_dataset, 4))  # fmt: skip
    assert val.returncode == 0, val.stderr[-3000:]
    assert json.loads((run / 'metrics_val_iter_4_test.json').read_text())['split'] == 'val'
    assert json.loads((run / 'metrics_val_iter_4.json').read_text())['kind'] == 'validation'

    # the same run trained again without a flag: refused, the results stay
    again = run_tool('tools/train.py', HYP1, '--work-dir', str(run),
                     *quick_cfg_options(tiny_dataset, 2))  # fmt: skip
    assert again.returncode == 2 and 'already holds a run' in again.stderr
    assert (run / 'metrics_test_iter_4.json').is_file()

    # petseg best-worst: <checkpoint's folder>/best_worst, the run named in the matrix title
    assert main([
        'best-worst', '--config', HYP1, '--checkpoint', str(run / 'iter_4.pth'),
        '--data-root', str(tiny_dataset), '--workers', '0', '--k', '1',
        '--cfg-options', 'test_dataloader.dataset.pipeline.1.scale=(64,64)',
    ]) == 0  # fmt: skip
    confusion = json.loads((run / 'best_worst' / 'confusion_matrix.json').read_text())
    assert confusion['title'] == 'hyp1_clean (iter_4) on test'

    # petseg compare reads the run's own files: the test column is filled
    capsys.readouterr()
    assert main(['compare', str(run), '--out', str(tmp_path / 'compare')]) == 0
    (exp,) = json.loads((tmp_path / 'compare' / 'compare.json').read_text())['experiments']
    assert exp['test']['summary']['mDice'] == record['summary']['mDice']
    assert 'hyp1_clean' in capsys.readouterr().out
