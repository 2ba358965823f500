"""Cheap checks of an image/mask pair: headers and end markers, no pixel decoding."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, UnidentifiedImageError

from practicum_work.data.eda.decode import has_end_marker

_TAIL_BYTES = 1024

# Modes a label map may have: one channel of class indices.
SINGLE_CHANNEL_MASK_MODES = frozenset({'L', 'P', 'I', 'I;16', 'I;16B', 'I;16L', '1'})


def read_header(path: Path) -> tuple[tuple[int, int], str]:
    """Return ``((width, height), mode)`` of an image file, reading only its header.

    A JPEG or PNG whose end marker is missing (a truncated file, which decoders often fill
    with grey without an error) raises ``OSError``.
    """
    with Image.open(path) as image:
        size, mode, file_format = image.size, image.mode, image.format
    with open(path, 'rb') as handle:
        handle.seek(0, 2)
        handle.seek(max(0, handle.tell() - _TAIL_BYTES))
        if not has_end_marker(handle.read(), file_format or ''):
            raise OSError(f'truncated {file_format} (no end marker)')
    return size, mode


def unusable_pair_reason(image_path: Path, mask_path: Path) -> str | None:
    """Why a pair cannot be trained on (unreadable, multi-channel mask, size mismatch), or None."""
    try:
        image_size, _ = read_header(image_path)
    except (OSError, UnidentifiedImageError, ValueError) as err:
        return f'image unreadable ({type(err).__name__})'
    try:
        mask_size, mask_mode = read_header(mask_path)
    except (OSError, UnidentifiedImageError, ValueError) as err:
        return f'mask unreadable ({type(err).__name__})'
    if mask_mode not in SINGLE_CHANNEL_MASK_MODES:
        return f'mask is not single-channel (mode {mask_mode})'
    if image_size != mask_size:
        return f'image size {image_size} != mask size {mask_size}'
    return None
