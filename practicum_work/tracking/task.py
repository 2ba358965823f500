"""Start and close a ClearML task so that tracking can never stop a run.

Used by the MMEngine visualisation backend and by :mod:`practicum_work.tracking.tool_report`. Every
function here either succeeds or raises; callers turn exceptions into one warning line.
Works around upstream behaviour (README "Known upstream issues"): ``Task.init`` reseeds
every RNG (``Task.set_random_seed(None)`` first), reuses the last task of the same name
(``reuse_last_task_id=False``), patches ``torch.save`` and matplotlib
(``auto_connect_frameworks=False``), records the arguments of whatever parser ran after clearml
was imported (``auto_connect_arg_parser=False``: petseg records its own command line, see
:mod:`practicum_work.tracking.agent`), a second ``Task.init`` in one process raises (an open
task is reused instead), the forked reporting subprocess can hang ``Task.close`` (reporting
runs in threads instead), its signal hook swallows SIGTERM (the default is restored), and a
``CLEARML_PROC_MASTER_ID`` inherited from another tracked process makes ``Task.init`` return a
silent do-nothing stub (the inherited value is dropped: every petseg run is its own task).
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import urllib.error
import urllib.request
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.tracking.mode import (
    IMPORT_HINT,
    ModeDecision,
    configured_server,
    forget_inherited_master_process,
)

PING_TIMEOUT_S = 5.0


@dataclass
class TaskHandle:
    """An open ClearML task and how this process got it."""

    task: Any
    mode: str  # 'online' | 'offline'
    owned: bool  # created here (and closed here), not a task someone else opened
    warnings: list[str] = field(default_factory=list)


def server_reachable(api_host: str, timeout: float = PING_TIMEOUT_S) -> bool:
    """Whether ``<api_host>/debug.ping`` answers at all (any HTTP status counts)."""
    try:
        with urllib.request.urlopen(f'{api_host.rstrip("/")}/debug.ping', timeout=timeout):
            return True
    except urllib.error.HTTPError:
        return True
    except (OSError, ValueError):
        return False


def start_task(
    decision: ModeDecision,
    project: str,
    task_name: str,
    task_type: str = 'training',
    tags: list[str] | None = None,
    output_uri: str | bool | None = None,
    init_kwargs: dict | None = None,
) -> TaskHandle:
    """``Task.init`` in ``decision.mode`` (online falls back to offline if the host is down).

    An already open task of this process (e.g. a script that called ``Task.init`` itself, or
    a ClearML Agent run) is reused and left open. Raises whatever clearml raises.
    """
    forget_inherited_master_process()  # before clearml's first import, which reads it
    from clearml import Task

    warnings: list[str] = []
    current = Task.current_task()
    if current is not None:
        mode = 'offline' if Task.is_offline() else 'online'
        return TaskHandle(current, mode, owned=False)

    mode = decision.mode
    if mode == 'online' and decision.api_host and not server_reachable(decision.api_host):
        warnings.append(
            f'ClearML: server {decision.api_host} did not answer; tracking offline, {IMPORT_HINT}'
        )
        mode = 'offline'
    Task.set_offline(mode == 'offline')
    Task.set_random_seed(None)  # Task.init would reseed every RNG (default seed 1337)
    # clearml reports through an os.fork()ed subprocess by default on Linux; forked beside
    # running threads it can deadlock, and Task.close() then waits for it forever (seen on
    # these machines in about 1 of 4 short runs). Report from threads of this process instead.
    Task._report_subprocess_enabled = False
    kwargs: dict[str, Any] = dict(
        project_name=project,
        task_name=task_name,
        task_type=Task.TaskTypes[task_type],
        tags=list(tags or []),
        reuse_last_task_id=False,
        output_uri=output_uri,
        auto_connect_frameworks=False,
        # petseg records its own command line as Args (tracking.agent): ClearML's binding
        # would add any parser this process ran after importing clearml (a test runner's).
        auto_connect_arg_parser=False,
    )
    kwargs.update(init_kwargs or {})
    sigterm = _main_thread_sigterm_handler()
    task = Task.init(**kwargs)
    if type(task).__name__ == 'StubObject':
        raise PetsegError(
            'ClearML: Task.init returned a placeholder task; nothing would be recorded'
        )
    if sigterm in (signal.SIG_DFL, None):
        _restore_sigterm()
    return TaskHandle(task, mode, owned=True, warnings=warnings)


def _main_thread_sigterm_handler() -> Any:
    if threading.current_thread() is not threading.main_thread():
        return 'not the main thread'
    return signal.getsignal(signal.SIGTERM)


def _exit_on_sigterm(signum: int, frame: Any) -> None:
    """SIGTERM ends the run as it would without ClearML (exit 143); atexit closes the task."""
    signal.signal(signum, signal.SIG_DFL)
    raise SystemExit(128 + signum)


def _restore_sigterm() -> None:
    """Undo clearml's SIGTERM hook, which swallows the signal when Python's handler was SIG_DFL.

    (clearml 2.1.12 ``ExitHooks.signal_handler`` returns at once for a falsy original handler,
    and ``SIG_DFL`` is 0: ``kill PID``, Slurm or Docker could no longer stop a training run.)
    """
    signal.signal(signal.SIGTERM, _exit_on_sigterm)


def offline_zip(task: Any) -> Path | None:
    """The ``<id>.zip`` clearml writes when an offline task closes (``None`` when online)."""
    folder = task.get_offline_mode_folder()
    if not folder:
        return None
    path = Path(str(folder) + '.zip')
    return path if path.is_file() else None


def close_task(handle: TaskHandle, copy_zip_to: Path | None = None) -> Path | None:
    """Close an owned task; return its offline session zip (copied into ``copy_zip_to``)."""
    if not handle.owned:
        return None
    task = handle.task
    task.close()
    if handle.mode != 'offline':
        return None
    path = offline_zip(task)
    if path is not None and copy_zip_to is not None and copy_zip_to.is_dir():
        target = copy_zip_to / f'clearml_{path.name}'
        shutil.copyfile(path, target)
        return target
    return path


def check_offline_session(path: str | Path) -> Path:
    """``path`` if it is an offline session zip (or folder) with ``task.json``; else an error."""
    path = Path(path)
    if not path.exists():
        raise DataLayoutError(f'{path} does not exist')
    if path.is_dir():
        if not (path / 'task.json').is_file():
            raise PetsegError(f'{path}: not a ClearML offline session folder (no task.json)')
        return path
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile as err:
        raise PetsegError(f'{path}: not a zip file ({err})') from err
    if 'task.json' not in names:
        raise PetsegError(f'{path}: not a ClearML offline session (no task.json in the zip)')
    return path


def import_offline_session(path: str | Path, env: Mapping[str, str] | None = None) -> str:
    """Upload an offline session (zip or folder) to the configured server; return the task id.

    No configured server, or ``CLEARML_OFFLINE_MODE`` set, is a one-line :class:`PetsegError`.
    """
    env = os.environ if env is None else env
    session = check_offline_session(path)
    host = configured_server(env)
    if host is None:
        raise PetsegError(
            f'no ClearML server configured, so {session} cannot be imported: run `clearml-init` '
            '(writes ~/clearml.conf) or set CLEARML_API_HOST, CLEARML_API_ACCESS_KEY and '
            'CLEARML_API_SECRET_KEY, then run this command again'
        )
    if env.get('CLEARML_OFFLINE_MODE', '').strip().lower() in {'1', 'true', 'yes', 'on'}:
        raise PetsegError('CLEARML_OFFLINE_MODE is set; unset it to import into the server')
    from clearml import Task

    try:
        Task.set_offline(False)
        task_id = Task.import_offline_session(str(session))
    except Exception as err:
        raise PetsegError(
            f'importing {session} into {host} failed: {type(err).__name__}: {err}'
        ) from err
    if not task_id:
        raise PetsegError(f'importing {session} into {host} returned no task id')
    return str(task_id)
