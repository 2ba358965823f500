"""Contact sheets of flagged samples: image, mask before, mask after, and the decision.

One row per flagged sample, drawn by the one panel renderer (:mod:`practicum_work.vis.panels`):
the decision and its reasons as the caption, colour overlays (cat orange, dog blue, ignore
white, stray values magenta), ``rows_per_sheet`` rows per PNG. Rows are drawn in worker
processes, one sample each.

At most ``MAX_ROWS`` rows (20 sheets) are drawn: past that, sheets stop being an overview
(at 70,000 samples ~10,000 flagged would be ~330 sheets and minutes of drawing). Then the
first ``MAX_ROWS`` samples in the order ``petseg review`` shows them (automatic decisions in
plan order, then the reviews, strongest evidence first) get a row, in plan order; review
draws every flagged sample on demand.
"""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.colours import overlay_mask
from practicum_work.core.image_io import UnreadableFileError, read_image_rgb, read_label_map
from practicum_work.core.progress import ordered_map
from practicum_work.data.label_fix.apply import mask_after
from practicum_work.data.label_fix.plan import PlanItem, review_order
from practicum_work.vis.panels import Tile, class_legend, compose_panel, save_png, stack_rows

THUMB = 160
ALPHA = 0.55
MAX_ROWS = 600


def _read(root: Path, item: PlanItem) -> tuple[np.ndarray | None, np.ndarray | None]:
    image = mask = None
    try:
        image = read_image_rgb(root / item.image)[0] if item.image is not None else None
    except UnreadableFileError:
        image = None
    try:
        mask = read_label_map(root / item.mask)[0] if item.mask is not None else None
    except UnreadableFileError:
        mask = None
    return image, mask


def _overlay(image: np.ndarray | None, mask: np.ndarray) -> np.ndarray:
    if image is None:
        image = np.full((*mask.shape, 3), 40, np.uint8)
    if mask.shape != image.shape[:2]:
        mask = cv2.resize(
            mask.astype(np.uint8), image.shape[1::-1], interpolation=cv2.INTER_NEAREST
        )
    return overlay_mask(image, mask, ALPHA)


def render_row(job: tuple[Path, PlanItem]) -> np.ndarray:
    """One contact-sheet row for a flagged item (RGB uint8)."""
    root, item = job
    image, mask = _read(root, item)
    before = (
        Tile(None, 'mask before', 'no mask')
        if mask is None
        else Tile(_overlay(image, mask), 'mask before')
    )
    if item.decision in ('drop', 'left_out') or mask is None:
        after = Tile(None, 'after', item.decision.upper().replace('_', ' '))
    else:
        title = 'after' if item.changes else 'after (unchanged)'
        changed = mask_after(root, {'mask': item.mask, 'changes': item.changes})
        after = Tile(_overlay(image, changed), title)
    caption = [f'{item.split}/{item.stem}: {item.decision.upper()}', *item.reasons]
    tiles = [Tile(image, 'image', 'no image'), before, after]
    return compose_panel(tiles, caption, class_legend(stray=True), height=THUMB)


def sheet_items(items: list[PlanItem], max_rows: int | None = MAX_ROWS) -> list[PlanItem]:
    """The flagged items that get a row, in plan order: all of them, or (more than
    ``max_rows``) the first ``max_rows`` in review order (see the module doc)."""
    flagged = [i for i in items if i.flagged]
    if max_rows is None or len(flagged) <= max_rows:
        return flagged
    reviews = {f'{i.split}/{i.stem}': i for i in flagged if i.decision == 'review'}
    first = [i for i in flagged if i.decision != 'review']
    first += [reviews[item_id] for item_id in review_order(items)]
    chosen = {id(i) for i in first[:max_rows]}
    return [i for i in flagged if id(i) in chosen]


def write_contact_sheets(
    root: Path,
    items: list[PlanItem],
    out_dir: Path,
    rows_per_sheet: int = 30,
    workers: int | None = None,
    show_progress: bool = True,
    max_rows: int | None = MAX_ROWS,
) -> list[Path]:
    """Write ``contact_sheet_NN.png`` files of the flagged items (:func:`sheet_items`) into
    ``out_dir``."""
    flagged = sheet_items(items, max_rows)
    paths: list[Path] = []
    rows: list[np.ndarray] = []

    def flush() -> None:
        path = out_dir / f'contact_sheet_{len(paths) + 1:02d}.png'
        save_png(path, stack_rows(rows))
        paths.append(path)
        rows.clear()

    jobs = [(root, item) for item in flagged]
    for row in ordered_map(render_row, jobs, workers, 'drawing contact sheets', show_progress):
        rows.append(row)
        if len(rows) == rows_per_sheet:
            flush()
    if rows:
        flush()
    return paths
