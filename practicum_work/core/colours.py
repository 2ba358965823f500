"""The one colour table of label maps, and the overlay of a mask on its image.

Class colours from :data:`~practicum_work.core.classes.PALETTE`, ignore (255) white, every
value that is no class (stray values, 16-bit values) magenta: the same in every picture.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from practicum_work.core.classes import IGNORE_COLOR, IGNORE_INDEX, PALETTE

STRAY_COLOR: tuple[int, int, int] = (255, 0, 255)  # mask values that are no class


def colour_lut(palette: Sequence[Sequence[int]] = PALETTE) -> np.ndarray:
    """A (256, 3) RGB lookup table: class colours, white for ignore, magenta for stray values."""
    lut = np.tile(np.array(STRAY_COLOR, np.uint8), (256, 1))
    lut[: len(palette)] = np.asarray(palette, np.uint8)
    lut[IGNORE_INDEX] = IGNORE_COLOR
    return lut


def colourise_mask(mask: np.ndarray, palette: Sequence[Sequence[int]] = PALETTE) -> np.ndarray:
    """RGB image of a label map (class colours; ignore white; values outside the schema magenta).

    Values above 255 (16-bit masks) are stray values too.
    """
    colours = colour_lut(palette)[np.clip(mask, 0, 255).astype(np.uint8)]
    if mask.dtype != np.uint8:
        colours[mask > 255] = STRAY_COLOR
    return colours


def overlay_mask(
    image: np.ndarray,
    mask: np.ndarray,
    alpha: float = 0.5,
    palette: Sequence[Sequence[int]] = PALETTE,
) -> np.ndarray:
    """Blend the coloured mask over an RGB image; background pixels stay untouched."""
    colours = colourise_mask(mask, palette)
    blended = image.astype(np.float32) * (1 - alpha) + colours.astype(np.float32) * alpha
    out = np.where((mask != 0)[..., None], blended, image.astype(np.float32))
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)
