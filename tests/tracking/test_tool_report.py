"""report_tool_run: the data tools' ClearML helper follows the training mode rules."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest

from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.tracking import task as clearml_task
from practicum_work.tracking.task import TaskHandle
from practicum_work.tracking.tool_report import flat_scalars, report_tool_run
from tests.conftest import clearml_env, run_tool

REPORT = {'split': 'train', 'pairs': 200, 'shares': {'cat': 0.05, 'dog': 0.04}, 'ok': True}


class _Task:
    id = 'fake'

    def __init__(self, fail=False):
        self.fail, self.closed, self.sent = fail, False, []

    def connect_configuration(self, configuration, name=None, description=None):
        if self.fail:
            raise RuntimeError('server went away')
        self.sent.append(('configuration', name))

    def get_logger(self):
        return self

    def report_single_value(self, name, value):
        self.sent.append(('single', name, value))

    def report_image(self, **kwargs):
        self.sent.append(('image', kwargs['series']))

    def upload_artifact(self, name, artifact_object):
        self.sent.append(('artifact', name))

    def close(self):
        self.closed = True


def test_flat_scalars():
    assert flat_scalars(REPORT) == {'pairs': 200.0, 'shares.cat': 0.05, 'shares.dog': 0.04}


def test_off_touches_nothing(monkeypatch, tmp_path):
    monkeypatch.setattr(clearml_task, 'start_task', lambda *a, **k: pytest.fail('started'))
    record = report_tool_run('eda', tmp_path / 'not_even_read.json', mode='off')
    assert record.mode == 'off' and record.task_id is None


def test_bad_report_is_a_clear_error(tmp_path):
    with pytest.raises(DataLayoutError, match=r'missing\.json does not exist'):
        report_tool_run('eda', tmp_path / 'missing.json', mode='offline')
    (tmp_path / 'bad.json').write_text('[1, 2]')
    with pytest.raises(PetsegError, match='not an object'):
        report_tool_run('eda', tmp_path / 'bad.json', mode='offline')


def test_start_failure_is_one_warning_line(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError('no clearml today')

    monkeypatch.setattr(clearml_task, 'start_task', broken)
    record = report_tool_run('fix-labels', REPORT, mode='offline')
    assert record.mode == 'off' and 'no clearml today' in record.error
    warnings = [line for line in capsys.readouterr().err.splitlines() if 'warning' in line]
    assert len(warnings) == 1 and 'fix-labels ran without tracking' in warnings[0]


def test_reporting_failure_still_closes_the_task(monkeypatch, capsys):
    task = _Task(fail=True)
    monkeypatch.setattr(
        clearml_task, 'start_task', lambda *a, **k: TaskHandle(task, 'online', owned=True)
    )
    record = report_tool_run('eda', REPORT, mode='offline')
    assert record.error == 'server went away' and task.closed
    assert 'ClearML reporting failed' in capsys.readouterr().err


def test_report_images_and_numbers_are_sent(monkeypatch, tmp_path):
    task = _Task()
    monkeypatch.setattr(
        clearml_task, 'start_task', lambda *a, **k: TaskHandle(task, 'online', owned=True)
    )
    report = tmp_path / 'report.json'
    report.write_text(json.dumps(REPORT))
    images = [tmp_path / f'overlay_{i}.png' for i in range(3)]
    record = report_tool_run('eda', report, images=images, mode='offline', max_images=2)
    assert record.images_reported == 2 and record.error is None and task.closed
    assert ('configuration', 'report') in task.sent and ('artifact', 'report') in task.sent
    assert ('single', 'shares.cat', 0.05) in task.sent
    assert [s for s in task.sent if s[0] == 'image'] == [
        ('image', 'overlay_0'),
        ('image', 'overlay_1'),
    ]


def test_offline_tool_run_writes_a_session_zip(tmp_path):
    report = tmp_path / 'report.json'
    report.write_text(json.dumps(REPORT))
    image = tmp_path / 'overlay_train_0001.png'
    cv2.imwrite(str(image), np.full((16, 16, 3), 200, dtype=np.uint8))
    code = (
        # a ClearML hang fails the test in a minute, with the stacks, instead of blocking
        'import faulthandler; faulthandler.dump_traceback_later(60, exit=True)\n'
        'import json\n'
        'from practicum_work.tracking.tool_report import report_tool_run\n'
        f'r = report_tool_run("eda", {str(report)!r}, images=[{str(image)!r}])\n'
        'print(json.dumps(r.__dict__))\n'
    )
    result = run_tool('-c', code, env=clearml_env(tmp_path / 'home', mode='auto'))
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record['mode'] == 'offline' and record['images_reported'] == 1
    assert 'no server configured' in result.stderr
    with zipfile.ZipFile(record['offline_session']) as archive:
        names = archive.namelist()
        task = json.loads(archive.read('task.json'))
        events = [
            e for line in archive.read('metrics.jsonl').splitlines() for e in json.loads(line)
        ]
    assert task['name'].startswith('eda_') and task['type'] == 'data_processing'
    assert 'pairs = 200' in task['configuration']['report']['value']
    singles = {e['variant'] for e in events if e['type'] == 'training_stats_scalar'}
    assert singles >= {'pairs', 'shares.cat', 'shares.dog'}
    assert any('overlay_train_0001' in n for n in names)  # the debug image
    assert any(n.startswith('data/') and 'report' in n for n in names)  # the artifact file
    # next to the report, as training keeps its zip next to the run (not only in the cache)
    zip_path = Path(record['offline_session'])
    assert zip_path.parent == tmp_path and zip_path.name.startswith('clearml_')


def test_a_master_process_marker_inherited_from_another_run_is_not_a_silent_stub(tmp_path):
    # clearml marks its tracked process as CLEARML_PROC_MASTER_ID=<pid>:<task>; a process
    # started from it (petseg demo -> tools/train.py) used to get a stub task recording nothing
    report = tmp_path / 'report.json'
    report.write_text(json.dumps(REPORT))
    code = (
        'import faulthandler; faulthandler.dump_traceback_later(60, exit=True)\n'
        'import json\n'
        'from practicum_work.tracking.tool_report import report_tool_run\n'
        f'r = report_tool_run("eda", {str(report)!r})\n'
        'print(json.dumps(r.__dict__))\n'
    )
    env = clearml_env(tmp_path / 'home', mode='offline', CLEARML_PROC_MASTER_ID='1:offline-abc')
    result = run_tool('-c', code, env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads(result.stdout.strip().splitlines()[-1])
    assert record['mode'] == 'offline', record
    assert record['offline_session'] and Path(record['offline_session']).is_file()


def test_the_offline_zip_is_copied_next_to_the_report_file(monkeypatch, tmp_path):
    task, asked = _Task(), []

    def close(handle, copy_zip_to=None):
        asked.append(copy_zip_to)
        return None

    monkeypatch.setattr(
        clearml_task, 'start_task', lambda *a, **k: TaskHandle(task, 'offline', owned=True)
    )
    monkeypatch.setattr(clearml_task, 'close_task', close)
    report = tmp_path / 'eda' / 'report.json'
    report.parent.mkdir()
    report.write_text(json.dumps(REPORT))
    report_tool_run('eda', report, mode='offline')
    report_tool_run('eda', REPORT, mode='offline')  # a report given as data: no folder
    assert asked == [report.parent, None]
