"""User-facing errors: one clear line, no traceback, non-zero exit (see cli.py, tools/)."""

from __future__ import annotations

import re

# mmengine's registry re-raises build errors as ``type(e)(f'class `X` in mod: {e}')``.
_REGISTRY_PREFIX = re.compile(r'^(class `[^`]+` in [\w.]+: )+')


class PetsegError(Exception):
    """An error caused by the user's input or environment, shown without a traceback."""


class DataLayoutError(PetsegError, FileNotFoundError):
    """A data root, split folder or file is missing or not in the expected layout."""


class OutputExistsError(PetsegError, FileExistsError):
    """An output folder or file exists and ``--overwrite`` was not given."""


def user_message(error: BaseException) -> str:
    """The error's message without mmengine's registry prefixes, on one line."""
    text = _REGISTRY_PREFIX.sub('', str(error))
    return ' '.join(text.split())
