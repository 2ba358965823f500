"""Write the cleaned copy: every kept sample, masks changed as planned, and ``manifest.json``.

Unchanged files are hard-linked into the copy (copied where links are impossible, or always
with ``copy=True``); changed masks are written as single-channel PNG. The source is only read.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.atomic import atomic_output_dir
from practicum_work.core.image_io import read_label_map
from practicum_work.core.layout import IMAGE_DIR, MASK_DIR
from practicum_work.core.progress import ordered_map
from practicum_work.data.label_fix.mask_policies import (
    class_pixel_counts,
    component_at,
    replace_stray,
    resize_nearest,
    swap_species,
)
from practicum_work.data.label_fix.plan import PlanItem, item_to_json

KEPT_DECISIONS = ('keep', 'fix', 'review')
PIXEL_KEYS = ('background', 'cat', 'dog', 'ignore', 'stray')


def apply_changes(mask: np.ndarray, changes: list[dict]) -> np.ndarray:
    """The uint8 mask after the planned ``changes`` (mode already normalised by the reader)."""
    out = mask
    stray = next((c for c in changes if c['type'] == 'stray_values'), None)
    if stray is not None or out.dtype != np.uint8:
        out = replace_stray(out, 'background' if stray and stray['to'] == 0 else 'ignore')
    for change in changes:
        if change['type'] == 'resize_nearest':
            out = resize_nearest(out, tuple(change['to']))
    if any(c['type'] == 'swap_species' for c in changes):
        out = swap_species(out)
    components = [c for c in changes if c['type'] == 'swap_component']
    if components:
        where = np.zeros(out.shape, bool)
        for change in components:
            label = 1 if change['label'] == 'cat' else 2
            where |= component_at(out, label, tuple(change['seed_xy']))
        out = swap_species(out, where)
    return np.ascontiguousarray(out, dtype=np.uint8)


def mask_after(root: Path, item: dict) -> np.ndarray:
    """The mask of a plan item (JSON) as the cleaned copy holds it.

    A ``replace_mask`` change (a label-quality proposal accepted in ``petseg review``) takes
    that file instead of the dataset's mask; every other change applies to the given mask.
    """
    replace = next((c for c in item['changes'] if c['type'] == 'replace_mask'), None)
    mask, _ = read_label_map(Path(replace['file']) if replace else root / item['mask'])
    return apply_changes(mask, [c for c in item['changes'] if c['type'] != 'replace_mask'])


def _place(src: Path, dst: Path, copy: bool) -> None:
    if not copy:
        try:
            os.link(src, dst)
            return
        except OSError:  # another file system, or links not supported
            pass
    shutil.copy2(src, dst)


def _write_sample(job: tuple[Path, Path, dict, bool]) -> tuple[str, dict[str, int]]:
    root, out, item, copy = job
    _place(root / item['image'], out / item['image'], copy)
    if item['changes']:
        cleaned = mask_after(root, item)
        if not cv2.imwrite(str(out / item['mask']), cleaned):
            raise OSError(f'could not write {out / item["mask"]}')
        counts = class_pixel_counts(cleaned)
    else:
        _place(root / item['mask'], out / item['mask'], copy)
        counts = item['evidence']['class_pixels']
    return item['split'], counts


def _copy_job(item: PlanItem) -> dict:
    """What writing one kept sample needs of its plan item (not the whole item: at 70,000
    samples every item as a dict would be ~200 MB)."""
    return {
        'split': item.split,
        'image': item.image,
        'mask': item.mask,
        'changes': item.changes,
        'evidence': {'class_pixels': item.evidence.get('class_pixels')},
    }


def _manifest_changes(items: list[PlanItem], after: dict[int, dict], splits: list[str]) -> list:
    """Every item the copy does not keep as it was (or a person decided), as JSON, with the
    class pixels after its changes (``after``: by ``id(item)``)."""
    changed = []
    for item in items:
        if item.decision == 'keep' and item.decided_by != 'human':
            continue
        record = item_to_json(item)
        if id(item) in after:
            record['class_pixels_after'] = after[id(item)]
        changed.append(record)
    changed.sort(key=lambda i: (splits.index(i['split']), i['stem']))
    return changed


def _totals(per_split: dict[str, dict]) -> dict:
    return {
        split: {'masks': v['masks'], 'class_pixels': {k: v[k] for k in PIXEL_KEYS}}
        for split, v in per_split.items()
    }


def write_clean_copy(
    root: Path,
    out: Path,
    items: list[PlanItem],
    manifest_head: dict,
    overwrite: bool = False,
    copy: bool = False,
    workers: int | None = None,
    show_progress: bool = True,
) -> dict:
    """Write the cleaned dataset to ``out`` (atomically) and return its manifest."""
    splits = list(dict.fromkeys(i.split for i in items))
    before = {s: dict.fromkeys(('masks', *PIXEL_KEYS), 0) for s in splits}
    after = {s: dict.fromkeys(('masks', *PIXEL_KEYS), 0) for s in splits}
    for item in items:
        pixels = item.evidence.get('class_pixels')
        if pixels is not None:
            before[item.split]['masks'] += 1
            for key in PIXEL_KEYS:
                before[item.split][key] += pixels[key]
    kept = [i for i in items if i.decision in KEPT_DECISIONS]
    pixels_after: dict[int, dict] = {}
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        for split in splits:
            (tmp / IMAGE_DIR / split).mkdir(parents=True)
            (tmp / MASK_DIR / split).mkdir(parents=True)
        jobs = ((root, tmp, _copy_job(item), copy) for item in kept)
        results = ordered_map(
            _write_sample, jobs, workers, 'writing cleaned copy', show_progress, total=len(kept)
        )
        for (split, counts), item in zip(results, kept):
            after[split]['masks'] += 1
            for key in PIXEL_KEYS:
                after[split][key] += counts[key]
            if item.changes:
                pixels_after[id(item)] = counts
        changed = _manifest_changes(items, pixels_after, splits)
        manifest = {
            **manifest_head,
            'statistics': {'before': _totals(before), 'after': _totals(after)},
            'dropped': [f'{i.split}/{i.stem}' for i in items if i.decision == 'drop'],
            'left_out': [f'{i.split}/{i.stem}' for i in items if i.decision == 'left_out'],
            'review': [f'{i.split}/{i.stem}' for i in items if i.decision == 'review'],
            'changes': changed,
        }
        (tmp / 'manifest.json').write_text(json.dumps(manifest, indent=2) + '\n')
    return manifest
