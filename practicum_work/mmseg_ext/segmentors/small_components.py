"""Test-time post-processing: remove predicted connected components smaller than N pixels.

The rule (used by ``ComponentFilterEncoderDecoder``, ``petseg best-worst --min-area`` and
``petseg postprocess-eval``):

- Components are found per class with 8-connectivity (OpenCV ``connectedComponentsWithStats``).
- ``min_area`` as one integer N applies to the foreground classes (every class but background,
  index 0): cat or dog blobs with fewer than N pixels are removed. A per-class list, e.g.
  ``[16, 64, 64]``, sets N for each class, background included (small background holes).
  0 (or ``None``) switches the filter off for a class.
- Every removed pixel takes the class of the nearest kept pixel (Euclidean distance, OpenCV
  ``distanceTransformWithLabels``), so a blob surrounded by one class takes that class, and a
  blob on a border between two classes is split between them. When no pixel is kept, removed
  pixels become background. One pass: the result is not filtered again.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from practicum_work.core.classes import BACKGROUND, CLASSES

MinArea = int | Sequence[int] | None

FILL_RULE = (
    'components are per class, 8-connected; a removed pixel takes the class of the nearest '
    'kept pixel (Euclidean), background when nothing is kept; an integer N applies to the '
    'foreground classes, a per-class list to each class (background included)'
)


def per_class_min_areas(min_area: MinArea, num_classes: int = len(CLASSES)) -> np.ndarray:
    """The minimum component area of each class (0 = no filtering) as an int array.

    ``None`` or 0: all zeros; an integer N: N for every class but background; a sequence:
    one value per class. Raises ``ValueError`` for negative values or a wrong length.
    """
    if min_area is None:
        return np.zeros(num_classes, dtype=np.int64)
    if isinstance(min_area, int | np.integer):
        areas = np.full(num_classes, int(min_area), dtype=np.int64)
        areas[BACKGROUND] = 0
    else:
        areas = np.asarray(list(min_area), dtype=np.int64)
        if areas.shape != (num_classes,):
            raise ValueError(
                f'min_component_area needs one value per class ({num_classes}), got {list(areas)}'
            )
    if (areas < 0).any():
        raise ValueError(f'min_component_area must be >= 0, got {areas.tolist()}')
    return areas


def small_component_mask(pred: np.ndarray, areas: np.ndarray) -> np.ndarray:
    """Boolean mask of the pixels in components smaller than ``areas[class]``."""
    removed = np.zeros(pred.shape, dtype=bool)
    for cls in np.flatnonzero(areas > 0):
        binary = (pred == cls).astype(np.uint8)
        if not binary.any():
            continue
        _, labels, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=8)
        small = stats[:, cv2.CC_STAT_AREA] < areas[cls]
        small[0] = False  # label 0 is everything that is not this class
        removed |= small[labels]
    return removed


def fill_from_nearest(pred: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """A copy of ``pred`` where ``removed`` pixels take the class of the nearest kept pixel."""
    out = pred.copy()
    if not removed.any():
        return out
    kept = ~removed
    if not kept.any():
        out[removed] = BACKGROUND
        return out
    # Zero pixels (kept) each get their own label; every pixel gets its nearest zero's label.
    _, labels = cv2.distanceTransformWithLabels(
        removed.astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    class_of_label = np.zeros(int(labels.max()) + 1, dtype=pred.dtype)
    class_of_label[labels[kept]] = pred[kept]
    out[removed] = class_of_label[labels[removed]]
    return out


def remove_small_components(
    pred: np.ndarray, min_area: MinArea, num_classes: int = len(CLASSES)
) -> np.ndarray:
    """Return ``pred`` (H, W) without components smaller than ``min_area`` (module rule)."""
    pred = np.asarray(pred)
    if pred.ndim != 2:
        raise ValueError(f'expected a (H, W) class map, got shape {pred.shape}')
    areas = per_class_min_areas(min_area, num_classes)
    if not areas.any():
        return pred.copy()
    return fill_from_nearest(pred, small_component_mask(pred, areas))
