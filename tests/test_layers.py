"""The package's layers point one way: read every import with ``ast`` and check the rules.

Layers, bottom up (a module may import its own layer and the layers below it):

0. ``core``: the shared vocabulary (classes and colours, dataset layout, the one image/mask
   I/O module, atomic writes, progress, config helpers, paths); imports nothing else of the
   package (``compat``, the package's import-time fix, and ``__version__`` stand apart).
1. ``tracking`` (ClearML) and ``vis`` (panels): core only.
2. ``mmseg_ext``: the registered training components: core, tracking and vis.
3. ``data``: the data tools: core and vis, never training components, analysis or commands.
3. ``analysis``: core, vis, tracking, mmseg_ext.
3. ``training`` (``train``, ``test`` and their shared ``run_cli``: a Runner's run as a function
   and as ``python -m``): core, tracking, mmseg_ext; data and analysis never import it.
4. ``label_quality``: trains and predicts with models: analysis, data and training too.
5. ``commands``, ``cli``, ``demo`` (and its light ``demo_settings``): anything; nothing imports
   ``commands``.

No package module reaches the clone's ``tools/`` scripts (they are thin wrappers for MMSeg
users' habits over ``practicum_work.train`` and ``practicum_work.test``): outside docstrings, no
string constant is a path into ``tools/`` (``'tools/train.py'``, ``REPO_ROOT / 'tools'``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / 'practicum_work'
ALLOWED: dict[str, set[str]] = {
    'core': set(),
    'tracking': {'core'},
    'vis': {'core'},
    'mmseg_ext': {'core', 'tracking', 'vis'},
    'training': {'core', 'tracking', 'mmseg_ext'},
    'data': {'core', 'vis'},
    'analysis': {'core', 'vis', 'tracking', 'mmseg_ext'},
    'label_quality': {'core', 'vis', 'tracking', 'mmseg_ext', 'analysis', 'data', 'training'},
    'review': {'core', 'vis', 'data'},
    'top': {
        'core',
        'vis',
        'tracking',
        'mmseg_ext',
        'training',
        'analysis',
        'data',
        'label_quality',
        'review',
        'commands',
    },
}
TOP_LEVEL = {'cli', 'demo', 'demo_settings', 'commands'}
TRAINING = {'train', 'test', 'run_cli'}
# A string that is a path with a ``tools`` part: 'tools/train.py', '/x/tools/', 'tools'.
TOOLS_PATH = re.compile(r'(?:\S*/)?tools(?:/\S*)?')


def _layer(module: str) -> str:
    """The layer of ``practicum_work.<part>...``."""
    part = module.split('.')[1] if '.' in module else ''
    if part in TOP_LEVEL:
        return 'top'
    if part in TRAINING:
        return 'training'
    return part


def _imports(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding='utf-8'))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f'{node.module}.{alias.name}' for alias in node.names]
            found += [(node.lineno, node.module if node.module != 'practicum_work' else n)
                      for n in names]  # fmt: skip
    return [(line, name) for line, name in found if name.startswith('practicum_work.')]


def _modules() -> list[Path]:
    return sorted(
        p for p in PACKAGE.rglob('*.py') if p.name != '__init__.py' or p.parent != PACKAGE
    )


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix('').parts
    return '.'.join(parts[:-1] if parts[-1] == '__init__' else parts)


def violations(path: Path) -> list[tuple[int, str]]:
    """The imports of ``path`` that break the layer rules: ``[(line, imported module)]``."""
    layer = _layer(_module_name(path))
    if layer == 'compat':
        return []
    assert layer in ALLOWED, f'{path} is in no layer; add its folder to tests/test_layers.py'
    return [
        (line, name)
        for line, name in _imports(path)
        if _layer(name) not in ('compat', '__version__', layer)  # package face, own layer
        and _layer(name) not in ALLOWED[layer]
    ]


@pytest.mark.parametrize('path', _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_imports_follow_the_layers(path):
    wrong = violations(path)
    assert not wrong, f'{_module_name(path)} imports ' + ', '.join(
        f'{name} (line {line})' for line, name in wrong
    )


def test_nothing_imports_commands_but_the_cli():
    for path in _modules():
        module = _module_name(path)
        if module.startswith('practicum_work.commands') or module == 'practicum_work.cli':
            continue
        for line, name in _imports(path):
            assert not name.startswith('practicum_work.commands'), f'{module}:{line} imports {name}'


def test_the_rules_catch_a_violation(tmp_path):
    """The check itself can fail: a data tool importing a training component is caught."""
    fake = tmp_path / 'practicum_work' / 'data' / 'bad.py'
    fake.parent.mkdir(parents=True)
    fake.write_text('from practicum_work.mmseg_ext.losses import softmax_dice\nimport numpy\n')
    global PACKAGE
    saved, PACKAGE = PACKAGE, tmp_path / 'practicum_work'
    try:
        assert violations(fake) == [(1, 'practicum_work.mmseg_ext.losses')]
    finally:
        PACKAGE = saved


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes of a module, its classes and functions."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                found.add(id(first.value))
    return found


def tools_paths(path: Path) -> list[tuple[int, str]]:
    """String constants of ``path`` (docstrings aside) that are paths into the clone's tools/."""
    tree = ast.parse(path.read_text(encoding='utf-8'))
    docstrings = _docstrings(tree)
    return sorted(
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
        and TOOLS_PATH.fullmatch(node.value.strip())
    )


@pytest.mark.parametrize('path', _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_package_code_reaches_the_clones_tools(path):
    found = tools_paths(path)
    assert not found, (
        f'{_module_name(path)} names '
        + ', '.join(f'{value!r} (line {line})' for line, value in found)
        + ': run practicum_work.train / practicum_work.test (the function, or python -m) instead'
    )


def test_the_tools_rule_catches_paths_not_prose(tmp_path):
    """Paths into tools/ are caught; a docstring or a sentence naming tools/test.py is not."""
    fake = tmp_path / 'bad.py'
    fake.write_text(
        '"""Run like tools/train.py."""\n'
        "SCRIPT = repo_path('tools/train.py')\n"
        "OTHER = REPO_ROOT / 'tools' / 'test.py'\n"
        "NAMED = f'{REPO_ROOT}/tools/dist_train.sh'\n"
        "HELP = 'override settings as in tools/test.py, e.g. a=1'\n"
        "CONFIG = 'configs/hyp1_segformer_b0.py'\n"
    )
    assert [line for line, _ in tools_paths(fake)] == [2, 3, 4]
