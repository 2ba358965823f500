"""Play a ClearML Agent on an edited clone, with ClearML's own offline task objects.

A clone on a server holds what the recorded task held (hyperparameter sections, configuration
objects) plus the user's edits; an agent runs the entry point with no arguments where
``Task.running_locally()`` is false. Here the clone is an offline task holding those values, and
``Task.running_locally`` answers False: no server is faked, the values reach petseg through
ClearML's task API as they would under an agent. Run in a process of its own (a task per
process), from the repository root:

    python tests/tracking/agent_play.py replay SESSION.zip ENTRY EDITS.json
        the recorded session's sections and EDITS (``{"parameters": {"Args/work_dir": ...},
        "configuration": {"config": TEXT}}``) in a clone; then ENTRY (tools/train.py,
        tools/test.py) runs as the agent would run it.
    python tests/tracking/agent_play.py scenarios SCENARIOS.json RESULTS.json
        for each scenario (``name``, ``phase`` train|test, ``parameters``, ``configuration``,
        ``argv`` the entry point's own arguments): the clone holds exactly those values; the
        entry point's parse_arguments and prepare_*, then apply_agent_edits; RESULTS holds the
        parsed arguments, the applied overrides, the config values named in ``probe``, and the
        one-line error or exit code.
"""

from __future__ import annotations

import contextlib
import io
import json
import runpy
import sys
import zipfile
from pathlib import Path
from typing import Any


def open_clone(name: str) -> Any:
    """An offline task, this process's current task (as an agent's task is)."""
    from practicum_work.tracking.mode import ModeDecision
    from practicum_work.tracking.task import start_task

    return start_task(ModeDecision('offline', 'a clone'), 'petseg', name).task


def fill(task: Any, parameters: dict[str, Any], configuration: dict[str, str]) -> None:
    """Make ``task`` hold exactly these values (as the server holds an edited clone's)."""
    task.set_parameters(dict(parameters))  # replaces every section
    for name in set(task.get_configuration_objects() or {}) - set(configuration):
        task.set_configuration_object(name, '')  # an object the clone does not hold
    for name, text in configuration.items():
        task.set_configuration_object(name, text)


def act_as_agent() -> None:
    """What ``CLEARML_TASK_ID`` set by a ClearML Agent makes clearml answer."""
    from clearml import Task

    Task.running_locally = staticmethod(lambda: False)


def recorded_sections(session: Path) -> tuple[dict[str, Any], dict[str, str], str]:
    """(flat parameters, configuration texts, task name) of an offline session zip."""
    record = json.loads(zipfile.ZipFile(session).read('task.json'))
    parameters = {
        f'{section}/{name}': item['value']
        for section, values in record.get('hyperparams', {}).items()
        for name, item in values.items()
    }
    configuration = {k: v['value'] for k, v in record.get('configuration', {}).items()}
    return parameters, configuration, record['name']


def replay(session: Path, entry: str, edits: dict[str, Any]) -> None:
    parameters, configuration, name = recorded_sections(session)
    clone = open_clone(f'clone of {name}')
    fill(
        clone,
        {**parameters, **edits.get('parameters', {})},
        {**configuration, **edits.get('configuration', {})},
    )
    act_as_agent()
    sys.argv = [entry]  # an agent passes no arguments
    runpy.run_path(entry, run_name='__main__')


def _value(cfg: Any, dotted: str) -> Any:
    node = cfg
    for part in dotted.split('.'):
        node = node[int(part)] if isinstance(node, list | tuple) else node[part]
    return node.to_dict() if hasattr(node, 'to_dict') else node


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def run_scenario(clone: Any, scenario: dict[str, Any]) -> dict[str, Any]:
    """One clone, as ``train()`` / ``test()`` would take it up to the Runner."""
    from practicum_work.core.errors import PetsegError, user_message
    from practicum_work.core.run_setup import prepare_test, prepare_train
    from practicum_work.tracking.agent import apply_agent_edits, parse_arguments

    fill(clone, scenario['parameters'], scenario['configuration'])
    phase = scenario['phase']
    if phase == 'train':
        from practicum_work.train import build_parser
    else:
        from practicum_work.test import build_parser
    result: dict[str, Any] = {'said': [], 'warned': []}
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            args = parse_arguments(
                build_parser(), scenario.get('argv', ['ignored', 'by', 'agents'])
            )
        result['args'] = _jsonable(vars(args))
        warn = result['warned'].append
        if phase == 'train':
            cfg = prepare_train(
                args.config, args.cfg_options, args.work_dir, args.launcher, warn=warn
            ).cfg
        else:
            cfg = prepare_test(
                args.config, args.checkpoint, args.cfg_options, args.work_dir, args.launcher,
                split=args.split, warn=warn,
            )  # fmt: skip
        result['overrides'] = _jsonable(
            apply_agent_edits(cfg, phase, warn=warn, say=result['said'].append)
        )
        result['values'] = {key: _jsonable(_value(cfg, key)) for key in scenario['probe']}
    except PetsegError as error:
        result['error'] = user_message(error)
    except SystemExit as exit_:
        result['exit_code'] = exit_.code
    result['stderr'] = err.getvalue()
    return result


def scenarios(path: Path, out: Path) -> None:
    plan = json.loads(path.read_text())
    clone = open_clone('clone')
    act_as_agent()
    results = {scenario['name']: run_scenario(clone, scenario) for scenario in plan}
    clone.close()
    out.write_text(json.dumps(results, indent=1))


if __name__ == '__main__':
    mode, *rest = sys.argv[1:]
    if mode == 'replay':
        replay(Path(rest[0]), rest[1], json.loads(Path(rest[2]).read_text()))
    elif mode == 'scenarios':
        scenarios(Path(rest[0]), Path(rest[1]))
    else:
        sys.exit(f'unknown mode {mode!r}')
