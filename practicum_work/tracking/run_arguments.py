"""A command line as ClearML's ``Args`` section, and the section back as a command line.

ClearML shows a script's arguments in the ``Args`` section of a task, and a ClearML Agent that
runs a clone of the task hands the (edited) section back to the script. petseg starts ClearML
after its checks, long after ``parse_args``, so ClearML's argparse binding never sees the
arguments: they are recorded here, one value per argparse destination, as text a user edits as
they would type it:

- a positional argument or ``--option VALUE``: the value (``''``: not given);
- a flag (``--tta``): ``True`` or ``False``;
- an option whose value is optional (``--resume [CKPT]``): ``''`` (not given), its bare-flag
  value (``auto``) or the value;
- ``--cfg-options``: the ``key=value`` pairs, separated by spaces, shell-quoted where needed.

Standard library and core only; nothing here imports clearml.
"""

from __future__ import annotations

import argparse
import shlex
from collections.abc import Mapping
from typing import Any

from practicum_work.core.errors import PetsegError

ARGS_SECTION = 'Args'
# Launcher plumbing, not a choice of the run: torchrun passes it, a ClearML Agent never does.
NOT_RECORDED = frozenset({'help', 'local_rank'})
_TRUE = frozenset({'true', '1', 'yes', 'on'})
_FALSE = frozenset({'false', '0', 'no', 'off', ''})


def _recorded_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if a.dest not in NOT_RECORDED]


def _flag(action: argparse.Action) -> str:
    """The option string a user types: the first long one (``--work-dir``)."""
    long = [s for s in action.option_strings if s.startswith('--')]
    return (long or action.option_strings)[0]


def _as_text(value: Any) -> Any:
    """One parsed value as the section holds it (bools and numbers keep their type)."""
    if value is None:
        return ''
    if isinstance(value, Mapping):  # --cfg-options, parsed by MMEngine's DictAction
        from practicum_work.core.tool_runner import cfg_option_args

        return shlex.join(cfg_option_args(dict(value))[1:])
    if isinstance(value, list | tuple):
        return shlex.join(str(v) for v in value)
    return value


def arguments_section(parser: argparse.ArgumentParser, args: argparse.Namespace) -> dict[str, Any]:
    """The ``Args`` section of a parsed command line: ``{dest: value}`` (see the module)."""
    return {a.dest: _as_text(getattr(args, a.dest, None)) for a in _recorded_actions(parser)}


def _truth(name: str, text: str) -> bool:
    word = text.strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise PetsegError(f'{ARGS_SECTION}/{name}={text!r} is not a flag value; use True or False')


def _tokens(action: argparse.Action, text: str) -> list[str]:
    """The command-line tokens that give ``action`` the value ``text``."""
    if isinstance(action, argparse._StoreTrueAction | argparse._StoreFalseAction):
        given = _truth(action.dest, text) != (action.default is True)
        return [_flag(action)] if given else []
    if action.nargs == 0:  # store_const: the flag when the value is its constant
        return [_flag(action)] if text == str(action.const) else []
    if text in ('', 'None'):
        return []
    if not action.option_strings:
        return [text]
    if action.nargs == '?' and action.const is not None and text == str(action.const):
        return [_flag(action)]
    if action.nargs in ('+', '*') or isinstance(action.nargs, int):
        try:
            values = shlex.split(text)
        except ValueError as err:
            raise PetsegError(f'{ARGS_SECTION}/{action.dest}: {err} in {text!r}') from err
        return [_flag(action), *values] if values else []
    return [_flag(action), text]


def command_line(parser: argparse.ArgumentParser, section: Mapping[str, Any]) -> list[str]:
    """The arguments that ``parser`` parses into the values of an ``Args`` section.

    Keys the section lacks keep the parser's defaults; a key the parser does not know is a
    one-line :class:`PetsegError` naming it.
    """
    actions = {a.dest: a for a in _recorded_actions(parser)}
    unknown = sorted(set(section) - set(actions) - NOT_RECORDED)
    if unknown:
        names = ', '.join(f'{ARGS_SECTION}/{k}' for k in unknown)
        raise PetsegError(
            f'{names}: not an argument of {parser.prog} (it takes {", ".join(actions)})'
        )
    positional: list[str] = []
    optional: list[str] = []
    for dest, action in actions.items():
        if dest not in section:
            continue
        value = section[dest]
        text = str(value).strip() if value is not None else ''
        (optional if action.option_strings else positional).extend(_tokens(action, text))
    return positional + optional
