"""The registered data checks, one module each; :func:`load_checks` registers them all.

Every module of this package that defines a :class:`~practicum_work.core.findings.Check`
registers it with ``@CHECKS.register`` when imported; :func:`load_checks` imports them all (a
new module is found without being listed anywhere). Helpers, not checks: :mod:`.sample` (the
pair decoded once, what per-pair checks receive), :mod:`.settings` (the thresholds a user may
set), :mod:`.docs` (the docs table made from the registry).

Importing this package is cheap (nothing heavy at import): ``petseg --help`` reads settings
from :mod:`.settings`; the checks themselves load when a tool runs them.
"""

from __future__ import annotations

import importlib
import pkgutil

from practicum_work.core.findings import CHECKS, CheckRegistry

_HELPERS = frozenset({'sample', 'settings', 'docs'})


def check_modules() -> list[str]:
    """The names of this package's check modules (every module but the helpers)."""
    return sorted(
        info.name
        for info in pkgutil.iter_modules(__path__)
        if info.name not in _HELPERS and not info.name.startswith('_')
    )


def load_checks() -> CheckRegistry:
    """Import every check module (each registers its check) and return the registry."""
    for name in check_modules():
        importlib.import_module(f'{__name__}.{name}')
    return CHECKS


CHECKS.set_loader(load_checks)  # whoever reads the registry first gets every check
