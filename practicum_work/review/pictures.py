"""The pictures of a review item, drawn when the page asks: image, mask as given, proposal."""

from __future__ import annotations

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


def _mask(source: ReviewSource, item: ReviewItem) -> np.ndarray | None:
    if item.mask is None:
        return None
    try:
        return read_label_map(source.data_root / item.mask)[0]
    except UnreadableFileError:
        return None


def proposed_mask(source: ReviewSource, item: ReviewItem, mask: np.ndarray) -> np.ndarray | None:
    """The mask after what the tool proposes (None: the sample would be dropped)."""
    if item.proposal_file:
        return read_label_map(item.proposal_file)[0]
    if item.suggestion == 'drop':
        return None
    return apply_changes(mask, item.changes)


def _blank(height: int, width: int, text: str) -> np.ndarray:
    tile = np.full((height, width, 3), 60, np.uint8)
    cv2.putText(tile, text, (10, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 0.6, (235, 235, 235), 1)
    return tile


def _fit(pixels: np.ndarray, shape: tuple[int, int], nearest: bool) -> np.ndarray:
    if pixels.shape[:2] == shape:
        return pixels
    method = cv2.INTER_NEAREST if nearest else cv2.INTER_LINEAR
    return cv2.resize(pixels, shape[::-1], interpolation=method)


def render(source: ReviewSource, item: ReviewItem, kind: str) -> bytes:
    """JPEG bytes of one picture of ``item``: ``image``, ``given`` or ``proposed`` overlay."""
    image = None
    if item.image is not None:
        image, _ = read_image_for_display(source.data_root / item.image)
    mask = _mask(source, item)
    base = image if image is not None else None
    if base is None and mask is not None:
        base = np.full((*mask.shape, 3), 40, np.uint8)
    if base is None:
        base = _blank(256, 256, 'no image, no mask')
    if kind == 'given' and mask is not None:
        base = overlay_mask(base, _fit(mask, base.shape[:2], True), alpha=0.55)
    elif kind == 'given':
        base = _blank(*base.shape[:2], 'no readable mask')
    elif kind == 'proposed':
        proposal = proposed_mask(source, item, mask) if mask is not None else None
        if proposal is None:
            text = 'dropped from the copy' if item.suggestion == 'drop' else 'no proposal'
            base = (base * 0.35).astype(np.uint8)
            cv2.putText(base, text, (10, 30), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 90, 90), 2)
        else:
            base = overlay_mask(base, _fit(proposal, base.shape[:2], True), alpha=0.55)
    factor = max(1, -(-MIN_HEIGHT // base.shape[0]))
    if factor > 1:
        base = cv2.resize(base, None, fx=factor, fy=factor, interpolation=cv2.INTER_NEAREST)
    _, data = cv2.imencode(
        '.jpg', cv2.cvtColor(base, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
    )
    return data.tobytes()
