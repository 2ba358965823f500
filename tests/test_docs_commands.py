"""Every command the README and docs/ show exists, and every option it passes is one it takes.

Commands are read from fenced code blocks and inline code spans: ``petseg SUBCOMMAND ...``
(checked against the CLI's own parser), ``python tools/*.py ...`` and ``python -m
practicum_work.<module> ...`` (against its ``--help``), ``python benchmarks/*.py`` and
``bash <script>`` (the file exists; a benchmark's options are declared in it) and
``make TARGET`` (a Makefile target).
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest

from practicum_work.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / 'README.md', *sorted((ROOT / 'docs').glob('*.md'))]
FENCE = re.compile(r'```[a-z]*\n(.*?)```', re.S)
INLINE = re.compile(r'`((?:petseg|python tools/|python -m practicum_work|make )[^`]*)`')
ENV_ASSIGNMENT = re.compile(r'^[A-Z_][A-Z0-9_]*=\S*$')
OPTION = re.compile(r'^--[a-z][a-z0-9-]*')


def _commands(page: Path) -> list[str]:
    """Command lines shown on ``page`` (continuations joined, comments dropped)."""
    text = page.read_text(encoding='utf-8')
    lines: list[str] = []
    for block in FENCE.findall(text):
        joined = re.sub(r'\\\n\s*', ' ', block)
        for line in joined.splitlines():
            line = re.sub(r'\s+#\s.*$', '', line).strip()
            if line and not line.startswith('#'):
                lines.append(line)
    lines += [m.group(1) for m in INLINE.finditer(text.replace('\n', ' '))]
    commands = []
    for line in lines:
        for part in re.split(r'\s*(?:&&|;|\|\|)\s*', line):
            words = part.split()
            while words and ENV_ASSIGNMENT.match(words[0]):
                words = words[1:]
            if words and words[0] in ('petseg', 'python', 'make', 'bash'):
                commands.append(' '.join(words))
    return commands


def _options(words: list[str]) -> list[str]:
    """The ``--option`` names among ``words`` (``[--split test]``, ``--k=v`` and ``a|b`` too)."""
    found = []
    for word in words:
        match = OPTION.match(word.lstrip('[('))
        if match:
            found.append(match.group(0))
    return found


@cache
def _petseg_options() -> dict[str, set[str]]:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == 'command')
    return {
        name: set(sub._option_string_actions) for name, sub in subparsers.choices.items()
    }  # fmt: skip


@cache
def _help_options(script: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, str(ROOT / script), '--help'],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return set(re.findall(r'--[a-z][a-z0-9_-]*', result.stdout))


@cache
def _module_help_options(module: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, '-m', module, '--help'],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=300,
    )
    assert result.returncode == 0, f'python -m {module} --help: {result.stderr[-2000:]}'
    return set(re.findall(r'--[a-z][a-z0-9_-]*', result.stdout))


def _make_targets() -> set[str]:
    text = (ROOT / 'Makefile').read_text(encoding='utf-8')
    return set(re.findall(r'^([a-z][a-z-]*):', text, re.M))


def _problems(command: str) -> list[str]:
    words = shlex.split(command.replace('"', "'"), posix=False)
    tool, rest = words[0], words[1:]
    if tool == 'petseg':
        if not rest or not re.fullmatch(r'[a-z][a-z-]*', rest[0]):
            return []
        known = _petseg_options()
        if rest[0] not in known:
            return [f'no petseg command {rest[0]!r}']
        taken = known[rest[0]]
        return [f'petseg {rest[0]} has no {o}' for o in _options(rest[1:]) if o not in taken]
    if tool == 'make':
        return [f'no make target {t!r}' for t in rest[:1] if t not in _make_targets()]
    if rest[:1] == ['-m'] and len(rest) > 1 and rest[1].startswith('practicum_work.'):
        module = rest[1]
        taken = _module_help_options(module)
        return [f'{module} has no {o}' for o in _options(rest[2:]) if o not in taken]
    script = next((w for w in rest if w.endswith(('.py', '.sh'))), None)
    if script is None or script.startswith('-') or '/' not in script:
        return []  # `python -m ...`, a user's own script
    path = ROOT / script
    if not path.is_file():
        return [f'{script} does not exist']
    options = _options(rest[rest.index(script) + 1 :])
    if script.startswith('tools/') and script.endswith('.py'):
        return [f'{script} has no {o}' for o in options if o not in _help_options(script)]
    if script.startswith('benchmarks/') and script.endswith('.py'):
        declared = path.read_text(encoding='utf-8')
        return [f'{script} has no {o}' for o in options if f"'{o}'" not in declared]
    return []


def test_pages_show_commands() -> None:
    shown = {page.name: len(_commands(page)) for page in PAGES}
    assert shown['README.md'] >= 8, shown
    assert sum(shown.values()) >= 100, shown


@pytest.mark.parametrize('page', PAGES, ids=lambda p: p.name)
def test_every_command_shown_exists_with_its_options(page: Path) -> None:
    problems = [f'{cmd}\n    -> {p}' for cmd in _commands(page) for p in _problems(cmd)]
    assert not problems, '\n'.join(problems)
