"""Options declared once: a settings dataclass field is the option's default, help and choices.

A tool's settings are a dataclass whose fields are made with :func:`option`; from it come
the command line (:func:`add_options`, argparse), the settings object (:func:`from_args`),
the JSON echo a report carries (:func:`settings_json`) and the docs' option table
(:func:`options_markdown`). Nothing is repeated, so nothing can disagree. Settings that
extend others (a command's I/O over a tool's settings, two tools over shared fold settings)
derive from them as dataclass subclasses; :func:`view` gives the base's part back, and
:func:`settings_kwargs` the fields as keyword arguments for a function named like them.

The argparse form follows the field's type: ``bool`` -> a flag (``--no-x`` too when the
default is True), ``int``/``float``/``str``/``Path`` -> a typed value, ``list[...]`` /
``tuple[...]`` -> ``nargs='+'``, ``Literal['a', 'b']`` -> choices, ``X | None`` -> X. The
option's name is the field's with dashes (``data_root`` -> ``--data-root``) unless ``flag``
says otherwise; ``positional=True`` makes it an argument. ``aliases`` keep an older spelling
working: more flags for an option, and for an argument an option that may stand in for it
(``CONFIG`` or ``--config CONFIG``; :func:`from_args` takes either and refuses both). ``type``,
``action``, ``nargs`` and ``const`` pass through to argparse where the field's type is not
enough (``--clearml [MODE]``, ``--cfg-options k=v ...``). Only the standard library is
imported, so that ``petseg --help`` stays fast.

A command's options in the docs are generated too: :func:`update_option_tables` rewrites the
blocks between ``<!-- options: NAME -->`` and ``<!-- /options -->`` of a Markdown page.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Literal

from practicum_work.core.errors import PetsegError

__all__ = [
    'OptionSpec',
    'add_options',
    'from_args',
    'option',
    'option_fields',
    'option_table_names',
    'options_markdown',
    'settings_json',
    'settings_kwargs',
    'update_option_tables',
    'view',
]

_UNSET: Any = object()  # no ``const``: the option takes exactly one value


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
    aliases: tuple[str, ...] = ()  # older spellings: more flags, or an option for an argument
    type: Callable[[str], Any] | None = None  # argparse ``type`` when the field's is not enough
    action: type[argparse.Action] | None = None  # a custom argparse action (e.g. DictAction)
    nargs: int | str | None = None  # argparse ``nargs`` when the field's type is not enough
    const: Any = _UNSET  # ``--flag`` alone means this value (``nargs='?'``)


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
    aliases: Iterable[str] = (),
    type: Callable[[str], Any] | None = None,
    action: type[argparse.Action] | None = None,
    nargs: int | str | None = None,
    const: Any = _UNSET,
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
        aliases=tuple(aliases),
        type=type,
        action=action,
        nargs=nargs,
        const=const,
    )
    if isinstance(default, list | dict | set):
        value = default
        return dataclasses.field(default_factory=value.copy, metadata={'option': spec})
    return dataclasses.field(default=default, metadata={'option': spec})


def option_fields(settings: type | Any) -> list[tuple[dataclasses.Field, OptionSpec, Any]]:
    """``(field, spec, resolved type)`` of every field made with :func:`option`."""
    return list(_option_fields(settings if isinstance(settings, type) else type(settings)))


@functools.cache
def _option_fields(cls: type) -> tuple[tuple[dataclasses.Field, OptionSpec, Any], ...]:
    hints = typing.get_type_hints(cls)  # the costly part: evaluated once per class
    found = []
    for f in dataclasses.fields(cls):
        spec = f.metadata.get('option')
        if spec is not None:
            found.append((f, spec, hints[f.name]))
    return tuple(found)


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
    if value is None or value is False or spec.required:
        return None
    if isinstance(value, list | tuple):
        return ' '.join(map(str, value)) if value else None
    return str(value)


def _required(f: dataclasses.Field, spec: OptionSpec) -> bool:
    return spec.required or (
        f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


def _alias_dest(f: dataclasses.Field) -> str:
    return f'{f.name}__alias'  # where an argument's alias option (``--config``) lands


def _argparse_kwargs(f: dataclasses.Field, spec: OptionSpec, kind: Any) -> dict[str, Any]:
    kind = _strip_optional(kind)
    default = _default(f)
    help_text = spec.help
    shown = _default_text(f, spec)
    if shown is not None and 'default' not in help_text:
        help_text = f'{help_text} (default: {shown})'
    kwargs: dict[str, Any] = {'help': help_text.replace('%', '%%'), 'default': default}
    if spec.action is not None:
        kwargs['action'] = spec.action
    elif kind is bool:
        kwargs['action'] = argparse.BooleanOptionalAction if default else 'store_true'
        return kwargs
    origin = typing.get_origin(kind)
    if origin in (list, tuple) and spec.type is None:  # a ``type`` parses the whole value
        kwargs['nargs'] = '+'
        inner = [a for a in typing.get_args(kind) if a is not Ellipsis]
        kind = _strip_optional(inner[0]) if inner else str
        origin = typing.get_origin(kind)
    if origin is Literal:
        kwargs['choices'] = typing.get_args(kind)
        kind = type(typing.get_args(kind)[0])
    if spec.choices is not None:
        kwargs['choices'] = spec.choices
    if spec.nargs is not None:
        kwargs['nargs'] = spec.nargs
    if spec.const is not _UNSET:
        kwargs['nargs'], kwargs['const'] = '?', spec.const
    if spec.action is None:  # a custom action converts its own values
        kwargs['type'] = spec.type or (str if kind is Path else kind)
    if spec.metavar:
        kwargs['metavar'] = spec.metavar
    if _required(f, spec) and not spec.positional:  # no default: the option must be given
        kwargs['required'] = True
    return kwargs


def _cli_order(
    fields: list[tuple[dataclasses.Field, OptionSpec, Any]],
) -> list[tuple[dataclasses.Field, OptionSpec, Any]]:
    """Arguments first, then the required options, then the rest (each in declaration order:
    a derived settings class's own fields come after its base's)."""
    return sorted(fields, key=lambda item: (not item[1].positional, not _required(*item[:2])))


def add_options(
    parser: argparse.ArgumentParser | argparse._ArgumentGroup,
    settings: type,
    *,
    only: Iterable[str] | None = None,
    exclude: Iterable[str] = (),
) -> None:
    """Add an argument per option field of ``settings`` (``only``/``exclude``: field names).

    An argument with ``aliases`` (``CONFIG`` or ``--config CONFIG``) is optional to argparse;
    :func:`from_args` then says when it is missing or given twice.
    """
    wanted = set(only) if only is not None else None
    skipped = set(exclude)
    for f, spec, kind in _cli_order(option_fields(settings)):
        if not spec.cli or f.name in skipped or (wanted is not None and f.name not in wanted):
            continue
        kwargs = _argparse_kwargs(f, spec, kind)
        if not spec.positional:
            parser.add_argument(_flag(f, spec), *spec.aliases, dest=f.name, **kwargs)
            continue
        if spec.aliases:
            kwargs['default'] = None  # from_args tells "not given" from "given as the default"
            alias = {k: v for k, v in kwargs.items() if k in ('type', 'choices', 'nargs')}
            metavar = spec.metavar or f.name.upper()
            parser.add_argument(
                *spec.aliases, dest=_alias_dest(f), default=None, help=argparse.SUPPRESS,
                metavar=metavar, **alias,
            )  # fmt: skip
            kwargs['help'] += f' (or {" / ".join(spec.aliases)} {f.name.upper()})'
        if not _required(f, spec) and 'nargs' not in kwargs:
            kwargs['nargs'] = '?'
        action = parser.add_argument(f.name, **kwargs)
        if spec.aliases:
            action.required = False  # the alias may stand in for it: checked in from_args


def _as_paths(value: Any, kind: Any) -> Any:
    """``value`` with strings made ``Path`` where ``kind`` is ``Path`` or a list/tuple of it."""
    if value is None:
        return None
    if kind is Path:
        return Path(value)
    if typing.get_origin(kind) in (list, tuple) and Path in typing.get_args(kind):
        return type(value)(Path(v) for v in value)
    return value


def from_args(settings: type, args: argparse.Namespace, **overrides: Any) -> Any:
    """An instance of ``settings`` from the parsed arguments (fields absent there keep their
    defaults); ``overrides`` win. Paths given as strings become ``Path`` where the field is one
    (or a list of them).

    An argument and its alias option (``CONFIG`` / ``--config``): either one, not both; a
    required one missing is a :class:`PetsegError` (one line, exit 2 in ``petseg``).
    """
    values: dict[str, Any] = {}
    for f, spec, kind in option_fields(settings):
        if not hasattr(args, f.name):
            continue
        value = getattr(args, f.name)
        if spec.positional and spec.aliases and f.name not in overrides:
            alias = getattr(args, _alias_dest(f), None)
            name, flags = f.name.upper(), ' / '.join(spec.aliases)
            if value is not None and alias is not None:
                raise PetsegError(f'{name} given twice ({value} and {flags} {alias}): give it once')
            value = alias if value is None else value
            if value is None:
                if _required(f, spec):
                    raise PetsegError(f'{name} is required (the argument, or {flags} {name})')
                continue  # the field's default
        values[f.name] = _as_paths(value, _strip_optional(kind))
    values.update(overrides)
    return settings(**values)


def view(settings: Any, part: type) -> Any:
    """``settings`` seen as ``part``, one of its dataclass bases: the fields ``part`` declares,
    with the values ``settings`` holds (sub-settings derived, never declared twice)."""
    return part(**{f.name: getattr(settings, f.name) for f in dataclasses.fields(part) if f.init})


def settings_kwargs(settings: Any, *, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The fields of ``settings`` as keyword arguments (``exclude``: field names left out), for a
    tool function whose parameters are named like them."""
    skipped = set(exclude)
    return {
        f.name: getattr(settings, f.name)
        for f in dataclasses.fields(settings)
        if f.name not in skipped
    }


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


def _cell(text: str) -> str:
    """``text`` safe in a Markdown table cell (no column break, ``<out>`` not read as HTML)."""
    return text.replace('|', '/').replace('<', '&lt;').replace('>', '&gt;')


def options_markdown(settings: type, *, only: Iterable[str] | None = None) -> str:
    """A Markdown table of the command-line options of ``settings`` (option, default, meaning)."""
    wanted = set(only) if only is not None else None
    rows = ['| option | default | meaning |', '|---|---|---|']
    for f, spec, kind in _cli_order(option_fields(settings)):
        if not spec.cli or (wanted is not None and f.name not in wanted):
            continue
        names = [f.name] if spec.positional else [_flag(f, spec)]
        names += spec.aliases
        choices = _argparse_kwargs(f, spec, kind).get('choices')
        shown = _default_text(f, spec) or ''
        meaning = spec.help + (f' ({" / ".join(map(str, choices))})' if choices else '')
        if _required(f, spec) and not spec.positional:
            meaning = f'**required**; {meaning}'
        name = ', '.join(f'`{n}`' for n in names)
        rows.append(f'| {name} | {_cell(shown)} | {_cell(meaning)} |')
    return '\n'.join(rows)


_TABLE_BLOCK = r'(<!-- options: ([\w-]+) -->\n).*?(<!-- /options -->)'  # re.S


def update_option_tables(text: str, tables: Mapping[str, str]) -> str:
    """``text`` with each ``<!-- options: NAME -->`` ... ``<!-- /options -->`` block holding
    ``tables[NAME]`` (a block whose NAME is not in ``tables`` is a :class:`PetsegError`)."""
    unknown = [name for name in re.findall(_TABLE_BLOCK, text, re.S) if name[1] not in tables]
    if unknown:
        raise PetsegError(f'no options table for <!-- options: {unknown[0][1]} -->')
    return re.sub(
        _TABLE_BLOCK, lambda m: f'{m.group(1)}{tables[m.group(2)]}\n{m.group(3)}', text, flags=re.S
    )


def option_table_names(text: str) -> list[str]:
    """The NAMEs of the ``<!-- options: NAME -->`` blocks of ``text``, in order."""
    return [name for _, name, _ in re.findall(_TABLE_BLOCK, text, re.S)]
