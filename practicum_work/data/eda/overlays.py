"""Overlay panels for review: image | coloured mask | blend, a caption and the colour legend.

Drawn by the one panel renderer (:mod:`practicum_work.vis.panels`). Damaged files are shown
as far as they decode (a truncated JPEG shows its decoded top part); a missing or unreadable
file becomes a grey tile saying so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.colours import colourise_mask
from practicum_work.core.image_io import read_image_for_display, read_mask
from practicum_work.data.checks.sample import class_ids
from practicum_work.vis.panels import Tile, class_legend, compose_panel, save_png

TILE = 256  # tile height in pixels
ALPHA = 0.5


@dataclass(frozen=True)
class OverlayJob:
    """One overlay to draw: the files (either may be None), caption lines and output path."""

    image_path: Path | None
    mask_path: Path | None
    caption: tuple[str, ...]
    out_path: Path


def load_mask_for_display(path: Path) -> tuple[np.ndarray | None, str]:
    """Coloured RGB mask (class colours; a colour mask as stored), and a note."""
    mask = read_mask(path)
    if mask.pixels is None:
        return None, f'mask {mask.problem or "unreadable"}'
    labels, _ = class_ids(mask)
    if labels is None:
        pixels = mask.pixels
        return np.ascontiguousarray(pixels[..., :3]).astype(np.uint8), 'colour mask as stored'
    return colourise_mask(labels), ''


def _blend(image: np.ndarray, mask: np.ndarray) -> np.ndarray:
    on_image = cv2.resize(mask, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_NEAREST)
    blend = image.copy()
    labelled = on_image.any(axis=2)  # background (black) keeps the image as it is
    blend[labelled] = cv2.addWeighted(image, 1 - ALPHA, on_image, ALPHA, 0)[labelled]
    return blend


def compose_overlay(
    image: np.ndarray | None,
    mask: np.ndarray | None,
    caption: list[str],
    image_note: str = 'no image',
    mask_note: str = 'no mask',
) -> np.ndarray:
    """The panel (RGB array): caption on top, image | mask | blend, legend at the bottom."""
    if image is not None and mask is not None:
        blend = Tile(_blend(image, mask), 'blend')
    else:
        blend = Tile(image if mask is None else mask, 'blend', nearest=image is None)
    tiles = [
        Tile(image, 'image', image_note),
        Tile(mask, 'mask', mask_note, nearest=True),
        blend if blend.pixels is not None else Tile(None, 'blend', image_note),
    ]
    legend = class_legend(stray=True, numbered=True)
    return compose_panel(tiles, caption, legend, height=TILE)


def draw_overlay(job: OverlayJob) -> str:
    """Read the files of ``job``, compose the panel and write it as PNG; return its path."""
    image, image_note = (None, 'no image')
    if job.image_path is not None:
        image, image_note = read_image_for_display(job.image_path)
    mask, mask_note = (None, 'no mask')
    if job.mask_path is not None:
        mask, mask_note = load_mask_for_display(job.mask_path)
    caption = list(job.caption)
    notes = [
        n for n, pixels in ((image_note, image), (mask_note, mask)) if n and pixels is not None
    ]
    if image is not None and mask is not None and image.shape[:2] != mask.shape[:2]:
        notes.append('mask resized to the image for the blend')
    if notes:
        caption.append('display: ' + '; '.join(notes))
    return save_png(job.out_path, compose_overlay(image, mask, caption, image_note, mask_note))
