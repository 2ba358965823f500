"""The pictures of a review item, drawn when the page asks: image, mask as given, proposal.

Every picture is drawn on the sample's photo, whatever the finding (a mask is judged against
what it should outline); the photo is left out only where there is none. A note (no mask,
background only, dropped from the copy...) goes in a band at the top, sized to the picture so
that it is never cut.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from practicum_work.core.colours import overlay_mask
from practicum_work.core.image_io import (
    UnreadableFileError,
    read_image_for_display,
    read_label_map,
)
from practicum_work.data.label_fix.apply import apply_changes
from practicum_work.review.sources import ReviewItem, ReviewSource

KINDS = ('image', 'given', 'proposed')
MIN_HEIGHT = 384  # small masks are enlarged so that a person can judge them
JPEG_QUALITY = 92
ALPHA = 0.55
NO_PHOTO_GREY = 40
NOTE_COLOUR = (255, 214, 90)  # RGB: amber, on a darkened band
WARN_COLOUR = (255, 90, 90)
TINY_SHARE = 0.002  # a foreground under 0.2 % of the picture is circled
FONT = cv2.FONT_HERSHEY_SIMPLEX
NOTE_WIDTH_PER_SCALE = 470  # picture width per unit of font scale: ~14 px letters on the page


@dataclass
class MaskPixels:
    """The mask as it can be shown: class ids, else its raw colours, else why neither."""

    labels: np.ndarray | None = None
    colours: np.ndarray | None = None
    note: str = ''


def _photo(source: ReviewSource, item: ReviewItem) -> tuple[np.ndarray | None, str]:
    if item.image is None:
        return None, 'no image'
    return read_image_for_display(source.data_root / item.image)


def _mask(source: ReviewSource, item: ReviewItem) -> MaskPixels:
    if item.mask is None:
        return MaskPixels(note='no mask')
    path = source.data_root / item.mask
    try:
        return MaskPixels(labels=read_label_map(path)[0])
    except UnreadableFileError:
        colours, _ = read_image_for_display(path)
        coloured = colours is not None and (colours != colours[..., :1]).any()
        if coloured:  # a colour-coded mask: what it outlines still shows
            return MaskPixels(colours=colours, note='colour mask: shown as its colours')
        return MaskPixels(note='mask unreadable')


def proposed_mask(source: ReviewSource, item: ReviewItem, mask: np.ndarray) -> np.ndarray | None:
    """The mask after what the tool proposes (None: the sample would be dropped)."""
    if item.proposal_file:
        return read_label_map(item.proposal_file)[0]
    if item.suggestion == 'drop':
        return None
    return apply_changes(mask, item.changes)


def _fit(pixels: np.ndarray, shape: tuple[int, int], nearest: bool) -> np.ndarray:
    if pixels.shape[:2] == shape:
        return pixels
    method = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    return cv2.resize(pixels, shape[::-1], interpolation=method)


def _dim(pixels: np.ndarray) -> np.ndarray:
    return (pixels * 0.35).astype(np.uint8)


def _blend_colours(photo: np.ndarray, colours: np.ndarray) -> np.ndarray:
    """A colour-coded mask over the photo as it is (black stays background)."""
    colours = _fit(colours, photo.shape[:2], True)
    blended = photo * (1 - ALPHA) + colours * ALPHA
    painted = colours.any(axis=2, keepdims=True)
    return np.where(painted, blended, photo).astype(np.uint8)


def _lines(text: str, width: int, scale: float, thickness: int) -> list[str]:
    """``text`` broken at spaces into lines no wider than ``width`` pixels."""
    lines: list[str] = []
    for word in text.split():
        candidate = f'{lines[-1]} {word}' if lines else word
        if lines and cv2.getTextSize(candidate, FONT, scale, thickness)[0][0] <= width:
            lines[-1] = candidate
        else:
            lines.append(word)
    return lines


def add_note(picture: np.ndarray, text: str, colour: tuple[int, int, int] = NOTE_COLOUR) -> None:
    """Write ``text`` in a darkened band at the top of ``picture``, fitted to its width.

    Letters scale with the picture (the page shows every picture about as wide), lines break
    at spaces, and a word wider than the picture makes the letters smaller: nothing is cut.
    """
    height, width = picture.shape[:2]
    margin = max(4, width // 20)
    room = width - 2 * margin
    scale = width / NOTE_WIDTH_PER_SCALE
    thickness = max(1, round(scale * 1.5))
    lines = _lines(text, room, scale, thickness)
    widest = max(cv2.getTextSize(line, FONT, scale, thickness)[0][0] for line in lines)
    if widest > room:
        scale *= room / widest
        thickness = max(1, round(scale * 1.5))
    (_, text_height), baseline = cv2.getTextSize('Ag', FONT, scale, thickness)
    step = text_height + baseline + margin // 2
    band = min(height, margin + step * len(lines))
    picture[:band] = _dim(picture[:band])
    for n, line in enumerate(lines):
        y = margin + text_height + n * step
        cv2.putText(picture, line, (margin, y), FONT, scale, colour, thickness, cv2.LINE_AA)


def _ring_tiny_foreground(picture: np.ndarray, labels: np.ndarray) -> str:
    """Circle a foreground too small to see (drawn on ``picture``); the note saying so."""
    if not 0 < np.count_nonzero(labels) <= TINY_SHARE * labels.size:
        return ''
    rows, columns = np.nonzero(labels)
    centre = (int(columns.mean()), int(rows.mean()))
    spread = max(columns.max() - columns.min(), rows.max() - rows.min())
    radius = int(max(spread, min(labels.shape) // 12))
    thickness = max(1, min(labels.shape) // 120)
    cv2.circle(picture, centre, radius, NOTE_COLOUR, thickness, cv2.LINE_AA)
    return f'{rows.size} foreground pixel{"s" * (rows.size != 1)} (circled)'


def _labels_overlay(base: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, str]:
    """A label map over the photo; a note when it outlines nothing or almost nothing."""
    fitted = _fit(labels, base.shape[:2], True)
    picture = overlay_mask(base, fitted, alpha=ALPHA)
    if not fitted.any():
        return picture, 'background only (no pet outlined)'
    return picture, _ring_tiny_foreground(picture, fitted)


def _given(base: np.ndarray, mask: MaskPixels) -> tuple[np.ndarray, str]:
    if mask.labels is not None:
        picture, note = _labels_overlay(base, mask.labels)
        if mask.labels.shape != base.shape[:2]:
            height, width = mask.labels.shape
            note = f'mask is {width}x{height}, stretched to the image'
        return picture, note
    if mask.colours is not None:
        return _blend_colours(base, mask.colours), mask.note
    return _dim(base), mask.note


def _proposed(
    source: ReviewSource, item: ReviewItem, base: np.ndarray, mask: MaskPixels
) -> tuple[np.ndarray, str]:
    if item.suggestion == 'drop' and not item.proposal_file:
        return _dim(base), 'dropped from the copy'
    if mask.labels is None and not item.proposal_file:
        return _dim(base), 'no proposal (no readable mask)'
    proposal = proposed_mask(source, item, mask.labels)
    if proposal is None:
        return _dim(base), 'dropped from the copy'
    picture, note = _labels_overlay(base, proposal)
    return picture, 'to be relabelled' if item.suggestion == 'relabel' else note


def _enlarged(picture: np.ndarray) -> np.ndarray:
    factor = max(1, -(-MIN_HEIGHT // picture.shape[0]))
    if factor == 1:
        return picture
    return cv2.resize(picture, None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST)


def draw(source: ReviewSource, item: ReviewItem, kind: str) -> np.ndarray:
    """RGB pixels of one picture of ``item``: ``image``, ``given`` or ``proposed`` overlay."""
    photo, photo_note = _photo(source, item)
    mask = MaskPixels() if kind == 'image' and photo is not None else _mask(source, item)
    if photo is not None:
        base = photo
    else:
        shape = next(
            (m.shape[:2] for m in (mask.labels, mask.colours) if m is not None), (256, 256)
        )
        base = np.full((*shape, 3), NO_PHOTO_GREY, np.uint8)
    note, colour = '', NOTE_COLOUR
    if kind == 'image':
        picture, note = base.copy(), photo_note
    elif kind == 'given':
        picture, note = _given(base, mask)
    else:
        picture, note = _proposed(source, item, base, mask)
        colour = WARN_COLOUR if note.startswith('dropped') else NOTE_COLOUR
    if photo is None and kind != 'image':
        note = f'{photo_note}; {note}' if note else photo_note
    picture = _enlarged(picture)
    if note:
        add_note(picture, note, colour)
    return picture


def render(source: ReviewSource, item: ReviewItem, kind: str) -> bytes:
    """JPEG bytes of one picture of ``item`` (see :func:`draw`)."""
    picture = draw(source, item, kind)
    _, data = cv2.imencode(
        '.jpg', cv2.cvtColor(picture, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    )
    return data.tobytes()
