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
import re
from collections.abc import Callable
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
_ITEMS = '"items": ['  # where plan.json's item list begins (its last key)
_CHUNK = 1 << 20
_SPACE = re.compile(r'[\s,]*')
_KIND_KEYS = frozenset(
    ('split', 'decision', 'decided_by', 'image_mode', 'mask_mode', 'label', 'scope', 'issues',
     'kind', 'severity', 'action', 'type', 'judged_by_fold')
)  # fmt: skip


class _NotStreamed(ValueError):
    """The file is not laid out as fix-labels writes plan.json: read it whole instead."""


def _stream_items(path: Path, keep: Callable[[dict], object]) -> tuple[dict, list]:
    """The head of plan.json and ``keep(item)`` of each item (None: left out), reading the
    file a chunk at a time: never the whole text, never every item as a dict."""
    shared: dict[str, str] = {}  # one str per key name (as json.loads shares them) and per
    # value of the keys that name a kind (split, decision, mode...) across all items

    def sharing(pairs: list[tuple[str, object]]) -> dict:
        out = {}
        for key, value in pairs:
            key = shared.setdefault(key, key)
            if key in _KIND_KEYS:
                if isinstance(value, str):
                    value = shared.setdefault(value, value)
                elif isinstance(value, list):
                    value = [shared.setdefault(v, v) if isinstance(v, str) else v for v in value]
            out[key] = value
        return out

    decoder = json.JSONDecoder(object_pairs_hook=sharing)
    kept: list = []
    with path.open(encoding='utf-8') as handle:
        text = ''
        while (start := text.find(_ITEMS)) < 0:
            more = handle.read(_CHUNK)
            if not more:
                raise _NotStreamed('no item list')
            text += more
        try:
            head = json.loads(text[:start] + '"items": []}')
        except json.JSONDecodeError as err:  # the items are not the last key
            raise _NotStreamed(str(err)) from None
        head.pop('items')
        text, at, done = text[start + len(_ITEMS) :], 0, False
        while True:
            at = _SPACE.match(text, at).end()
            if text.startswith(']', at):
                rest = text[at + 1 :] + handle.read()
                if rest.strip() != '}':
                    raise _NotStreamed('more after the item list')
                return head, kept
            try:
                item, end = decoder.raw_decode(text, at)
            except json.JSONDecodeError:
                if done:
                    raise
                more = handle.read(_CHUNK)
                done = not more
                text, at = text[at:] + more, 0
                continue
            converted = keep(item)
            if converted is not None:
                kept.append(converted)
            at = end


def read_plan_items(path: str | Path, keep: Callable[[dict], object]) -> tuple[dict, list]:
    """plan.json's head (without ``items``) and ``keep(item)`` of every item that is not None.

    A plan as fix-labels writes it is read a chunk at a time (at 70,000 samples the text is
    ~110 MB and its dicts several times that); any other valid layout is read whole. Raises
    ``json.JSONDecodeError``, ``UnicodeDecodeError``, ``KeyError`` or ``TypeError`` on a file
    that is no plan.
    """
    path = Path(path)
    try:
        return _stream_items(path, keep)
    except _NotStreamed:
        document = json.loads(path.read_text(encoding='utf-8'))
        items = document.pop('items')
        return document, [k for k in map(keep, items) if k is not None]


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
        document, items = read_plan_items(path, PlanItem.from_json)
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
    if not changed:
        files = [
            (rel, item.fingerprints[key])
            for item in saved.items
            for key, rel in (('image', item.image), ('mask', item.mask))
            if rel is not None and key in item.fingerprints
        ]
        jobs = ((str(root), rel, fingerprint) for rel, fingerprint in files)
        differ = ordered_map(
            check_job, jobs, workers, 'checking files', show_progress, total=len(files)
        )
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
