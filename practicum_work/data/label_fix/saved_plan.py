"""A dry-run plan read back for ``fix-labels --apply``: checked against the data and the options.

``--apply PLAN`` writes the cleaned copy that a reviewed plan describes, without scanning the
dataset or judging species again. It is refused, in one line naming what differs, when

- the dataset changed since the dry run: a sample appeared or vanished, or a file's bytes
  differ from the fingerprint plan.json holds for it (:mod:`.fingerprints`);
- an option given with ``--apply`` contradicts the settings the plan was made with (e.g.
  ``--swap-threshold 0.9`` on a plan made with 0.95): the plan already holds the decisions
  those settings lead to;
- the plan has no fingerprints (made by an older petseg).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.core.layout import find_splits, pair_split
from practicum_work.core.progress import ordered_map
from practicum_work.data.label_fix.fingerprints import check_job
from practicum_work.data.label_fix.plan import PlanItem
from practicum_work.data.label_fix.sample_scan import scan_jobs

PLAN_FILE = 'plan.json'
DECISIONS_FILE = 'decisions.json'


@dataclass
class SavedPlan:
    """plan.json of a dry run: where it is, its head, its items."""

    path: Path
    document: dict
    items: list[PlanItem]

    @property
    def folder(self) -> Path:
        """The dry-run folder (decisions.json of petseg review sits here)."""
        return self.path.parent

    @property
    def settings(self) -> dict:
        """The settings the plan was made with."""
        return self.document.get('settings', {})


def read_plan(path: str | Path) -> SavedPlan:
    """plan.json of ``path`` (a dry-run folder or the file itself); a clear error otherwise."""
    path = Path(path)
    if path.is_dir():
        path = path / PLAN_FILE
    if not path.is_file():
        raise DataLayoutError(f'{path} does not exist (fix-labels --dry-run writes plan.json)')
    try:
        document = json.loads(path.read_text(encoding='utf-8'))
        items = [PlanItem.from_json(item) for item in document['items']]
    except (UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise PetsegError(f'{path}: not a fix-labels plan ({err})') from err
    if 'data_root' not in document or 'settings' not in document:
        raise PetsegError(f'{path}: not a fix-labels plan (no data_root or settings)')
    return SavedPlan(path, document, items)


def _same(value, recorded) -> bool:
    if value is None or recorded is None:
        return value is recorded
    if isinstance(value, bool) or isinstance(recorded, bool):
        return bool(value) == bool(recorded)
    if isinstance(value, int | float) and isinstance(recorded, int | float):
        return math.isclose(float(value), float(recorded), abs_tol=1e-9)
    if isinstance(value, Path) or isinstance(recorded, Path):
        return Path(value).resolve() == Path(recorded).resolve()
    return str(value) == str(recorded)


def check_options(saved: SavedPlan, given: dict[str, object]) -> None:
    """Refuse a setting (``{'swap_threshold': 0.9}``: a field of the plan's settings) that
    contradicts the setting the plan was made with."""
    for key, value in given.items():
        option = '--' + key.replace('_', '-')
        recorded = saved.settings.get(key)
        if key == 'classifier' and recorded is None:  # plans of before the key was recorded
            recorded = saved.document.get('classifier', {}).get('requested')
        if not _same(value, recorded):
            shown = '' if value is True else f' {value}'
            raise PetsegError(
                f'{option}{shown} differs from the setting the plan was made with ({key}: '
                f'{recorded}, {saved.path}); make a new dry run with it, or leave it out'
            )


def _listed(root: Path) -> set[tuple[str, str, str | None, str | None]]:
    pairings = [pair_split(root, split) for split in find_splits(root)]
    return {(j.split, j.stem, j.image, j.mask) for j in scan_jobs(root, pairings)}


def check_files(
    saved: SavedPlan, root: Path, workers: int | None = None, show_progress: bool = True
) -> None:
    """Refuse when ``root`` is not the data the plan judged (samples or bytes differ)."""
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist ({saved.path} judged it)')
    if not any(item.fingerprints for item in saved.items):
        raise PetsegError(
            f'{saved.path} holds no file fingerprints (made by an older petseg): '
            'make a new dry run and review it'
        )
    planned = {(i.split, i.stem, i.image, i.mask) for i in saved.items}
    found = _listed(root)
    changed = sorted(
        [f'{s}/{t} is new' for s, t, *_ in found - planned]
        + [f'{s}/{t} is gone or paired differently' for s, t, *_ in planned - found]
    )
    jobs = [
        (str(root), rel, item.fingerprints[key])
        for item in saved.items
        for key, rel in (('image', item.image), ('mask', item.mask))
        if rel is not None and key in item.fingerprints
    ]
    if not changed:
        differ = ordered_map(check_job, jobs, workers, 'checking files', show_progress)
        changed = [f'{rel} changed' for rel in differ if rel is not None]
    if changed:
        more = f' (and {len(changed) - 1} more)' if len(changed) > 1 else ''
        raise PetsegError(
            f'{root} is not the data {saved.path} was made on: {changed[0]}{more} since the '
            'dry run; make a new dry run and review it'
        )


def decisions_to_apply(saved: SavedPlan, given: Path | None) -> Path | None:
    """The decisions file to apply: ``given``, else decisions.json beside the plan, else None.

    A plan made with ``--decisions`` already holds them: another file is refused.
    """
    made_with = saved.settings.get('decisions')
    if made_with is not None:
        if given is not None:
            raise PetsegError(
                f'{saved.path} already holds the decisions of {made_with}; apply it without '
                '--decisions, or make a new dry run without --decisions'
            )
        return None
    if given is not None:
        return given
    beside = saved.folder / DECISIONS_FILE
    return beside if beside.is_file() else None
