"""Overlay panels for review: image | coloured mask | blend, a caption and a colour legend.

Drawn with OpenCV and PIL (no matplotlib: fast enough for every flagged item). Damaged files
are shown as far as they decode (a truncated JPEG shows its decoded top part); a missing or
unreadable file becomes a grey tile saying so.
"""

from __future__ import annotations

import io
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFile, ImageFont

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, IGNORE_INDEX, PALETTE
from practicum_work.core.colours import STRAY_COLOR, colour_lut
from practicum_work.core.image_io import read_mask
from practicum_work.data.eda.checks import mask_class_ids

TILE = 256  # tile height in pixels
MISSING_COLOR: tuple[int, int, int] = (90, 90, 90)
ALPHA = 0.5
_FONT_SIZE = 13
_LINE = 17
_MAX_CAPTION_LINES = 8


@dataclass(frozen=True)
class OverlayJob:
    """One overlay to draw: the files (either may be None), caption lines and output path."""

    image_path: Path | None
    mask_path: Path | None
    caption: tuple[str, ...]
    out_path: Path


@lru_cache(maxsize=1)
def _font() -> ImageFont.ImageFont:
    try:  # matplotlib ships DejaVu Sans, which covers most scripts in file names
        import matplotlib

        path = Path(matplotlib.__file__).parent / 'mpl-data' / 'fonts' / 'ttf' / 'DejaVuSans.ttf'
        return ImageFont.truetype(str(path), _FONT_SIZE)
    except (ImportError, OSError):
        return ImageFont.load_default()


def _to_rgb(pixels: np.ndarray, bgr: bool) -> np.ndarray:
    if pixels.dtype != np.uint8:
        pixels = (pixels >> 8).astype(np.uint8) if pixels.dtype == np.uint16 else pixels
        pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    if pixels.ndim == 2:
        return np.dstack([pixels] * 3)
    if pixels.shape[2] == 2:
        return np.dstack([pixels[..., 0]] * 3)
    rgb = pixels[..., :3]
    return np.ascontiguousarray(rgb[..., ::-1] if bgr else rgb)


def load_image_for_display(path: Path) -> tuple[np.ndarray | None, str]:
    """RGB pixels as far as they decode (partial for truncated files), and a note."""
    try:
        data = path.read_bytes()
    except OSError:
        return None, 'image unreadable'
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED) if data else None
    if pixels is not None:
        return _to_rgb(pixels, bgr=True), ''
    lenient = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = True
    try:
        with Image.open(io.BytesIO(data)) as image:
            return _to_rgb(np.asarray(image.convert('RGB')), bgr=False), 'partly decoded'
    except (OSError, ValueError, SyntaxError):
        return None, 'image unreadable'
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def load_mask_for_display(path: Path) -> tuple[np.ndarray | None, str]:
    """Coloured RGB mask (class colours; a colour mask as stored), and a note."""
    mask = read_mask(path)
    if mask.pixels is None:
        return None, f'mask {mask.problem or "unreadable"}'
    labels = mask_class_ids(mask, '', lambda *_: None)
    if labels is None:
        return _to_rgb(mask.pixels, bgr=False), 'colour mask as stored'
    labels = np.clip(labels, 0, 255).astype(np.uint8) if labels.dtype != np.uint8 else labels
    return colour_lut()[labels], ''


def _fit(pixels: np.ndarray, height: int, nearest: bool) -> np.ndarray:
    h, w = pixels.shape[:2]
    width = max(1, round(w * height / h))
    interpolation = cv2.INTER_NEAREST if nearest or height > h else cv2.INTER_AREA
    return cv2.resize(pixels, (width, height), interpolation=interpolation)


def _missing_tile(width: int, text: str) -> np.ndarray:
    tile = Image.new('RGB', (width, TILE), MISSING_COLOR)
    ImageDraw.Draw(tile).text((8, TILE // 2 - 8), text, fill=(255, 255, 255), font=_font())
    return np.asarray(tile)


def _tiles(image, mask, image_note, mask_note) -> list[np.ndarray]:
    width = TILE if image is None else max(1, round(image.shape[1] * TILE / image.shape[0]))
    image_tile = _fit(image, TILE, False) if image is not None else _missing_tile(width, image_note)
    if mask is None:
        return [image_tile, _missing_tile(width, mask_note), image_tile]
    mask_tile = _fit(mask, TILE, True)
    if image is None:
        return [image_tile, mask_tile, mask_tile]
    mask_on_image = cv2.resize(
        mask, (image.shape[1], image.shape[0]), interpolation=cv2.INTER_NEAREST
    )
    blend = image.copy()
    labelled = mask_on_image.any(axis=2)  # background (black) keeps the image as it is
    blend[labelled] = cv2.addWeighted(image, 1 - ALPHA, mask_on_image, ALPHA, 0)[labelled]
    return [image_tile, mask_tile, _fit(blend, TILE, False)]


def _legend_items() -> list[tuple[str, tuple[int, int, int]]]:
    items = [
        (f'{i} {name}', tuple(colour)) for i, (name, colour) in enumerate(zip(CLASSES, PALETTE))
    ]
    return [*items, (f'{IGNORE_INDEX} ignore', IGNORE_COLOR), ('other values', STRAY_COLOR)]


def compose_overlay(
    image: np.ndarray | None,
    mask: np.ndarray | None,
    caption: list[str],
    image_note: str = 'no image',
    mask_note: str = 'no mask',
) -> Image.Image:
    """The panel: caption on top, three tiles, legend at the bottom (RGB PIL image)."""
    tiles = _tiles(image, mask, image_note, mask_note)
    gap = 4
    width = sum(t.shape[1] for t in tiles) + gap * (len(tiles) - 1)
    chars = max(40, width // 7)
    lines = [wrapped for line in caption for wrapped in textwrap.wrap(line, chars) or ['']]
    lines = lines[:_MAX_CAPTION_LINES]
    top, bottom = 8 + _LINE * len(lines), 28
    panel = Image.new('RGB', (width, top + TILE + bottom), (255, 255, 255))
    x = 0
    for tile in tiles:
        panel.paste(Image.fromarray(np.ascontiguousarray(tile)), (x, top))
        x += tile.shape[1] + gap
    draw = ImageDraw.Draw(panel)
    font = _font()
    for i, line in enumerate(lines):
        draw.text((6, 4 + i * _LINE), line, fill=(0, 0, 0), font=font)
    x, y = 6, top + TILE + 7
    for label, colour in _legend_items():
        draw.rectangle((x, y, x + 14, y + 14), fill=colour, outline=(0, 0, 0))
        draw.text((x + 19, y), label, fill=(0, 0, 0), font=font)
        x += 26 + int(draw.textlength(label, font=font))
    return panel


def draw_overlay(job: OverlayJob) -> str:
    """Read the files of ``job``, compose the panel and write it as PNG; return its path."""
    image, image_note = (None, 'no image')
    if job.image_path is not None:
        image, image_note = load_image_for_display(job.image_path)
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
    panel = compose_overlay(image, mask, caption, image_note, mask_note)
    job.out_path.parent.mkdir(parents=True, exist_ok=True)
    panel.save(job.out_path, format='PNG', compress_level=1)
    return str(job.out_path)
