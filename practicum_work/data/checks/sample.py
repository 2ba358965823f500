"""What the registered checks look at: a split's listing, a pair decoded once, the scan.

- :class:`SplitListing`: one split's files, paired by stem (``on_layout``; nothing read);
- :class:`PairSample`: one image and its mask, each file read once through
  :mod:`practicum_work.core.image_io` (``on_pair``, in a worker process);
- the scan (``on_dataset``): an object with ``splits``, ``statistics`` (split ->
  ``SplitStatistics``), ``encoding`` (the masks' ``MaskEncoding``), ``mask_splits`` (splits
  holding masks) and ``measures`` (check name -> the :class:`Measure` each pair returned).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

import cv2
import numpy as np

from practicum_work.core.image_io import Decoded, read_image, read_mask
from practicum_work.core.layout import SplitPairing
from practicum_work.core.mask_encoding import count_values
from practicum_work.data.checks.settings import CheckSettings

# Why a decoded mask gives no class ids.
COLOUR, NON_INTEGER = 'colour', 'non-integer'


@dataclass
class SplitListing:
    """One split's files (paths absolute), before anything is read."""

    root: Path
    split: str
    image_dir: Path
    mask_dir: Path
    pairing: SplitPairing | None = None  # None when img/<split> is missing
    lone_masks: list[Path] = field(default_factory=list)  # masks of a split without img/<split>

    def relative(self, path: Path) -> str:
        """``path`` relative to the data root, with forward slashes."""
        return path.relative_to(self.root).as_posix()

    @property
    def has_files(self) -> bool:
        """Whether the split holds any image or mask the layout pairs."""
        if self.pairing is None:
            return bool(self.lone_masks)
        p = self.pairing
        return bool(p.pairs or p.images_without_mask or p.masks_without_image or p.ambiguous_images)


class Measure(NamedTuple):
    """What one pair's ``on_pair`` returned, with where it came from."""

    split: str
    stem: str
    image_file: str | None
    mask_file: str | None
    value: Any


def class_ids(mask: Decoded) -> tuple[np.ndarray | None, str]:
    """The mask's class-id map (2-D), or None and why (:data:`COLOUR`, :data:`NON_INTEGER`).

    Single-channel, palette (indices) and 16-bit masks as stored; a multi-channel mask whose
    channels are equal gives its first channel; one whose channels differ is a colour
    rendering, not ids; a float mask gives ids only when every value is an integer.
    """
    pixels, mode = mask.pixels, mask.mode
    if mode in ('L', 'P') or mode.startswith('I;16'):
        return pixels, ''
    if pixels.ndim == 3:
        colour = pixels[..., :1] if pixels.shape[2] == 2 else pixels[..., :3]
        if (colour == colour[..., :1]).all():
            return np.ascontiguousarray(colour[..., 0]), ''
        return None, COLOUR
    if pixels.dtype.kind == 'f':
        if not np.all(np.isfinite(pixels) & (pixels == np.round(pixels))):
            return None, NON_INTEGER
        return pixels.astype(np.int64), ''
    return (pixels.astype(np.uint8) if pixels.dtype == bool else pixels), ''


def relative(path: str | None, root: str) -> str | None:
    """``path`` relative to ``root`` with forward slashes (a string prefix test: cheap)."""
    if path is None:
        return None
    text, prefix = str(path), str(root).rstrip(os.sep) + os.sep
    if text.startswith(prefix):
        return text[len(prefix) :].replace(os.sep, '/')
    return text


@dataclass
class PairSample:
    """One image and its mask (either may be absent), each read once, and the settings.

    ``image`` and ``mask`` are :class:`~practicum_work.core.image_io.Decoded` (problem, mode,
    size, pixels: a JPEG's full-resolution luminance, other images as stored in OpenCV's
    channel order); ``labels`` the mask's class ids when they can be read (``ids_problem``
    says why not), ``value_counts`` their histogram.
    """

    split: str
    stem: str
    image_file: str | None
    mask_file: str | None
    settings: CheckSettings
    image: Decoded | None = None
    mask: Decoded | None = None
    labels: np.ndarray | None = None
    ids_problem: str = ''
    value_counts: dict[int, int] | None = None

    @property
    def image_ok(self) -> bool:
        """The image decoded without a problem."""
        return self.image is not None and not self.image.problem

    @property
    def mask_ok(self) -> bool:
        """The mask decoded without a problem."""
        return self.mask is not None and not self.mask.problem

    @cached_property
    def luma(self) -> np.ndarray | None:
        """The image's grey levels at full resolution (uint8), or None without pixels."""
        if not self.image_ok or self.image.pixels is None:
            return None
        pixels = self.image.pixels
        if pixels.ndim == 3:
            pixels = (
                cv2.cvtColor(np.ascontiguousarray(pixels[..., :3]), cv2.COLOR_BGR2GRAY)
                if pixels.shape[2] >= 3
                else pixels[..., 0]
            )
        if pixels.dtype == np.uint16:
            pixels = (pixels >> 8).astype(np.uint8)
        return pixels


def read_pair(
    root: str,
    split: str,
    stem: str,
    image_path: str | None,
    mask_path: str | None,
    settings: CheckSettings,
    colour: bool = False,
) -> PairSample:
    """Read the pair's files once (either may be None) and derive the mask's class ids.

    ``colour``: a JPEG's colours too (for a tool that needs them), not only its luminance.
    """
    sample = PairSample(
        split, stem, relative(image_path, root), relative(mask_path, root), settings
    )
    if image_path is not None:
        sample.image = read_image(image_path, colour=colour)
    if mask_path is not None:
        sample.mask = read_mask(mask_path)
        if not sample.mask.problem:
            sample.labels, sample.ids_problem = class_ids(sample.mask)
            if sample.labels is not None:
                sample.value_counts = count_values(sample.labels)
    return sample
