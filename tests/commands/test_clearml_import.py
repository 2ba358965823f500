"""``petseg clearml-import``: one clear line without a server, the task id with one."""

from __future__ import annotations

import zipfile

from clearml import Task

from practicum_work.cli import main


def _session(path):
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('task.json', '{}')
    return path


def test_without_server_prints_one_line_and_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv('HOME', str(tmp_path))
    monkeypatch.setenv('CLEARML_CONFIG_FILE', str(tmp_path / 'clearml.conf'))
    assert main(['clearml-import', str(_session(tmp_path / 'offline-1.zip'))]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith('petseg clearml-import: error: no ClearML server')


def test_missing_file_is_checked_before_any_upload(tmp_path, monkeypatch, capsys):
    uploads = []
    monkeypatch.setattr(Task, 'import_offline_session', classmethod(lambda c, p: uploads.append(p)))
    monkeypatch.setenv('CLEARML_API_ACCESS_KEY', 'k')
    monkeypatch.setenv('CLEARML_API_SECRET_KEY', 's')
    good = str(_session(tmp_path / 'offline-1.zip'))
    assert main(['clearml-import', good, str(tmp_path / 'offline-2.zip')]) == 2
    assert 'offline-2.zip does not exist' in capsys.readouterr().err and uploads == []


def test_with_server_imports_each_session(tmp_path, monkeypatch, capsys):
    uploads = []

    def fake_import(cls, path):
        uploads.append(path)
        return f'id-{len(uploads)}'

    monkeypatch.setattr(Task, 'set_offline', classmethod(lambda cls, v: None))
    monkeypatch.setattr(Task, 'import_offline_session', classmethod(fake_import))
    monkeypatch.setenv('CLEARML_API_ACCESS_KEY', 'k')
    monkeypatch.setenv('CLEARML_API_SECRET_KEY', 's')
    sessions = [str(_session(tmp_path / f'offline-{i}.zip')) for i in (1, 2)]
    assert main(['clearml-import', *sessions]) == 0
    assert uploads == sessions
    out = capsys.readouterr().out
    assert f'imported {sessions[1]} as ClearML task id-2' in out
