"""``petseg review``'s settings: each field is an option, declared only here (light to import)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from practicum_work.core.options import option


@dataclass(kw_only=True)
class ReviewSettings:
    """Which report to review and where the page is served."""

    plan: Path = option(
        required=True,
        metavar='FOLDER',
        help='work_dirs/label_fix/<name> (plan.json), an eda folder (report.json) or a '
        'label-quality folder (report/scores.json)',
    )
    port: int = option(8765, help='0 picks a free port')
    no_browser: bool = option(False, help='print the URL only')
