"""The one panel renderer: titled tiles side by side, a caption above, a colour legend below.

Every picture petseg draws of a sample goes through :func:`compose_panel`: EDA overlays
(image | mask | blend), fix-labels contact-sheet rows (image | mask before | after),
best/worst panels (image | ground truth | prediction | error map), label-quality panels
(image | given mask | out-of-fold prediction | issue map) and the ClearML/TensorBoard sample
panels (image | ground truth | prediction). What differs is passed in: the tiles, the caption
and the legend. Drawn with NumPy, OpenCV and PIL (text in DejaVu Sans, which covers most
scripts in file names); no matplotlib, so it is fast enough for every flagged sample.
"""

from __future__ import annotations

import importlib.util
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, IGNORE_INDEX, PALETTE
from practicum_work.core.colours import STRAY_COLOR

Colour = tuple[int, int, int]
MISSING_COLOR: Colour = (90, 90, 90)
GAP = 4
FONT_SIZE = 13
LINE = 17
TITLE_HEIGHT = 20
LEGEND_HEIGHT = 28
MAX_CAPTION_LINES = 8
PNG_COMPRESSION = 1  # zlib level: panels are many and looked at once; speed over bytes
PNG_FILTER = cv2.IMWRITE_PNG_FILTER_SUB  # 2x faster than adaptive filtering, ~8% larger


@dataclass(frozen=True)
class Tile:
    """One view of a panel: RGB pixels (None: a grey tile saying ``note``) and a title."""

    pixels: np.ndarray | None
    title: str = ''
    note: str = ''
    nearest: bool = False  # masks: enlarge and shrink without blending colours


def class_legend(
    classes: Sequence[str] = CLASSES,
    palette: Sequence[Sequence[int]] = PALETTE,
    ignore: bool = True,
    stray: bool = False,
    numbered: bool = False,
) -> list[tuple[str, Colour]]:
    """Legend entries for the class colours (and ignore, and values that are no class)."""
    items = [
        (f'{i} {name}' if numbered else name, tuple(int(v) for v in colour))
        for i, (name, colour) in enumerate(zip(classes, palette))
    ]
    if ignore:
        items.append((f'{IGNORE_INDEX} ignore' if numbered else 'ignore', IGNORE_COLOR))
    if stray:
        items.append(('other values', STRAY_COLOR))
    return items


@lru_cache(maxsize=1)
def _font() -> ImageFont.ImageFont:
    spec = importlib.util.find_spec('matplotlib')  # it ships DejaVu Sans; no need to import it
    try:
        path = Path(spec.origin).parent / 'mpl-data' / 'fonts' / 'ttf' / 'DejaVuSans.ttf'
        return ImageFont.truetype(str(path), FONT_SIZE)
    except (AttributeError, TypeError, OSError):
        return ImageFont.load_default()


def fit_height(pixels: np.ndarray, height: int, nearest: bool = False) -> np.ndarray:
    """``pixels`` scaled to ``height`` rows, aspect kept (nearest neighbour for masks)."""
    h, w = pixels.shape[:2]
    if h == height:
        return pixels
    width = max(1, round(w * height / h))
    interpolation = cv2.INTER_NEAREST if nearest or height > h else cv2.INTER_AREA
    return cv2.resize(pixels, (width, height), interpolation=interpolation)


def _tile_pixels(tile: Tile, height: int, width: int) -> np.ndarray:
    if tile.pixels is None:
        blank = Image.new('RGB', (width, height), MISSING_COLOR)
        ImageDraw.Draw(blank).text(
            (8, height // 2 - 8), tile.note, fill=(255, 255, 255), font=_font()
        )
        return np.asarray(blank)
    return np.ascontiguousarray(fit_height(tile.pixels.astype(np.uint8), height, tile.nearest))


def _caption_lines(caption: Sequence[str], width: int) -> list[str]:
    chars = max(40, width // 7)
    lines = [wrapped for line in caption for wrapped in textwrap.wrap(line, chars) or ['']]
    return lines[:MAX_CAPTION_LINES]


def compose_panel(
    tiles: Sequence[Tile],
    caption: Sequence[str] = (),
    legend: Sequence[tuple[str, Colour]] = (),
    height: int = 256,
) -> np.ndarray:
    """The panel as an RGB uint8 array: caption, tile titles, tiles ``height`` rows high, legend.

    Tiles keep their aspect ratio; a tile without pixels is as wide as the first tile that has
    some (square when none has).
    """
    widths = [t.pixels.shape[1] * height / t.pixels.shape[0] for t in tiles if t.pixels is not None]
    blank_width = round(widths[0]) if widths else height
    arrays = [_tile_pixels(t, height, blank_width) for t in tiles]
    tiles_width = sum(a.shape[1] for a in arrays) + GAP * (len(arrays) - 1)
    font = _font()
    legend_width = sum(26 + int(font.getlength(label)) for label, _ in legend) + 12
    width = max(tiles_width, legend_width if legend else 0)
    lines = _caption_lines(caption, width)
    titled = any(t.title for t in tiles)
    top = (8 + LINE * len(lines) if lines else 0) + (TITLE_HEIGHT if titled else 0)
    bottom = LEGEND_HEIGHT if legend else 0
    panel = Image.new('RGB', (width, top + height + bottom), (255, 255, 255))
    draw = ImageDraw.Draw(panel)
    for i, line in enumerate(lines):
        draw.text((6, 4 + i * LINE), line, fill=(0, 0, 0), font=font)
    x = 0
    for tile, array in zip(tiles, arrays):
        panel.paste(Image.fromarray(array), (x, top))
        if tile.title:
            draw.text((x + 3, top - TITLE_HEIGHT + 2), tile.title, fill=(0, 0, 0), font=font)
        x += array.shape[1] + GAP
    x, y = 6, top + height + 7
    for label, colour in legend:
        draw.rectangle((x, y, x + 14, y + 14), fill=tuple(colour), outline=(0, 0, 0))
        draw.text((x + 19, y), label, fill=(0, 0, 0), font=font)
        x += 26 + int(draw.textlength(label, font=font))
    return np.asarray(panel)


def stack_rows(rows: Sequence[np.ndarray], gap: int = 2) -> np.ndarray:
    """Panels one under another (contact sheets), padded white to the widest."""
    width = max(r.shape[1] for r in rows)
    padded = []
    for row in rows:
        pad = np.full((row.shape[0] + gap, width, 3), 255, np.uint8)
        pad[: row.shape[0], : row.shape[1]] = row
        padded.append(pad)
    return np.concatenate(padded)


def save_png(path: str | Path, rgb: np.ndarray) -> str:
    """Write an RGB array as PNG (fast zlib level); create the folder; return the path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    bgr = cv2.cvtColor(np.ascontiguousarray(rgb), cv2.COLOR_RGB2BGR)
    params = [cv2.IMWRITE_PNG_COMPRESSION, PNG_COMPRESSION, cv2.IMWRITE_PNG_FILTER, PNG_FILTER]
    ok, data = cv2.imencode('.png', bgr, params)
    if not ok:
        raise OSError(f'{path}: the PNG could not be encoded')
    path.write_bytes(data.tobytes())  # any file name (OpenCV's own writer is not unicode-safe)
    return str(path)
