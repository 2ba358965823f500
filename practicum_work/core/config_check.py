"""Check ``--cfg-options`` against the config before anything is built or written.

MMEngine merges any key and any value: a typo (``train_cfg.max_iter=10``, ``data_rot=...``)
either ends in a traceback once the Runner builds the component, or is silently ignored. The
rules here judge each option on the loaded config, before the merge:

- every part of the key must exist, except the last new key, which is allowed
  - at the top level only where MMEngine's Runner (or petseg) reads it;
  - in a component (a dict with ``type``) only where that class's constructor accepts it
    (its ``__init__`` and, through ``**kwargs``, its base classes'; a constructor that still
    takes ``**kwargs`` at the end of the chain accepts anything);
  - in a plain dict (``model.test_cfg``, ``data_prefix``, ...) always, with a warning when
    it looks like a typo of a key that is there;
- a list index must exist; a new ``type`` must be registered;
- a value must fit the type of the value it replaces where a word cannot be right: a number
  or a flag replaced by text, a tuple of numbers by text.

Refusals name the key and the nearest valid one (``difflib``) or the expected type, all in one
line (:class:`ConfigOptionError`); warnings are returned for the caller to print.
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Mapping, Sequence
from typing import Any

from practicum_work.core.errors import PetsegError

# Top-level keys read by MMEngine's Runner (``Runner.from_cfg``, model wrapping, compile), by
# MMSeg's tools (``tta_*``) and by petseg (``clearml``, ``data_root``), besides the config's own.
RUNNER_KEYS = frozenset(
    {
        'model', 'work_dir', 'train_dataloader', 'val_dataloader', 'test_dataloader',
        'train_cfg', 'val_cfg', 'test_cfg', 'auto_scale_lr', 'optim_wrapper',
        'param_scheduler', 'val_evaluator', 'test_evaluator', 'default_hooks', 'custom_hooks',
        'data_preprocessor', 'load_from', 'resume', 'launcher', 'env_cfg', 'log_processor',
        'log_level', 'visualizer', 'default_scope', 'randomness', 'experiment_name',
        'runner_type', 'model_wrapper_cfg', 'compile', 'strategy', 'custom_imports',
        'tta_model', 'tta_pipeline', 'clearml', 'data_root',
    }
)  # fmt: skip
# Keys that builders take out of a component dict before its constructor sees the rest.
BUILDER_KEYS = frozenset({'_scope_', 'type', 'priority', 'constructor', 'paramwise_cfg'})
_REGISTRY_NAMES = (
    'MODELS', 'DATASETS', 'TRANSFORMS', 'LOOPS', 'HOOKS', 'METRICS', 'EVALUATOR',
    'OPTIM_WRAPPERS', 'OPTIMIZERS', 'OPTIM_WRAPPER_CONSTRUCTORS', 'PARAM_SCHEDULERS',
    'DATA_SAMPLERS', 'VISUALIZERS', 'VISBACKENDS', 'WEIGHT_INITIALIZERS', 'LOG_PROCESSORS',
    'RUNNERS',
)  # fmt: skip


class ConfigOptionError(PetsegError, KeyError):
    """A ``--cfg-options`` key the config does not have, or a value of the wrong type."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ''


def check_cfg_options(cfg: Any, options: Mapping[str, Any] | None) -> list[str]:
    """Judge every option against ``cfg`` (not yet merged); return the warnings.

    Raises :class:`ConfigOptionError` naming every refused option (one line, ``; `` between).
    """
    problems: list[str] = []
    warnings: list[str] = []
    for key, value in (options or {}).items():
        problem, warning = _check_option(cfg, key, value, options or {})
        if problem:
            problems.append(f'--cfg-options {key}: {problem}')
        if warning:
            warnings.append(f'--cfg-options {key}: {warning}')
    if problems:
        raise ConfigOptionError('; '.join(problems))
    return warnings


def nearest(word: str, candidates: Sequence[str] | set[str], cutoff: float = 0.6) -> str | None:
    """The candidate closest to ``word`` (difflib), or None when none is close enough."""
    matches = difflib.get_close_matches(word, sorted(candidates), n=1, cutoff=cutoff)
    return matches[0] if matches else None


def _check_option(
    cfg: Any, key: str, value: Any, options: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """(problem, warning) of one option."""
    parts = key.split('.')
    node: Any = cfg
    for depth, part in enumerate(parts):
        prefix = '.'.join(parts[:depth])
        if isinstance(node, list | tuple):
            if not part.isdigit() or int(part) >= len(node):
                return f'{prefix} is a list of {len(node)} (indices 0-{len(node) - 1})', None
            node = node[int(part)]
        elif isinstance(node, Mapping) or hasattr(node, 'keys'):
            if part not in node:
                return _new_key(node, prefix, part, depth == len(parts) - 1, options)
            node = node[part]
        else:
            return f'{prefix} is {node!r} in the config, not a dict: set {prefix} as a whole', None
    if parts[0] not in RUNNER_KEYS:
        return _variable_problem(cfg, parts), None
    if parts[-1] == 'type' and isinstance(value, str):
        return _type_name_problem(node, value), None
    return _value_problem(node, value), None


def _new_key(
    node: Any, prefix: str, part: str, is_last: bool, options: Mapping[str, Any]
) -> tuple[str | None, str | None]:
    """Whether ``prefix.part``, absent from the config, may be added."""
    existing = [k for k in node if not str(k).startswith('_')]
    if not prefix:
        if part in RUNNER_KEYS:
            return None, None
        guess = nearest(part, set(existing) | RUNNER_KEYS)
        hint = f' (did you mean {guess}?)' if guess else ''
        return f'the config has no key {part}{hint}', None
    type_name = options.get(f'{prefix}.type', node.get('type'))
    if type_name is not None:
        cls = find_registered(type_name)
        if cls is None:
            return None, None  # an unknown class: cannot judge (the build will)
        accepted, closed = constructor_keys(cls)
        if part in accepted | BUILDER_KEYS or not closed:
            return None, None
        guess = nearest(part, accepted | set(existing))
        hint = f' (did you mean {prefix}.{guess}?)' if guess else ''
        return f'{_class_name(type_name)} has no option {part}{hint}', None
    if not is_last:
        return None, None  # a new nested dict under a plain dict
    guess = nearest(part, existing)
    if guess:
        return None, f'{prefix} has no key {part} yet, it is added (did you mean {prefix}.{guess}?)'
    return None, None


def _class_name(type_name: Any) -> str:
    return type_name if isinstance(type_name, str) else getattr(type_name, '__name__', '?')


def _registries() -> list[Any]:
    import mmseg.registry as registry

    return [getattr(registry, name) for name in _REGISTRY_NAMES if hasattr(registry, name)]


def find_registered(type_name: Any) -> type | None:
    """The class a config's ``type`` names (searched in MMSeg's registries), else None."""
    if inspect.isclass(type_name):
        return type_name
    if not isinstance(type_name, str):
        return None
    name = type_name.split('.')[-1]
    for registry in _registries():
        try:
            found = registry.get(name)
        except Exception:  # a registry that cannot import its locations
            continue
        if inspect.isclass(found):
            return found
    return None


def _registered_names(old_type: Any) -> set[str]:
    """Names of the registry (and its parents) that holds ``old_type``."""
    name = _class_name(old_type)
    for registry in _registries():
        try:
            if registry.get(name) is None:
                continue
        except Exception:
            continue
        names: set[str] = set()
        while registry is not None:
            names |= set(registry.module_dict)
            registry = registry.parent
        return names
    return set()


def _type_name_problem(old_type: Any, new_type: str) -> str | None:
    if find_registered(new_type) is not None:
        return None
    guess = nearest(new_type.split('.')[-1], _registered_names(old_type))
    hint = f' (did you mean {guess}?)' if guess else ''
    return f'no registered type {new_type}{hint}'


def constructor_keys(cls: type) -> tuple[set[str], bool]:
    """Keyword names ``cls(...)`` accepts, and whether that list is closed.

    ``**kwargs`` passes on to the next ``__init__`` of the MRO (the usual ``super().__init__(
    **kwargs)``); the list is open when the chain ends in a constructor that takes ``**kwargs``.
    """
    names: set[str] = set()
    for klass in cls.__mro__:
        if klass is object:
            return names, True
        init = klass.__dict__.get('__init__')
        if init is None:
            continue
        try:
            parameters = list(inspect.signature(init).parameters.values())[1:]
        except (TypeError, ValueError):
            return names, False
        kinds = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        names |= {p.name for p in parameters if p.kind in kinds}
        if not any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters):
            return names, True
    return names, False


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _is_number_sequence(value: Any) -> bool:
    return isinstance(value, list | tuple) and bool(value) and all(map(_is_number, value))


def _value_problem(old: Any, new: Any) -> str | None:
    """Where a word (or a flag) replaces a number, a flag or a tuple of numbers."""
    if isinstance(old, bool):
        if not isinstance(new, bool) and new is not None:
            return f'expected True or False (the config has {old}), got {new!r}'
    elif _is_number(old):
        if isinstance(new, str | bool | list | tuple | dict):
            kind = 'an integer' if isinstance(old, int) else 'a number'
            return f'expected {kind} (the config has {old!r}), got {new!r}'
    elif _is_number_sequence(old) and isinstance(new, str | bool):
        return f'expected numbers like {tuple(old)!r} (quote it: "(256,256)"), got {new!r}'
    return None


def _variable_problem(cfg: Any, parts: list[str]) -> str:
    """A variable of the config files (``max_iters``, ``crop_size``, ``train_pipeline``) was
    used when the files were read; setting it afterwards changes nothing."""
    uses = [
        use for use in _nested_uses(cfg, parts[-1])
        if use.split('.')[0] in RUNNER_KEYS and use != '.'.join(parts)
    ]  # fmt: skip
    where = f'; set {" or ".join(uses[:3])} instead' if uses else ''
    return (
        f'{parts[0]} is a variable of the config files, used when they were read, so setting '
        f'it changes nothing{where}'
    )


def _nested_uses(cfg: Any, name: str, prefix: str = '', depth: int = 0) -> list[str]:
    """Dotted keys below the top level that are called ``name``."""
    found: list[str] = []
    if depth > 6:
        return found
    items: list[tuple[str, Any]] = []
    if isinstance(cfg, Mapping) or hasattr(cfg, 'keys'):
        items = [(str(k), cfg[k]) for k in cfg]
    elif isinstance(cfg, list | tuple):
        items = [(str(i), v) for i, v in enumerate(cfg)]
    for key, value in items:
        path = f'{prefix}.{key}' if prefix else key
        if key == name:
            found.append(path)
        if isinstance(value, Mapping | list | tuple):
            found += _nested_uses(value, name, path, depth + 1)
    return found
