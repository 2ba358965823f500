"""Read one image or one label map safely: decode fully, name the problem, normalise the mode.

Used by the data tools that look at pixels (label fixing, class weights). Nothing here writes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, UnidentifiedImageError

# What PIL raises for a missing, truncated or undecodable file.
DECODE_ERRORS = (OSError, UnidentifiedImageError, ValueError, SyntaxError)


class UnreadableFileError(Exception):
    """A file that cannot be decoded (or is not a usable label map); the message says why."""


def read_image_rgb(path: str | Path) -> tuple[np.ndarray, str]:
    """Decode an image completely and return ``(rgb uint8 (H, W, 3), original PIL mode)``.

    A truncated JPEG raises :class:`UnreadableFileError` (OpenCV would return grey pixels).
    """
    try:
        with Image.open(path) as image:
            image.load()
            mode = image.mode
            rgb = np.asarray(image.convert('RGB'))
    except DECODE_ERRORS as err:
        raise UnreadableFileError(f'image unreadable ({type(err).__name__}: {err})') from err
    return rgb, mode


def read_label_map(path: str | Path) -> tuple[np.ndarray, str]:
    """Decode a mask and return ``(label map (H, W) of integers, original PIL mode)``.

    Single-channel ``L`` masks come back as they are. Palette masks (``P``) give their indices,
    masks saved as RGB(A) whose colour channels are all equal give one channel, 1-bit masks give
    0/1, 16/32-bit masks their integer values (the caller decides about values above 255). A
    colour-coded RGB mask (channels differ) or a float mask raises :class:`UnreadableFileError`.
    """
    try:
        with Image.open(path) as image:
            image.load()
            mode = image.mode
            array = np.asarray(image)
    except DECODE_ERRORS as err:
        raise UnreadableFileError(f'mask unreadable ({type(err).__name__}: {err})') from err
    if mode in ('RGB', 'RGBA', 'LA'):
        colour = array[..., :3] if mode != 'LA' else array[..., :1]
        if colour.shape[-1] == 3 and not (
            np.array_equal(colour[..., 0], colour[..., 1])
            and np.array_equal(colour[..., 0], colour[..., 2])
        ):
            raise UnreadableFileError(
                f'mask is {mode} with differing colour channels (a colour-coded mask?); '
                'expected class indices'
            )
        array = colour[..., 0]
    elif mode == 'F':
        raise UnreadableFileError('mask is a floating-point image; expected class indices')
    elif mode == '1':
        array = array.astype(np.uint8)
    if array.ndim != 2:
        raise UnreadableFileError(f'mask has shape {array.shape}; expected one channel')
    return np.ascontiguousarray(array), mode
