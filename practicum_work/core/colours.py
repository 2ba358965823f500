"""Mask colouring, overlays and legends shared by the data tools and the analysis panels."""

from __future__ import annotations

import numpy as np

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, IGNORE_INDEX, PALETTE

STRAY_COLOR: tuple[int, int, int] = (255, 0, 255)  # mask values that are no class


def colour_lut() -> np.ndarray:
    """A (256, 3) RGB lookup table: class colours, white for ignore, magenta for stray values."""
    lut = np.tile(np.array(STRAY_COLOR, np.uint8), (256, 1))
    lut[: len(PALETTE)] = PALETTE
    lut[IGNORE_INDEX] = IGNORE_COLOR
    return lut


def colourise_mask(mask: np.ndarray) -> np.ndarray:
    """RGB image of a label map (class colours; ignore white; values outside the schema magenta)."""
    return colour_lut()[mask.astype(np.uint8)]


def overlay_mask(image: np.ndarray, mask: np.ndarray, alpha: float = 0.5) -> np.ndarray:
    """Blend the coloured mask over an RGB image; background pixels stay untouched."""
    colours = colourise_mask(mask)
    blended = image.astype(np.float32) * (1 - alpha) + colours.astype(np.float32) * alpha
    out = np.where((mask != 0)[..., None], blended, image.astype(np.float32))
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


def legend_handles(include_ignore: bool = True) -> list:
    """matplotlib patches naming each class colour (for ``ax.legend(handles=...)``)."""
    from matplotlib.patches import Patch

    handles = [Patch(color=np.array(c) / 255, label=name) for name, c in zip(CLASSES, PALETTE)]
    if include_ignore:
        handles.append(Patch(facecolor='white', edgecolor='grey', label='ignore (255)'))
    return handles
