"""Which ClearML mode a run uses: ``online``, ``offline`` or ``off`` (README "Tracking (ClearML)").

One switch: ``--cfg-options clearml.mode=...`` for one run, else the ``PETSEG_CLEARML``
environment variable, else ``auto``: online when a ClearML server is configured
(``clearml.conf`` or ``CLEARML_API_*`` variables), offline otherwise (with one warning line).
Only rank 0 of a distributed run talks to ClearML; a run that a ClearML Agent started
(``CLEARML_TASK_ID`` set) reports to the agent's task, whatever the switch says. Standard
library only, except that an existing ``clearml.conf`` is parsed with clearml's own HOCON parser.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from practicum_work.core.errors import PetsegError

ENV_SWITCH = 'PETSEG_CLEARML'
MODES: tuple[str, ...] = ('auto', 'online', 'offline', 'off')
CONFIG_FILE_VARS = ('CLEARML_CONFIG_FILE', 'TRAINS_CONFIG_FILE')
DEFAULT_CONFIG_FILES = ('~/trains.conf', '~/clearml.conf')  # clearml's own search order
DEFAULT_API_HOST = 'https://api.clear.ml'
IMPORT_HINT = 'import it later with `petseg clearml-import ZIP`'
# Environment variables that point ClearML at a server (and the legacy TRAINS_* names).
SERVER_ENV_VARS = (
    'CLEARML_API_HOST',
    'CLEARML_WEB_HOST',
    'CLEARML_FILES_HOST',
    'CLEARML_API_ACCESS_KEY',
    'CLEARML_API_SECRET_KEY',
    'CLEARML_AUTH_TOKEN',
    'CLEARML_OFFLINE_MODE',
    'TRAINS_API_HOST',
    'TRAINS_API_ACCESS_KEY',
    'TRAINS_API_SECRET_KEY',
)


@dataclass(frozen=True)
class ModeDecision:
    """The resolved mode, why, and the one warning line to show (if any)."""

    mode: str  # 'online' | 'offline' | 'off'
    reason: str
    warning: str | None = None
    api_host: str | None = None


def _env_value(env: Mapping[str, str], *names: str) -> str:
    for name in names:
        value = env.get(name, '').strip()
        if value:
            return value
    return ''


def _truthy(value: str) -> bool:
    return value.strip().lower() in {'1', 'true', 'yes', 'y', 'on'}


def check_mode(value: object, source: str) -> str:
    """``value`` lower-cased if it is one of :data:`MODES`; else an error naming ``source``."""
    text = str(value).strip().lower()
    if text not in MODES:
        raise PetsegError(
            f'{source}={value!r} is not a ClearML mode; use one of {", ".join(MODES)}'
        )
    return text


def active_config_file(env: Mapping[str, str] | None = None) -> Path | None:
    """The ``clearml.conf`` clearml would read (``CLEARML_CONFIG_FILE`` or the home files)."""
    env = os.environ if env is None else env
    override = _env_value(env, *CONFIG_FILE_VARS)
    candidates = [override] if override else list(DEFAULT_CONFIG_FILES)
    home = env.get('HOME')
    for candidate in candidates:
        if home and candidate.startswith('~/'):
            path = Path(home) / candidate[2:]
        else:
            path = Path(os.path.expanduser(os.path.expandvars(candidate)))
        if path.is_file():
            return path
    return None


MASTER_PROCESS_VARIABLES = ('CLEARML_PROC_MASTER_ID', 'TRAINS_PROC_MASTER_ID')
# What a ClearML Agent sets in the environment of the task it runs (clearml reads it at import).
AGENT_TASK_VARIABLES = ('CLEARML_TASK_ID', 'TRAINS_TASK_ID')


def agent_task_id(env: Mapping[str, str] | None = None) -> str | None:
    """The id of the task a ClearML Agent runs in this process, or ``None`` (a local run)."""
    env = os.environ if env is None else env
    return _env_value(env, *AGENT_TASK_VARIABLES) or None


def forget_inherited_master_process() -> None:
    """Drop a ClearML master-process marker that names another process.

    clearml marks its tracked process in the environment (``<pid>:<task id>``); a process
    started from it (``petseg demo`` running ``tools/train.py``, a test runner that called
    ``Task.init``) inherits the marker, believes it is a worker of that task, and
    ``Task.init`` hands back a stub that records nothing, without a word.
    """
    for name in MASTER_PROCESS_VARIABLES:
        value = os.environ.get(name)
        if value and value.split(':')[0] != str(os.getpid()):
            del os.environ[name]


def _file_credentials(path: Path) -> tuple[str, str, str]:
    """(access key, secret key, api host) from a clearml.conf; empty strings when absent."""
    forget_inherited_master_process()  # before clearml's first import, which reads it
    from clearml.utilities.pyhocon import ConfigFactory

    try:
        tree = ConfigFactory.parse_file(str(path))
    except Exception as err:  # a broken file: clearml could not use it either
        raise PetsegError(f'{path}: unreadable ClearML configuration ({err})') from err
    api = tree.get('api', None) or {}
    credentials = api.get('credentials', None) or {}
    host = api.get('api_server', None) or api.get('host', None) or ''
    return (
        str(credentials.get('access_key', '') or ''),
        str(credentials.get('secret_key', '') or ''),
        str(host),
    )


def env_without_server(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """A copy of ``env`` (default: this process's) without the ClearML server variables."""
    env = os.environ if env is None else env
    return {k: v for k, v in env.items() if k not in SERVER_ENV_VARS}


def configured_server(env: Mapping[str, str] | None = None) -> str | None:
    """The API host of a configured ClearML server, or ``None`` when none is configured.

    Configured means credentials in the environment (``CLEARML_API_ACCESS_KEY`` and
    ``CLEARML_API_SECRET_KEY``, or ``CLEARML_AUTH_TOKEN``) or in the active ``clearml.conf``.
    """
    env = os.environ if env is None else env
    key = _env_value(env, 'CLEARML_API_ACCESS_KEY', 'TRAINS_API_ACCESS_KEY')
    secret = _env_value(env, 'CLEARML_API_SECRET_KEY', 'TRAINS_API_SECRET_KEY')
    token = _env_value(env, 'CLEARML_AUTH_TOKEN')
    host = _env_value(env, 'CLEARML_API_HOST', 'TRAINS_API_HOST')
    path = active_config_file(env)
    if path is not None:
        try:
            file_key, file_secret, file_host = _file_credentials(path)
        except PetsegError:
            file_key = file_secret = file_host = ''
        key, secret, host = key or file_key, secret or file_secret, host or file_host
    if (key and secret) or token:
        return (host or DEFAULT_API_HOST).rstrip('/')
    return None


def resolve_mode(
    requested: str | None = 'auto',
    env: Mapping[str, str] | None = None,
    rank: int = 0,
) -> ModeDecision:
    """Resolve the ClearML mode of one run.

    ``requested`` is the config's ``clearml.mode`` (``auto`` defers to ``PETSEG_CLEARML``).
    ``online`` or ``auto`` without a configured server gives ``offline`` and a warning line
    (``auto`` warns too, so a user sees where the session goes). Invalid values raise
    :class:`PetsegError`. Ranks other than 0 are always ``off``; rank 0 of a run a ClearML
    Agent started is always ``online`` (the agent's task: a cloned run may carry
    ``clearml.mode=offline`` from the machine it was recorded on).
    """
    env = os.environ if env is None else env
    mode = check_mode(requested or 'auto', 'clearml.mode')
    source = 'clearml.mode'
    if mode == 'auto' and env.get(ENV_SWITCH, '').strip():
        mode = check_mode(env[ENV_SWITCH], ENV_SWITCH)
        source = ENV_SWITCH
    if rank != 0:
        return ModeDecision('off', f'rank {rank}: only rank 0 reports to ClearML')
    task_id = agent_task_id(env)
    if task_id:
        return ModeDecision('online', f'run by a ClearML Agent (task {task_id})')
    if mode == 'off':
        return ModeDecision('off', f'{source}=off')
    if mode == 'offline':
        return ModeDecision('offline', f'{source}=offline')
    if _truthy(_env_value(env, 'CLEARML_OFFLINE_MODE', 'TRAINS_OFFLINE_MODE')):
        return ModeDecision('offline', 'CLEARML_OFFLINE_MODE is set')
    host = configured_server(env)
    if host:
        return ModeDecision('online', f'ClearML server configured ({host})', api_host=host)
    asked = 'online requested but no' if mode == 'online' else 'no'
    warning = (
        f'ClearML: {asked} server configured (clearml.conf or CLEARML_API_* variables); '
        f'tracking offline, {IMPORT_HINT} ({ENV_SWITCH}=off turns tracking off)'
    )
    return ModeDecision('offline', 'no ClearML server configured', warning=warning)
