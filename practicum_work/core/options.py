"""Options declared once: a settings dataclass field is the option's default, help and choices.

A tool's settings are a dataclass whose fields are made with :func:`option`; from it come
the command line (:func:`add_options`, argparse), the settings object (:func:`from_args`),
the JSON echo a report carries (:func:`settings_json`) and the docs' option table
(:func:`options_markdown`). Nothing is repeated, so nothing can disagree.

The argparse form follows the field's type: ``bool`` -> a flag (``--no-x`` too when the
default is True), ``int``/``float``/``str``/``Path`` -> a typed value, ``list[...]`` /
``tuple[...]`` -> ``nargs='+'``, ``Literal['a', 'b']`` -> choices, ``X | None`` -> X. The
option's name is the field's with dashes (``data_root`` -> ``--data-root``) unless ``flag``
says otherwise; ``positional=True`` makes it an argument. Only the standard library is
imported, so that ``petseg --help`` stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

__all__ = [
    'OptionSpec',
    'add_options',
    'from_args',
    'option',
    'option_fields',
    'options_markdown',
    'settings_json',
]


@dataclasses.dataclass(frozen=True)
class OptionSpec:
    """How one settings field appears on the command line."""

    help: str
    flag: str | None = None  # e.g. '--k' for a field called best_worst_k
    metavar: str | None = None
    choices: tuple[Any, ...] | None = None
    positional: bool = False
    required: bool = False
    cli: bool = True  # False: a setting of the Python API only (no command-line option)
    default_text: str | None = None  # how the default reads in help/docs when not the value


def option(
    default: Any = dataclasses.MISSING,
    *,
    help: str,
    flag: str | None = None,
    metavar: str | None = None,
    choices: Iterable[Any] | None = None,
    positional: bool = False,
    required: bool = False,
    cli: bool = True,
    default_text: str | None = None,
) -> Any:
    """A dataclass field that is also a command-line option (see the module docstring)."""
    spec = OptionSpec(
        help=help,
        flag=flag,
        metavar=metavar,
        choices=tuple(choices) if choices is not None else None,
        positional=positional,
        required=required,
        cli=cli,
        default_text=default_text,
    )
    if isinstance(default, list | dict | set):
        value = default
        return dataclasses.field(
            default_factory=lambda: type(value)(value), metadata={'option': spec}
        )
    return dataclasses.field(default=default, metadata={'option': spec})


def option_fields(settings: type | Any) -> list[tuple[dataclasses.Field, OptionSpec, Any]]:
    """``(field, spec, resolved type)`` of every field made with :func:`option`."""
    cls = settings if isinstance(settings, type) else type(settings)
    hints = typing.get_type_hints(cls)
    found = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get('option')
        if spec is not None:
            found.append((f, spec, hints[f.name]))
    return found


def _flag(f: dataclasses.Field, spec: OptionSpec) -> str:
    return spec.flag or '--' + f.name.replace('_', '-')


def _default(f: dataclasses.Field) -> Any:
    if f.default is not dataclasses.MISSING:
        return f.default
    if f.default_factory is not dataclasses.MISSING:
        return f.default_factory()
    return None


def _strip_optional(kind: Any) -> Any:
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(kind) if a is not type(None)]
        path_like = {Path, str}
        if len(args) == 1:
            return args[0]
        if set(args) <= path_like:
            return str
    return kind


def _default_text(f: dataclasses.Field, spec: OptionSpec) -> str | None:
    if spec.default_text is not None:
        return spec.default_text
    value = _default(f)
    if value is None or value is False or spec.required or spec.positional:
        return None
    if isinstance(value, list | tuple):
        return ' '.join(map(str, value)) if value else None
    return str(value)


def _argparse_kwargs(f: dataclasses.Field, spec: OptionSpec, kind: Any) -> dict[str, Any]:
    kind = _strip_optional(kind)
    default = _default(f)
    help_text = spec.help
    shown = _default_text(f, spec)
    if shown is not None and 'default' not in help_text:
        help_text = f'{help_text} (default: {shown})'
    kwargs: dict[str, Any] = {'help': help_text.replace('%', '%%'), 'default': default}
    if kind is bool:
        kwargs['action'] = argparse.BooleanOptionalAction if default else 'store_true'
        return kwargs
    origin = typing.get_origin(kind)
    if origin in (list, tuple):
        kwargs['nargs'] = '+'
        inner = [a for a in typing.get_args(kind) if a is not Ellipsis]
        kind = _strip_optional(inner[0]) if inner else str
        origin = typing.get_origin(kind)
    if origin is Literal:
        kwargs['choices'] = typing.get_args(kind)
        kind = type(typing.get_args(kind)[0])
    if spec.choices is not None:
        kwargs['choices'] = spec.choices
    kwargs['type'] = str if kind is Path else kind
    if spec.metavar:
        kwargs['metavar'] = spec.metavar
    if spec.required and not spec.positional:
        kwargs['required'] = True
    return kwargs


def add_options(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    settings: type,
    *,
    only: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> None:
    """Add an argument per option field of ``settings`` (``only``/``exclude``: field names)."""
    wanted = set(only) if only is not None else None
    skipped = set(exclude)
    for f, spec, kind in option_fields(settings):
        if not spec.cli or f.name in skipped or (wanted is not None and f.name not in wanted):
            continue
        kwargs = _argparse_kwargs(f, spec, kind)
        if spec.positional:
            if not spec.required and 'nargs' not in kwargs:
                kwargs['nargs'] = '?'
            parser.add_argument(f.name, **kwargs)
        else:
            parser.add_argument(_flag(f, spec), dest=f.name, **kwargs)


def from_args(settings: type, args: argparse.Namespace, **overrides: Any) -> Any:
    """An instance of ``settings`` from the parsed arguments (fields absent there keep their
    defaults); ``overrides`` win. Paths given as strings become ``Path`` where the field is one.
    """
    values: dict[str, Any] = {}
    for f, _, kind in option_fields(settings):
        if hasattr(args, f.name):
            value = getattr(args, f.name)
            if value is not None and _strip_optional(kind) is Path:
                value = Path(value)
            values[f.name] = value
    values.update(overrides)
    return settings(**values)


def settings_json(settings: Any) -> dict[str, Any]:
    """The settings as plain JSON values (paths as strings, tuples as lists), for reports."""

    def plain(value: Any) -> Any:
        if isinstance(value, Path):
            return str(value)
        if isinstance(value, list | tuple):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return {f.name: plain(getattr(settings, f.name)) for f in dataclasses.fields(settings)}


def options_markdown(settings: type, *, only: Iterable[str] | None = None) -> str:
    """A Markdown table of the command-line options of ``settings`` (option, default, meaning)."""
    wanted = set(only) if only is not None else None
    rows = ['| option | default | meaning |', '|---|---|---|']
    for f, spec, kind in option_fields(settings):
        if not spec.cli or (wanted is not None and f.name not in wanted):
            continue
        name = f.name if spec.positional else _flag(f, spec)
        choices = _argparse_kwargs(f, spec, kind).get('choices')
        shown = _default_text(f, spec) or ''
        meaning = spec.help + (f' ({" / ".join(map(str, choices))})' if choices else '')
        rows.append(f'| `{name}` | {shown} | {meaning.replace("|", "/")} |')
    return '\n'.join(rows)
