"""Per-pair checks: one image and its mask in memory, a small :class:`PairResult` out.

The worker reads each file once (:mod:`practicum_work.core.image_io`) and returns only
counts, sizes, a content hash and anomalies, never pixels, so memory stays flat however many
pairs are scanned.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from practicum_work.core.classes import BACKGROUND, FOREGROUND_CLASSES, VALID_LABELS
from practicum_work.core.image_io import TRUNCATED, Decoded, read_image, read_mask
from practicum_work.core.mask_encoding import (
    MaskSummary,
    count_values,
    palette_colours,
    summarise_pixels,
)
from practicum_work.data.eda.anomalies import Anomaly

__all__ = ['PairJob', 'PairResult', 'check_pair', 'count_values', 'mask_class_ids']

DEFAULT_TINY_FG_PIXELS = 50  # a mask with 1..N foreground pixels is 'tiny'
_SHOWN_VALUES = 8


@dataclass(frozen=True)
class PairJob:
    """What one worker call scans: an image, a mask, or both (paired by stem).

    Paths are plain strings: a job is pickled to a worker, and ``Path`` objects cost ~25x more.
    """

    root: str
    split: str
    stem: str
    image_path: str | None
    mask_path: str | None
    tiny_fg_pixels: int = DEFAULT_TINY_FG_PIXELS


@dataclass
class PairResult:
    """Small per-pair facts for the statistics, the duplicate search and the report."""

    split: str
    stem: str
    image_file: str | None
    mask_file: str | None
    anomalies: list[Anomaly] = field(default_factory=list)
    image_size: tuple[int, int] | None = None
    image_mode: str | None = None
    image_hash: str | None = None
    mask_size: tuple[int, int] | None = None
    mask_mode: str | None = None
    # value -> pixel count of the mask's class ids (None when they could not be read)
    value_counts: dict[int, int] | None = None
    # the mask's evidence for the dataset-level encoding (core.mask_encoding)
    mask_summary: MaskSummary | None = None


def _relative(path: str | None, root: str) -> str | None:
    if path is None:
        return None
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    if text.startswith(prefix):  # cheaper than Path.relative_to, called twice per pair
        return text[len(prefix) :].replace(os.sep, '/')
    return text


def _image_checks(image: Decoded, result: PairResult, add) -> None:
    file = result.image_file
    if image.problem:
        kind = 'truncated_image' if image.problem == TRUNCATED else 'unreadable_image'
        add(kind, file, f'{image.message}')
        return
    result.image_hash = image.content_hash
    if image.mode == 'L':
        add('grayscale_image', file, 'single-channel (grayscale) image')
    elif image.mode != 'RGB':
        add('image_mode', file, f'image mode {image.mode}, expected 8-bit RGB')


def mask_class_ids(mask: Decoded, file: str, add) -> np.ndarray | None:
    """The mask's class-id map (2-D), reporting its mode; None when ids cannot be read."""
    pixels, mode = mask.pixels, mask.mode
    if mode == 'L':
        return pixels
    if mode == 'P':
        add('palette_mask', file, 'palette-mode (P) mask; class ids are the indices')
        return pixels
    if mode.startswith('I;16'):
        add('mask_16bit', file, f'16-bit mask (mode {mode}); 8-bit expected')
        return pixels
    if pixels.ndim == 3:
        colour = pixels[..., :1] if pixels.shape[2] == 2 else pixels[..., :3]
        if (colour == colour[..., :1]).all():
            add(
                'rgb_mask',
                file,
                f'{pixels.shape[2]}-channel mask (mode {mode}) with equal channels; '
                'single-channel expected',
            )
            return np.ascontiguousarray(colour[..., 0])
        add(
            'colour_mask',
            file,
            f'{pixels.shape[2]}-channel mask (mode {mode}) whose channels differ: '
            'a colour rendering, not class ids',
        )
        return None
    add('mask_mode', file, f'mask mode {mode}; 8-bit single-channel expected')
    if pixels.dtype.kind == 'f':
        if not np.all(np.isfinite(pixels) & (pixels == np.round(pixels))):
            add('stray_values', file, 'non-integer mask values')
            return None
        return pixels.astype(np.int64)
    return pixels.astype(np.uint8) if pixels.dtype == bool else pixels


def _value_checks(counts: dict[int, int], tiny_fg_pixels: int, file: str, add) -> None:
    stray = {v: n for v, n in counts.items() if v not in VALID_LABELS}
    if stray:
        shown = ', '.join(f'{v} ({n} px)' for v, n in list(stray.items())[:_SHOWN_VALUES])
        more = f' and {len(stray) - _SHOWN_VALUES} more' if len(stray) > _SHOWN_VALUES else ''
        add('stray_values', file, f'values outside {{0, 1, 2, 255}}: {shown}{more}')
    foreground = sum(counts.get(c, 0) for c in FOREGROUND_CLASSES)
    if len(counts) == 1:
        (value,) = counts
        what = 'no foreground' if value == BACKGROUND else 'one label everywhere'
        add('empty_mask', file, f'the mask holds the single value {value} ({what})')
    elif foreground == 0 and not stray:
        shown = ', '.join(str(v) for v in counts)
        add('empty_mask', file, f'no foreground pixels (values {shown})')
    elif 0 < foreground <= tiny_fg_pixels:
        add(
            'tiny_mask',
            file,
            f'only {foreground} foreground pixels (threshold {tiny_fg_pixels})',
        )


def check_pair(job: PairJob) -> PairResult:
    """Read and check one pair (either file may be None); never raises for bad files."""
    result = PairResult(
        split=job.split,
        stem=job.stem,
        image_file=_relative(job.image_path, job.root),
        mask_file=_relative(job.mask_path, job.root),
    )

    def add(kind: str, file: str, message: str) -> None:
        result.anomalies.append(Anomaly(kind, job.split, job.stem, file, message))

    if job.image_path is not None:
        image = read_image(job.image_path)
        result.image_size, result.image_mode = image.size, image.mode or None
        _image_checks(image, result, add)
    if job.mask_path is not None:
        file = result.mask_file
        mask = read_mask(job.mask_path)
        result.mask_size, result.mask_mode = mask.size, mask.mode or None
        if mask.problem:
            kind = 'truncated_mask' if mask.problem == TRUNCATED else 'unreadable_mask'
            add(kind, file, f'{mask.message}')
        else:
            labels = mask_class_ids(mask, file, add)
            if labels is not None:
                result.value_counts = count_values(labels)
                _value_checks(result.value_counts, job.tiny_fg_pixels, file, add)
            colours = palette_colours(job.mask_path) if mask.mode == 'P' else None
            result.mask_summary = summarise_pixels(
                mask.pixels if labels is None else labels,
                mask.mode,
                file,
                result.value_counts,
                index_colours=colours,
            )
        if mask.problem:
            result.mask_summary = MaskSummary(file, mask.mode, problem=mask.message)
    if result.image_size and result.mask_size and result.image_size != result.mask_size:
        (iw, ih), (mw, mh) = result.image_size, result.mask_size
        add(
            'size_mismatch',
            result.mask_file,
            f'mask {mw}x{mh} but image {iw}x{ih} (WxH)',
        )
    return result
