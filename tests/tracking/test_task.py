"""Starting a task safely, reachability, offline-session checks and import."""

from __future__ import annotations

import http.server
import signal
import threading
import zipfile

import pytest
from clearml import Task

from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.tracking import task as clearml_task
from practicum_work.tracking.mode import ModeDecision
from practicum_work.tracking.task import (
    check_offline_session,
    import_offline_session,
    server_reachable,
    start_task,
)

SERVER_ENV = {'CLEARML_API_ACCESS_KEY': 'k', 'CLEARML_API_SECRET_KEY': 's'}


def _session_zip(path, with_task_json=True):
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('task.json' if with_task_json else 'other.json', '{}')
        archive.writestr('metrics.jsonl', '')
    return path


class _FakeTaskApi:
    """Records the class-level calls start_task makes on clearml.Task."""

    def __init__(self, monkeypatch, current=None):
        self.calls: list[tuple] = []
        self.current = current
        monkeypatch.setattr(Task, 'current_task', classmethod(lambda cls: self.current))
        monkeypatch.setattr(Task, 'is_offline', classmethod(lambda cls: True))
        monkeypatch.setattr(
            Task, 'set_offline', classmethod(lambda cls, v: self.calls.append(('offline', v)))
        )
        monkeypatch.setattr(
            Task, 'set_random_seed', classmethod(lambda cls, s: self.calls.append(('seed', s)))
        )
        monkeypatch.setattr(Task, 'init', classmethod(self._init))

    def _init(self, cls, **kwargs):
        self.calls.append(('init', kwargs))
        return 'new-task'


def test_start_task_new_task_per_run_without_reseeding_or_framework_patches(monkeypatch):
    api = _FakeTaskApi(monkeypatch)
    handle = start_task(ModeDecision('offline', 'test'), 'petseg', 'hyp1_x', tags=['hyp1'])
    assert handle.task == 'new-task' and handle.owned and handle.mode == 'offline'
    assert ('offline', True) in api.calls and ('seed', None) in api.calls
    kwargs = api.calls[-1][1]
    assert kwargs['reuse_last_task_id'] is False
    assert kwargs['auto_connect_frameworks'] is False
    assert kwargs['auto_connect_arg_parser'] is False  # petseg records its own Args
    assert (kwargs['project_name'], kwargs['task_name'], kwargs['tags']) == (
        'petseg',
        'hyp1_x',
        ['hyp1'],
    )
    # the seed is switched off before Task.init runs
    assert api.calls.index(('seed', None)) < len(api.calls) - 1


def test_start_task_reuses_an_open_task_and_does_not_own_it(monkeypatch):
    api = _FakeTaskApi(monkeypatch, current='someone-elses-task')
    handle = start_task(ModeDecision('online', 'test', api_host='http://x'), 'p', 'n')
    assert handle.task == 'someone-elses-task' and not handle.owned
    assert not any(call[0] == 'init' for call in api.calls)


def test_start_task_online_with_unreachable_host_goes_offline_with_warning(monkeypatch):
    api = _FakeTaskApi(monkeypatch)
    monkeypatch.setattr(clearml_task, 'server_reachable', lambda host: False)
    handle = start_task(ModeDecision('online', 'test', api_host='http://down:8008'), 'p', 'n')
    assert handle.mode == 'offline' and ('offline', True) in api.calls
    assert len(handle.warnings) == 1 and 'http://down:8008' in handle.warnings[0]


def test_close_task_leaves_a_borrowed_task_open():
    closed = []

    class Borrowed:
        def close(self):
            closed.append(True)

    handle = clearml_task.TaskHandle(Borrowed(), 'online', owned=False)
    assert clearml_task.close_task(handle) is None and not closed


def test_server_reachable_any_http_answer_counts():
    class NotFound(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(404)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(('127.0.0.1', 0), NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        assert server_reachable(f'http://127.0.0.1:{server.server_port}', timeout=5)
    finally:
        server.shutdown()
    port = server.server_port  # closed now: connection refused
    assert not server_reachable(f'http://127.0.0.1:{port}', timeout=2)


def test_check_offline_session(tmp_path):
    with pytest.raises(DataLayoutError, match=r'missing\.zip does not exist'):
        check_offline_session(tmp_path / 'missing.zip')
    (tmp_path / 'text.zip').write_text('not a zip')
    with pytest.raises(PetsegError, match='not a zip file'):
        check_offline_session(tmp_path / 'text.zip')
    with pytest.raises(PetsegError, match=r'no task\.json'):
        check_offline_session(_session_zip(tmp_path / 'other.zip', with_task_json=False))
    good = _session_zip(tmp_path / 'good.zip')
    assert check_offline_session(good) == good


def test_import_without_server_is_a_clear_error(tmp_path, monkeypatch):
    called = []
    monkeypatch.setattr(Task, 'import_offline_session', classmethod(lambda c, p: called.append(p)))
    with pytest.raises(PetsegError, match='no ClearML server configured') as err:
        import_offline_session(_session_zip(tmp_path / 's.zip'), env={'HOME': str(tmp_path)})
    assert 'clearml-init' in str(err.value) and '\n' not in str(err.value)
    assert not called


def test_import_with_server_uploads_the_session(tmp_path, monkeypatch):
    called = []

    def fake_import(cls, path):
        called.append(path)
        return 'task-123'

    monkeypatch.setattr(Task, 'set_offline', classmethod(lambda cls, v: None))
    monkeypatch.setattr(Task, 'import_offline_session', classmethod(fake_import))
    session = _session_zip(tmp_path / 's.zip')
    env = {'HOME': str(tmp_path), **SERVER_ENV}
    assert import_offline_session(session, env=env) == 'task-123'
    assert called == [str(session)]


def test_import_failure_is_one_line_naming_the_session(tmp_path, monkeypatch):
    def broken(cls, path):
        raise ConnectionError('server said no')

    monkeypatch.setattr(Task, 'set_offline', classmethod(lambda cls, v: None))
    monkeypatch.setattr(Task, 'import_offline_session', classmethod(broken))
    session = _session_zip(tmp_path / 's.zip')
    with pytest.raises(PetsegError, match=r's\.zip into https://api\.clear\.ml failed'):
        import_offline_session(session, env={'HOME': str(tmp_path), **SERVER_ENV})


def _swallow(signum, frame):  # what clearml's hook amounts to when the original was SIG_DFL
    return signal.SIG_DFL


def test_sigterm_stops_the_run_again_after_task_init(monkeypatch):
    api = _FakeTaskApi(monkeypatch)
    init = api._init

    def init_installing_hook(cls, **kwargs):
        signal.signal(signal.SIGTERM, _swallow)
        return init(cls, **kwargs)

    monkeypatch.setattr(Task, 'init', classmethod(init_installing_hook))
    previous = signal.signal(signal.SIGTERM, signal.SIG_DFL)
    try:
        start_task(ModeDecision('offline', 'test'), 'p', 'n')
        handler = signal.getsignal(signal.SIGTERM)
        assert handler is clearml_task._exit_on_sigterm
        with pytest.raises(SystemExit) as exit_info:
            handler(signal.SIGTERM, None)
        assert exit_info.value.code == 143
        assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # a second TERM kills at once
        # a handler the user installed before is left to clearml's hook (which calls it)
        signal.signal(signal.SIGTERM, lambda s, f: None)
        start_task(ModeDecision('offline', 'test'), 'p', 'n')
        assert signal.getsignal(signal.SIGTERM) is _swallow
    finally:
        signal.signal(signal.SIGTERM, previous)
