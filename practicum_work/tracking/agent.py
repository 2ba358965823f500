"""Clone, edit, enqueue: a recorded petseg run that a ClearML Agent runs again.

ClearML's way: a task records the script (repository, commit, uncommitted diff, entry point,
working dir, packages), its arguments and its configuration; a user clones the task in the web
UI, edits arguments, hyperparameters or the configuration, and enqueues the clone; a ClearML
Agent checks the code out, installs the packages and runs the entry point with the task's id in
``CLEARML_TASK_ID``, where ``Task.running_locally()`` is false and the script reads the edited
values back. petseg opens its task only after its checks (:mod:`practicum_work.core.run_setup`),
long after ``parse_args``, so it does what ClearML's argparse binding would do:

- :func:`parse_arguments` (the entry points' ``parse_args``): locally, parses ``sys.argv`` and
  remembers the ``Args`` section for the task; under an agent, parses the task's ``Args``
  (:mod:`~practicum_work.tracking.run_arguments`) instead of ``sys.argv``;
- :func:`apply_agent_edits` (``train()`` and ``test()``, just before the Runner): under an agent,
  the edits of the ``config`` object and of the editable ``petseg`` values
  (:mod:`~practicum_work.tracking.config_edits`), checked as ``--cfg-options`` are, and the data
  checked again;
- :func:`record_for_agent` (the ClearML backend, once the task is open): the ``Args`` section,
  the repository's ``requirements.txt`` as the packages to install (ClearML's own analysis of
  ``tools/train.py`` finds only ``practicum_work``), and for ``python -m practicum_work.train``
  the entry point without the arguments ClearML copies into it (they are in ``Args``).
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
from collections.abc import Callable
from typing import Any

from practicum_work.core.errors import PetsegError, user_message
from practicum_work.core.paths import REPO_ROOT
from practicum_work.tracking.config_edits import (
    ARGUMENT_KEYS,
    CONFIG_OBJECT,
    HYPERPARAMETER_SECTION,
    RECORDED_CONFIG_OBJECT,
    combined_overrides,
    config_overrides,
    hyperparameter_overrides,
    parse_config_text,
)
from practicum_work.tracking.mode import (
    ModeDecision,
    agent_task_id,
    forget_inherited_master_process,
)
from practicum_work.tracking.run_arguments import ARGS_SECTION, arguments_section, command_line

Say = Callable[[str], None]
PHASES = ('train', 'test')
REQUIREMENTS = REPO_ROOT / 'requirements.txt'
# Set by a launcher that starts several processes; a ClearML Agent starts one.
MULTI_PROCESS_VARIABLES = ('WORLD_SIZE', 'SLURM_PROCID', 'OMPI_COMM_WORLD_RANK')

_recorded_arguments: dict[str, Any] | None = None  # this process's command line, as Args


def _stderr(message: str) -> None:
    print(message, file=sys.stderr)


def under_agent() -> bool:
    """Whether a ClearML Agent runs this process (``Task.running_locally()`` is false).

    Without ``CLEARML_TASK_ID`` and with clearml not yet imported, the answer is no, and
    clearml stays unimported; without clearml, no as well.
    """
    if agent_task_id() is None and 'clearml' not in sys.modules:
        return False
    forget_inherited_master_process()  # before clearml's first import, which reads it
    try:
        from clearml import Task
    except ImportError:  # no clearml, no agent
        return False
    return not Task.running_locally()


def agent_task(name: str = 'petseg') -> Any:
    """The task this process runs under an agent (``Task.init`` attaches to it if needed)."""
    from clearml import Task

    from practicum_work.tracking.task import start_task

    task = Task.current_task()
    if task is None:
        decision = ModeDecision('online', 'run by a ClearML Agent')
        task = start_task(decision, project='petseg', task_name=name).task
    return task


def section(task: Any, name: str) -> dict[str, Any]:
    """One hyperparameter section of ``task`` as ``{name: text}`` (names may hold dots)."""
    prefix = f'{name}/'
    return {
        key[len(prefix) :]: value
        for key, value in (task.get_parameters() or {}).items()
        if key.startswith(prefix)
    }


def recorded_arguments() -> dict[str, Any] | None:
    """The ``Args`` section of this process's command line (``None``: not parsed here)."""
    return None if _recorded_arguments is None else dict(_recorded_arguments)


def parse_arguments(
    parser: argparse.ArgumentParser, argv: list[str] | None = None, say: Say = _stderr
) -> argparse.Namespace:
    """``parser.parse_args(argv)``, or under a ClearML Agent the task's ``Args`` parsed.

    Locally the parsed arguments are remembered for the task's ``Args`` section
    (:func:`record_for_agent`). Under an agent ``argv`` is ignored, unless the task has no
    ``Args`` (recorded before petseg recorded them: the arguments an older ``-m module ARGS``
    entry point passes run, with a warning; none is the argparse error). A value the parser
    refuses stops as argparse does (usage, one line, exit 2). A recorded ``--launcher`` other
    than ``none`` becomes ``none`` with a warning: the agent starts one process.
    """
    global _recorded_arguments
    if not under_agent():
        args = parser.parse_args(argv)
        _recorded_arguments = arguments_section(parser, args)
        return args
    task = agent_task(parser.prog)
    values = section(task, ARGS_SECTION)
    if not values:
        given = sys.argv[1:] if argv is None else argv
        missing = (
            f'ClearML task {task.id} has no {ARGS_SECTION} section (recorded by an older petseg?)'
        )
        if not given:
            parser.error(f'{missing}: record the run again, then clone that task')
        say(f'{parser.prog}: warning: {missing}: running the arguments of its entry point')
        return parser.parse_args(given)  # a `-m module ARGS` entry point of an older record
    try:
        argv = command_line(parser, values)
    except PetsegError as err:
        parser.error(f'ClearML task {task.id}: {user_message(err)}')
    args = parser.parse_args(argv)
    say(f'ClearML Agent, task {task.id}: {parser.prog} {shlex.join(argv)}')
    launcher = getattr(args, 'launcher', 'none')
    if launcher != 'none' and not any(v in os.environ for v in MULTI_PROCESS_VARIABLES):
        say(
            f'{parser.prog}: warning: {ARGS_SECTION}/launcher={launcher}, but a ClearML Agent '
            'starts one process: running with --launcher none'
        )
        args.launcher = 'none'
    return args


def apply_agent_edits(cfg: Any, phase: str, warn: Say = _stderr, say: Say = _stderr) -> dict:
    """Under a ClearML Agent, apply the task's edits to ``cfg`` (the Runner's config); return them.

    ``phase`` is ``'train'`` or ``'test'`` (what the run reads, and which keys its command line
    owns). Locally, or without edits, ``cfg`` is left as it is and ``{}`` returned. Edits are
    checked as ``--cfg-options`` are (a wrong key or type is a one-line :class:`PetsegError`),
    then the data the run reads is checked again.
    """
    if phase not in PHASES:
        raise ValueError(f'phase must be one of {PHASES}, not {phase!r}')
    if not under_agent():
        return {}
    from practicum_work.core.tool_runner import cfg_option_args

    task = agent_task()
    recorded_text = task.get_configuration_object(RECORDED_CONFIG_OBJECT)
    if not recorded_text:
        warn(
            f'ClearML task {task.id} has no {RECORDED_CONFIG_OBJECT!r} object (recorded by an '
            f'older petseg?): only its {ARGS_SECTION} apply, edits of {CONFIG_OBJECT!r} and of '
            f'the {HYPERPARAMETER_SECTION} values are not read'
        )
        return {}
    owned = dict(ARGUMENT_KEYS)
    if phase == 'test':
        owned['load_from'] = f'{ARGS_SECTION}/checkpoint'
    try:
        overrides = combined_overrides(*_edits(task, recorded_text), argument_keys=owned)
        if overrides:
            _apply(cfg, overrides, warn)
            applied = shlex.join(cfg_option_args(overrides)[1:])
            say(f'ClearML Agent, task {task.id}: edits applied to the config: {applied}')
            _check_data(cfg, phase, warn)
    except PetsegError as err:
        raise PetsegError(f'ClearML task {task.id}: {user_message(err)}') from err
    return overrides


def _edits(task: Any, recorded_text: str) -> list[tuple[str, dict[str, Any]]]:
    """(source, overrides) of the ``config`` object and of the ``petseg`` values."""
    sources = []
    edited_text = task.get_configuration_object(CONFIG_OBJECT)
    if edited_text:
        edits = config_overrides(recorded_text, edited_text)
        sources.append((f'configuration object {CONFIG_OBJECT!r}', edits))
    values = section(task, HYPERPARAMETER_SECTION)
    if values:
        recorded_cfg = parse_config_text(recorded_text, RECORDED_CONFIG_OBJECT)
        edits = hyperparameter_overrides(recorded_cfg, values)
        sources.append((f'{HYPERPARAMETER_SECTION} hyperparameters', edits))
    return sources


def _apply(cfg: Any, overrides: dict[str, Any], warn: Say) -> None:
    """Check ``overrides`` as ``--cfg-options`` are, then merge them (``data_root`` first)."""
    from practicum_work.core.checkpoints import is_remote
    from practicum_work.core.config import set_data_root
    from practicum_work.core.config_check import ConfigOptionError, check_cfg_options

    try:
        warnings = check_cfg_options(cfg, overrides)
    except ConfigOptionError as err:  # its message names --cfg-options: these are edits
        raise PetsegError(str(err).replace('--cfg-options ', 'edited ')) from err
    for message in warnings:
        warn(message.replace('--cfg-options ', 'edited ', 1))
    load_from = overrides.get('load_from')
    if load_from and not is_remote(load_from) and not os.path.isfile(load_from):
        raise PetsegError(f'edited load_from: checkpoint {load_from} does not exist')
    rest = dict(overrides)
    if 'data_root' in rest:
        set_data_root(cfg, str(rest.pop('data_root')))
    cfg.merge_from_dict(rest)


def _check_data(cfg: Any, phase: str, warn: Say) -> None:
    """The checks :mod:`practicum_work.core.run_setup` ran before the edits, once more."""
    from practicum_work.core.dataset_check import check_loader_data, check_train_foreground
    from practicum_work.core.run_setup import TEST_SPLIT_HINT, training_loaders

    if phase == 'train':
        check_loader_data(cfg, training_loaders(cfg))
        check_train_foreground(cfg, warn)
    else:
        check_loader_data(cfg, ['test_dataloader'], split_hint=TEST_SPLIT_HINT)


def record_for_agent(task: Any) -> None:
    """What an agent needs to run this process again, added to its (local, open) task.

    Only for runs started from petseg's command line (:func:`parse_arguments`): the ``Args``
    section; the packages of the repository's ``requirements.txt`` (ClearML waits for its
    repository detection first); a ``-m module ARGS`` entry point cut to ``-m module``.
    """
    arguments = recorded_arguments()
    if arguments is None:
        return
    task.connect(arguments, name=ARGS_SECTION)
    if REQUIREMENTS.is_file():
        task.set_packages(str(REQUIREMENTS))
    script = getattr(task.data, 'script', None)
    parts = str(getattr(script, 'entry_point', None) or '').split()
    if len(parts) > 2 and parts[0] == '-m':
        task.set_script(entry_point=f'-m {parts[1]}')
