"""One picture per sample: image | ground truth | prediction, with titles and a class legend."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from practicum_work.core.classes import IGNORE_COLOR, IGNORE_INDEX

UNKNOWN_COLOR = (128, 128, 128)  # mask values that are neither a class nor 255
GAP = 4
HEADER = 22
LEGEND = 26
_FONT = cv2.FONT_HERSHEY_SIMPLEX
_TEXT = (0, 0, 0)
_BACKGROUND = 255


def colour_lut(palette: Sequence[Sequence[int]]) -> np.ndarray:
    """A 256x3 uint8 lookup table: class colours, white for 255, grey for anything else."""
    lut = np.full((256, 3), UNKNOWN_COLOR, dtype=np.uint8)
    lut[: len(palette)] = np.asarray(palette, dtype=np.uint8)
    lut[IGNORE_INDEX] = IGNORE_COLOR
    return lut


def colour_mask(mask: np.ndarray, palette: Sequence[Sequence[int]]) -> np.ndarray:
    """An HxW label mask as an HxWx3 RGB image."""
    return colour_lut(palette)[np.clip(mask, 0, 255).astype(np.uint8)]


def _upscale(image: np.ndarray, factor: int) -> np.ndarray:
    if factor == 1:
        return image
    return cv2.resize(
        image, None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST
    )  # nearest: masks keep their exact colours


def _legend(width: int, classes: Sequence[str], palette: Sequence[Sequence[int]]) -> np.ndarray:
    strip = np.full((LEGEND, width, 3), _BACKGROUND, dtype=np.uint8)
    entries = [*zip(classes, palette), ('ignore', IGNORE_COLOR)]
    x = GAP
    for name, colour in entries:
        cv2.rectangle(strip, (x, 6), (x + 14, 20), tuple(int(c) for c in colour), -1)
        cv2.rectangle(strip, (x, 6), (x + 14, 20), _TEXT, 1)
        cv2.putText(strip, name, (x + 18, 18), _FONT, 0.45, _TEXT, 1, cv2.LINE_AA)
        x += 18 + cv2.getTextSize(name, _FONT, 0.45, 1)[0][0] + 12
    return strip


def render_sample_panel(
    image: np.ndarray,
    gt: np.ndarray | None,
    pred: np.ndarray,
    classes: Sequence[str],
    palette: Sequence[Sequence[int]],
    min_height: int = 192,
) -> np.ndarray:
    """``image`` (HxWx3 RGB) | ground truth | prediction (HxW labels), titled, with a legend.

    Small images are enlarged by an integer factor (nearest neighbour) to at least
    ``min_height`` pixels so that titles and masks stay readable. Without ``gt`` its panel
    is grey. Returns an RGB uint8 array.
    """
    height, width = pred.shape[:2]
    if image.shape[:2] != (height, width):
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
    gt_rgb = (
        colour_mask(gt, palette)
        if gt is not None
        else np.full((height, width, 3), UNKNOWN_COLOR, dtype=np.uint8)
    )
    factor = max(1, -(-min_height // height))
    panels = [
        _upscale(p, factor) for p in (image.astype(np.uint8), gt_rgb, colour_mask(pred, palette))
    ]
    h, w = panels[0].shape[:2]
    total_w = 3 * w + 2 * GAP
    canvas = np.full((HEADER + h, total_w, 3), _BACKGROUND, dtype=np.uint8)
    for i, (title, panel) in enumerate(zip(('image', 'ground truth', 'prediction'), panels)):
        x = i * (w + GAP)
        canvas[HEADER:, x : x + w] = panel
        cv2.putText(canvas, title, (x + 2, HEADER - 6), _FONT, 0.5, _TEXT, 1, cv2.LINE_AA)
    return np.concatenate([canvas, _legend(total_w, classes, palette)], axis=0)
