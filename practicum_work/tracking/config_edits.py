"""Edits made in the ClearML web UI to a recorded run, as ``--cfg-options``-style overrides.

A petseg task holds the config its Runner got twice, as configuration objects ``config`` (the
one to edit) and ``config_recorded`` (the same text, kept as recorded), and the flat ``petseg``
hyperparameters derived from it (:func:`~practicum_work.tracking.run_summary.hyperparameters`).
What a user changed is what differs from the record:

- :func:`config_overrides`: each value of the edited ``config`` that differs from
  ``config_recorded`` (``{'optim_wrapper.optimizer.lr': 0.001}``, list items by index: a
  pipeline step's ``crop_size``); a dict that lost keys is replaced whole (MMEngine's
  ``_delete_``);
- :func:`hyperparameter_overrides`: each ``petseg`` value that differs from what the recorded
  config gives; only the :data:`EDITABLE` ones may change, each is one config key.

Keys the command line sets (``Args``) are refused here, with the ``Args`` entry to edit instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from practicum_work.core.errors import PetsegError

CONFIG_OBJECT = 'config'
RECORDED_CONFIG_OBJECT = 'config_recorded'
HYPERPARAMETER_SECTION = 'petseg'
# petseg hyperparameter -> the config key it shows (and that an edit of it sets).
EDITABLE: dict[str, str] = {
    'optimizer.lr': 'optim_wrapper.optimizer.lr',
    'optimizer.weight_decay': 'optim_wrapper.optimizer.weight_decay',
    'optimizer.momentum': 'optim_wrapper.optimizer.momentum',
    'schedule.max_iters': 'train_cfg.max_iters',
    'schedule.val_interval': 'train_cfg.val_interval',
    'data.batch_size': 'train_dataloader.batch_size',
    'data.root': 'data_root',
    'seed': 'randomness.seed',
}
# Who ran it, not what ran: the config file's name and the checkout's commit.
NOT_COMPARED = frozenset({'config', 'git_commit'})
# Config keys the command line sets: an edit belongs in the Args section.
ARGUMENT_KEYS: dict[str, str] = {
    'work_dir': 'Args/work_dir',
    'launcher': 'Args/launcher',
    'resume': 'Args/resume',
}


def parse_config_text(text: str, source: str) -> Any:
    """An MMEngine ``Config`` from a configuration object's Python text; else a clear error."""
    from mmengine.config import Config

    try:
        return Config.fromstring(text, '.py')
    except Exception as err:  # SyntaxError, NameError, ... from the user's edit
        raise PetsegError(
            f'{source}: not a valid MMEngine config ({type(err).__name__}: {err})'
        ) from err


def _plain(value: Any) -> Any:
    """``value`` with tuples as lists, for comparing (``(64, 64)`` and ``[64, 64]`` agree)."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _nested(value: Any) -> bool:
    return isinstance(value, Mapping | list | tuple)


def _diff(old: Any, new: Any, key: str, out: dict[str, Any], dropped: list[str]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        lost = [name for name in old if name not in new]
        if lost and key:  # MMEngine merges dicts: replace this one whole
            if _plain(old) != _plain(new):
                out[key] = {'_delete_': True, **new}
            return
        dropped += lost
        for name, value in new.items():
            sub = f'{key}.{name}' if key else str(name)
            if name in old:
                _diff(old[name], value, sub, out, dropped)
            else:
                out[sub] = value
    elif (
        isinstance(old, list | tuple)
        and isinstance(new, list | tuple)
        and len(old) == len(new)
        and any(map(_nested, old))
    ):
        for index, (before, after) in enumerate(zip(old, new, strict=True)):
            _diff(before, after, f'{key}.{index}', out, dropped)
    elif _plain(old) != _plain(new):
        out[key] = new


def config_overrides(recorded_text: str, edited_text: str) -> dict[str, Any]:
    """What the edited ``config`` object changes in the recorded one, as dotted-key overrides.

    A top-level key removed from the text is refused (set it to ``None`` instead).
    """
    if edited_text == recorded_text:
        return {}
    source = f'configuration object {CONFIG_OBJECT!r}'
    recorded = parse_config_text(recorded_text, RECORDED_CONFIG_OBJECT).to_dict()
    edited = parse_config_text(edited_text, source).to_dict()
    out: dict[str, Any] = {}
    dropped: list[str] = []
    _diff(recorded, edited, '', out, dropped)
    if dropped:
        raise PetsegError(
            f'{source}: {", ".join(sorted(dropped))} removed; a top-level key cannot be '
            'removed from a run, set it to None instead'
        )
    return out


def parse_value(text: Any) -> Any:
    """A value typed in the web UI, read as ``--cfg-options`` reads one (``1e-4``, ``(1,2)``)."""
    from mmengine.config import DictAction

    return DictAction._parse_iterable(str(text)) if isinstance(text, str) else text


def hyperparameter_overrides(recorded_cfg: Any, edited: Mapping[str, Any]) -> dict[str, Any]:
    """The ``petseg`` values changed from those ``recorded_cfg`` gives, as config overrides.

    Only :data:`EDITABLE` values may change; an edited display-only value (``loss.decode``)
    or an unknown name is a one-line :class:`PetsegError` saying where to edit instead.
    """
    from practicum_work.tracking.run_summary import hyperparameters

    recorded = hyperparameters(recorded_cfg)
    out: dict[str, Any] = {}
    display_only: list[str] = []
    unknown: list[str] = []
    for name, value in edited.items():
        if name in NOT_COMPARED:
            continue
        if name not in recorded:
            unknown.append(name)
        elif str(value) != str(recorded[name]):
            if name in EDITABLE:
                out[EDITABLE[name]] = parse_value(value)
            else:
                display_only.append(name)
    problems = []
    if unknown:
        problems.append(f'{_names(unknown)}: not petseg hyperparameters')
    if display_only:
        problems.append(
            f'{_names(display_only)} only describe the config; edit the configuration object '
            f'{CONFIG_OBJECT!r} or Args/cfg_options instead (editable here: '
            f'{", ".join(EDITABLE)})'
        )
    if problems:
        raise PetsegError('; '.join(problems))
    return out


def _names(names: list[str]) -> str:
    return ', '.join(f'{HYPERPARAMETER_SECTION}/{name}' for name in sorted(names))


def combined_overrides(
    *sources: tuple[str, Mapping[str, Any]], argument_keys: Mapping[str, str] = ARGUMENT_KEYS
) -> dict[str, Any]:
    """One dict of overrides from ``(source name, overrides)`` pairs.

    The same key set to different values in two places, or a key the command line sets
    (``argument_keys``: config key -> its ``Args`` entry), is a one-line :class:`PetsegError`.
    """
    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for source, overrides in sources:
        for key, value in overrides.items():
            if key in argument_keys:
                raise PetsegError(
                    f'{source} changes {key}, which the command line sets: edit '
                    f'{argument_keys[key]} instead'
                )
            if key in out and _plain(out[key]) != _plain(value):
                raise PetsegError(
                    f'{key} is edited twice: {out[key]!r} in {origin[key]}, {value!r} in '
                    f'{source}; keep one'
                )
            out[key], origin[key] = value, source
    return out
