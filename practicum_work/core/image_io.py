"""The one place images and masks are read: decode fully or check cheaply, name the problem.

Three ways in, one set of rules (every tool, the dataset and the analysis use them):

- :func:`read_image_rgb` / :func:`read_label_map`: decode completely and normalise (RGB uint8;
  a label map of class indices: palette masks give their indices, RGB masks with equal
  channels one channel, 16-bit masks their values); a problem raises
  :class:`UnreadableFileError` saying what is wrong. Used by the data tools and the analysis.
- :func:`read_image` / :func:`read_mask`: read each file exactly once for the technical scan
  (eda), returning a :class:`Decoded` with format, mode, size, truncation and pixels.
- :func:`read_header` / :func:`unusable_pair_reason`: headers and end markers only, no pixels
  (the dataset's check of what it can train on).

OpenCV and PIL both decode truncated JPEGs partially without raising, so completeness is
checked on the bytes first: a JPEG must end with its end-of-image marker (``FF D9``) and a
PNG with its ``IEND`` chunk. Only when that marker is missing does PIL decode the file with
``LOAD_TRUNCATED_IMAGES`` off, which raises for really incomplete data (files with harmless
trailing bytes pass). Masks are PNG: the colour type in the ``IHDR`` header tells grayscale,
palette, RGB and 16-bit apart without decoding (OpenCV would expand a palette to BGR).

JPEG images are validated by decoding their luminance at full resolution: every byte of
entropy-coded data is still decoded, so damaged data fails exactly as in a colour decode, but
the chroma's inverse DCT and the colour conversion, which no check needs, are skipped (about
as fast as the 1/8-scale decode it replaced, and the checks get full-resolution grey levels,
e.g. for sharpness). Size and channels come from the JPEG frame header (SOF).
"""

from __future__ import annotations

import hashlib
import io
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageFile, UnidentifiedImageError

# What PIL raises for a missing, truncated or undecodable file.
_PIL_TRUNCATION_FLAG = threading.Lock()
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


JPEG_MAGIC = b'\xff\xd8\xff'
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'
JPEG_EOI = b'\xff\xd9'
# PNG colour type -> PIL-style mode name (bit depth 16 adds ';16').
_PNG_MODES = {0: 'L', 2: 'RGB', 3: 'P', 4: 'LA', 6: 'RGBA'}
UNREADABLE, TRUNCATED = 'unreadable', 'truncated'


@dataclass
class Decoded:
    """One decoded file. ``problem`` is None, 'unreadable' or 'truncated' (then no pixels)."""

    pixels: np.ndarray | None = None
    width: int | None = None
    height: int | None = None
    mode: str = ''
    file_format: str = ''
    problem: str | None = None
    message: str = ''
    content_hash: str | None = None  # SHA-1 of the file's bytes (images only)

    @property
    def size(self) -> tuple[int, int] | None:
        """``(width, height)`` when the header could be read."""
        return None if self.width is None else (self.width, self.height)


def sniff_format(data: bytes) -> str:
    """'JPEG', 'PNG' or '' from the file's first bytes."""
    if data.startswith(JPEG_MAGIC):
        return 'JPEG'
    if data.startswith(PNG_MAGIC):
        return 'PNG'
    return ''


def has_end_marker(data: bytes, file_format: str) -> bool:
    """Whether a JPEG ends with EOI (trailing zero padding allowed) or a PNG with IEND."""
    if file_format == 'JPEG':
        return data.rstrip(b'\x00').endswith(JPEG_EOI)
    if file_format == 'PNG':
        return b'IEND' in data[-64:]
    return True


def png_header(data: bytes) -> tuple[int, int, str] | None:
    """``(width, height, mode)`` from a PNG's IHDR chunk, or None if it is malformed."""
    if len(data) < 29 or data[12:16] != b'IHDR':
        return None
    width, height, depth, colour = struct.unpack('>IIBB', data[16:26])
    mode = _PNG_MODES.get(colour)
    if mode is None:
        return None
    if depth == 16:
        mode = 'I;16' if mode == 'L' else f'{mode};16'
    elif depth < 8 and mode == 'L':
        mode = '1' if depth == 1 else f'L;{depth}'
    return width, height, mode


_SOF_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
_JPEG_MODES = {1: 'L', 3: 'RGB', 4: 'CMYK'}


def jpeg_header(data: bytes) -> tuple[int, int, int] | None:
    """``(width, height, components)`` from a JPEG's frame header (SOF), or None."""
    pos, end = 2, len(data)
    while pos + 4 <= end:
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            pos += 2
            continue
        length = int.from_bytes(data[pos + 2 : pos + 4], 'big')
        if marker in _SOF_MARKERS:
            if pos + 10 > end:
                return None
            height, width = struct.unpack('>HH', data[pos + 5 : pos + 9])
            return width, height, data[pos + 9]
        if marker in (0xD9, 0xDA):  # end of image / start of scan before any frame header
            return None
        pos += 2 + length
    return None


@contextmanager
def _pil_truncated_images(allowed: bool) -> Iterator[None]:
    """PIL's process-global ``LOAD_TRUNCATED_IMAGES`` set to ``allowed`` for one decode.

    The flag is global: one lock serialises every decode that sets it, so two threads (the
    review server draws three pictures at once) never undo each other's setting.
    """
    with _PIL_TRUNCATION_FLAG:
        previous = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = allowed
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = previous


def _pil_truncation(data: bytes) -> tuple[Image.Image | None, str]:
    """Decode fully with PIL (truncated data raises); return ``(image, error message)``."""
    with _pil_truncated_images(False):  # strict here even if someone switched it on
        try:
            image = Image.open(io.BytesIO(data))
            image.load()
        except (OSError, ValueError, SyntaxError) as err:
            return None, str(err) or type(err).__name__
    return image, ''


def _header_only(data: bytes, decoded: Decoded) -> None:
    """Fill size and mode from PIL's header parser (used when pixels are unavailable)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            decoded.width, decoded.height = image.size
            decoded.mode = decoded.mode or image.mode
    except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
        pass


def _read(path: str | Path) -> tuple[bytes | None, Decoded]:
    decoded = Decoded()
    try:
        with open(path, 'rb') as file:
            data = file.read()
    except OSError as err:
        decoded.problem, decoded.message = UNREADABLE, f'cannot read the file ({err.strerror})'
        return None, decoded
    if not data:
        decoded.problem, decoded.message = UNREADABLE, 'zero-byte file'
        return None, decoded
    decoded.file_format = sniff_format(data)
    if not has_end_marker(data, decoded.file_format):
        image, error = _pil_truncation(data)
        if image is None:
            _header_only(data, decoded)
            marker = 'end-of-image marker' if decoded.file_format == 'JPEG' else 'IEND chunk'
            decoded.problem = TRUNCATED
            decoded.message = f'truncated {decoded.file_format}: no {marker} ({error})'
            return None, decoded
    return data, decoded


def _unknown_format(data: bytes, decoded: Decoded) -> Decoded:
    decoded.problem = UNREADABLE
    start = data[:8]
    decoded.message = f'not a JPEG or PNG image (file starts with {start!r})'
    return decoded


def _undecodable(data: bytes, decoded: Decoded) -> Decoded:
    _header_only(data, decoded)
    decoded.problem = UNREADABLE
    decoded.message = f'{decoded.file_format} data cannot be decoded'
    return decoded


def _mode_from_array(pixels: np.ndarray) -> str:
    channels = 1 if pixels.ndim == 2 else pixels.shape[2]
    mode = {1: 'L', 2: 'LA', 3: 'RGB', 4: 'RGBA'}.get(channels, f'{channels}ch')
    if pixels.dtype == np.uint16:
        mode = 'I;16' if mode == 'L' else f'{mode};16'
    return mode


def read_image(path: str | Path, colour: bool = False) -> Decoded:
    """Validate an image: a JPEG's luminance decoded (see module doc), a PNG decoded fully.

    ``pixels`` holds what was decoded (a JPEG's grey levels at full resolution, or its colours
    with ``colour``, as BGR; a PNG as stored, OpenCV channel order: :func:`decoded_rgb` makes
    RGB of either); size and mode are the file's.
    """
    data, decoded = _read(path)
    if data is None:
        return decoded
    decoded.content_hash = hashlib.sha1(data).hexdigest()
    if not decoded.file_format:
        return _unknown_format(data, decoded)
    buffer = np.frombuffer(data, np.uint8)
    if decoded.file_format == 'JPEG':
        header = jpeg_header(data)
        if header is not None:
            width, height, components = header
            pixels = cv2.imdecode(buffer, cv2.IMREAD_COLOR if colour else cv2.IMREAD_GRAYSCALE)
            if pixels is not None:
                decoded.pixels, decoded.width, decoded.height = pixels, width, height
                decoded.mode = _JPEG_MODES.get(components, f'{components}ch')
                return decoded
    pixels = cv2.imdecode(buffer, cv2.IMREAD_UNCHANGED)
    if pixels is None:
        return _undecodable(data, decoded)
    decoded.pixels = pixels
    decoded.height, decoded.width = pixels.shape[:2]
    decoded.mode = _mode_from_array(pixels)
    return decoded


def read_mask(path: str | Path) -> Decoded:
    """Decode a mask keeping its stored values (palette indices, 16 bit, every channel).

    8-bit grayscale PNGs (the normal case) go through OpenCV; other modes through PIL, whose
    arrays keep palette indices. Multi-channel pixels come back in RGB(A) order.
    """
    data, decoded = _read(path)
    if data is None:
        return decoded
    if not decoded.file_format:
        return _unknown_format(data, decoded)
    header = png_header(data) if decoded.file_format == 'PNG' else None
    if header is not None and header[2] == 'L':
        pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
        decoded.mode = 'L'
    else:
        try:
            with Image.open(io.BytesIO(data)) as image:
                decoded.mode = image.mode
                pixels = np.asarray(image)
        except (OSError, UnidentifiedImageError, ValueError, SyntaxError):
            pixels = None
    if pixels is None:
        return _undecodable(data, decoded)
    decoded.pixels = pixels
    decoded.height, decoded.width = pixels.shape[:2]
    return decoded


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


def _as_rgb(pixels: np.ndarray, bgr: bool) -> np.ndarray:
    """Any decoded array (grey, grey+alpha, BGR(A)/RGB(A), 16-bit) as RGB uint8 for display."""
    if pixels.dtype == np.uint16:
        pixels = (pixels >> 8).astype(np.uint8)
    elif pixels.dtype != np.uint8:
        pixels = np.clip(pixels, 0, 255).astype(np.uint8)
    if pixels.ndim == 2:
        return np.dstack([pixels] * 3)
    if pixels.shape[2] == 2:
        return np.dstack([pixels[..., 0]] * 3)
    rgb = pixels[..., :3]
    return np.ascontiguousarray(rgb[..., ::-1] if bgr else rgb)


def decoded_rgb(decoded: Decoded) -> np.ndarray:
    """The RGB uint8 pixels of an image :func:`read_image` decoded (grey levels replicated)."""
    return _as_rgb(decoded.pixels, bgr=True)


def read_image_for_display(path: str | Path) -> tuple[np.ndarray | None, str]:
    """RGB pixels as far as they decode (partial for a truncated file) and a note; None if none.

    For pictures of damaged files only: every check uses :func:`read_image`.
    """
    try:
        data = Path(path).read_bytes()
    except OSError:
        return None, 'image unreadable'
    pixels = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED) if data else None
    if pixels is not None:
        return _as_rgb(pixels, bgr=True), ''
    with _pil_truncated_images(True):
        try:
            with Image.open(io.BytesIO(data)) as image:
                return _as_rgb(np.asarray(image.convert('RGB')), bgr=False), 'partly decoded'
        except (OSError, ValueError, SyntaxError):
            return None, 'image unreadable'


def read_class_map(path: str | Path, num_classes: int) -> np.ndarray:
    """A mask as the training pipeline sees it: (H, W) uint8, values that are no class -> 255.

    Decoded like MMSeg's ``LoadAnnotations`` (PIL, :func:`read_label_map`); a file that is no
    single-channel mask raises ``ValueError`` naming it.
    """
    try:
        mask, _ = read_label_map(path)
    except UnreadableFileError as err:
        raise ValueError(f'{path}: cannot be read as a single-channel mask ({err})') from None
    mask = mask.astype(np.int64)
    mask[(mask >= num_classes) & (mask != 255)] = 255
    return mask.astype(np.uint8)


def write_pair(
    root: str | Path, split: str, stem: str, image: np.ndarray, mask: np.ndarray, quality: int
) -> None:
    """Write ``img/<split>/<stem>.jpg`` (RGB in, JPEG ``quality``) and ``labels/...png``."""
    root = Path(root)
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    cv2.imwrite(str(root / 'img' / split / f'{stem}.jpg'), bgr, [cv2.IMWRITE_JPEG_QUALITY, quality])
    cv2.imwrite(str(root / 'labels' / split / f'{stem}.png'), mask)
