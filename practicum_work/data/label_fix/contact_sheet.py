"""Contact sheets of flagged samples: image, mask before, mask after, and the decision.

One row per flagged sample (colour overlays: cat orange, dog blue, ignore white, stray values
magenta), ``rows_per_sheet`` rows per PNG. Rows are drawn in worker processes, one sample each.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.classes import IGNORE_COLOR, IGNORE_INDEX, PALETTE, VALID_LABELS
from practicum_work.core.image_io import UnreadableFileError, read_image_rgb, read_label_map
from practicum_work.core.progress import ordered_map
from practicum_work.data.label_fix.apply import apply_changes
from practicum_work.data.label_fix.plan import PlanItem

THUMB = 160
TEXT_WIDTH = 420
STRAY_COLOR = (255, 0, 255)
DECISION_COLORS = {
    'fix': (40, 160, 40),
    'review': (200, 140, 0),
    'drop': (200, 40, 40),
    'left_out': (120, 120, 120),
    'keep': (0, 0, 0),
}


def colourise(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """RGB colours of a label map and the boolean map of where it is not background."""
    lut = np.zeros((256, 3), np.uint8)
    lut[: len(PALETTE)] = PALETTE
    lut[IGNORE_INDEX] = IGNORE_COLOR
    stray = ~np.isin(mask, list(VALID_LABELS))
    index = np.clip(mask, 0, 255).astype(np.uint8)
    colours = lut[index]
    colours[stray] = STRAY_COLOR
    return colours, (index != 0) | stray


def overlay(image: np.ndarray | None, mask: np.ndarray | None, size: tuple[int, int]) -> np.ndarray:
    """A THUMB x THUMB panel: the mask blended over the image (either may be missing)."""
    w, h = size
    base = np.full((h, w, 3), 40, np.uint8) if image is None else image
    if mask is not None:
        if mask.shape != base.shape[:2]:
            mask = cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST)
        colours, painted = colourise(mask)
        base = base.copy()
        base[painted] = (0.45 * base[painted] + 0.55 * colours[painted]).astype(np.uint8)
    return cv2.resize(base, (THUMB, THUMB), interpolation=cv2.INTER_AREA)


def _label(panel: np.ndarray, text: str) -> np.ndarray:
    cv2.rectangle(panel, (0, 0), (THUMB, 14), (0, 0, 0), -1)
    cv2.putText(panel, text, (3, 11), cv2.FONT_HERSHEY_SIMPLEX, 0.38, (255, 255, 255), 1)
    return panel


def _crossed(panel: np.ndarray, text: str) -> np.ndarray:
    panel = (panel * 0.35).astype(np.uint8)
    cv2.line(panel, (0, 0), (THUMB, THUMB), (220, 40, 40), 2)
    cv2.line(panel, (THUMB, 0), (0, THUMB), (220, 40, 40), 2)
    cv2.putText(panel, text, (8, THUMB // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (255, 255, 255), 2)
    return panel


def _text_panel(item: PlanItem) -> np.ndarray:
    panel = np.full((THUMB, TEXT_WIDTH, 3), 255, np.uint8)
    colour = DECISION_COLORS.get(item.decision, (0, 0, 0))
    title = f'{item.split}/{item.stem}: {item.decision.upper()}'
    cv2.putText(panel, title, (6, 18), cv2.FONT_HERSHEY_SIMPLEX, 0.55, colour, 2)
    lines = []
    for reason in item.reasons:
        lines += textwrap.wrap(reason, 62) or ['']
    for row, line in enumerate(lines[:9]):
        y = 38 + 14 * row
        cv2.putText(panel, line, (6, y), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (30, 30, 30), 1)
    return panel


def render_row(job: tuple[Path, PlanItem]) -> np.ndarray:
    """One contact-sheet row for a flagged item (RGB uint8)."""
    root, item = job
    image = mask = None
    if item.image is not None:
        try:
            image, _ = read_image_rgb(root / item.image)
        except UnreadableFileError:
            image = None
    if item.mask is not None:
        try:
            mask, _ = read_label_map(root / item.mask)
        except UnreadableFileError:
            mask = None
    if image is not None:
        size = (image.shape[1], image.shape[0])
    elif mask is not None:
        size = (mask.shape[1], mask.shape[0])
    else:
        size = (THUMB, THUMB)
    picture = overlay(image, None, size)
    if image is None:
        picture = _crossed(picture, 'no image')
    before = overlay(image, mask, size)
    if mask is None:
        before = _crossed(before, 'no mask')
    if item.decision in ('drop', 'left_out') or mask is None:
        after = _crossed(before.copy(), item.decision.upper().replace('_', ' '))
    else:
        changed = apply_changes(mask, item.changes)
        after = overlay(image, changed, size)
    panels = [
        _label(picture, 'image'),
        _label(before, 'mask before'),
        _label(after, 'after' if item.changes else 'after (unchanged)'),
        _text_panel(item),
    ]
    row = np.hstack(panels)
    row[-1, :] = 200
    return row


def write_contact_sheets(
    root: Path,
    items: list[PlanItem],
    out_dir: Path,
    rows_per_sheet: int = 30,
    workers: int | None = None,
    show_progress: bool = True,
) -> list[Path]:
    """Write ``contact_sheet_NN.png`` files of every flagged item into ``out_dir``."""
    flagged = [i for i in items if i.flagged]
    paths: list[Path] = []
    rows: list[np.ndarray] = []

    def flush() -> None:
        path = out_dir / f'contact_sheet_{len(paths) + 1:02d}.png'
        sheet = np.vstack(rows)
        cv2.imwrite(str(path), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR))
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
