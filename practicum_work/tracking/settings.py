"""``petseg clearml-import``'s settings: each field is an option, declared only here."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from practicum_work.core.options import option


@dataclass(kw_only=True)
class ClearMLImportSettings:
    """The offline session zips to upload."""

    sessions: list[Path] = option(
        help='offline session zip(s)', positional=True, metavar='PATH.zip'
    )
