"""Pure functions on one label map: class pixel counts, stray values replaced, sizes, species
swaps. (Which masks are empty or tiny, and which values are stray: :mod:`practicum_work.data.
checks`, the rules eda and fix-labels share.)"""

from __future__ import annotations

from typing import get_args

import cv2
import numpy as np

from practicum_work.core.classes import BACKGROUND, CAT, DOG, IGNORE_INDEX, VALID_LABELS
from practicum_work.core.mask_encoding import count_values
from practicum_work.data.label_fix.settings import StrayPolicy

_VALID = np.array(sorted(VALID_LABELS))


def class_pixel_counts(mask: np.ndarray | dict[int, int]) -> dict[str, int]:
    """Pixels per class name, ignore (255) and stray (any other value), of a label map or of
    its value counts (``{value: pixels}``)."""
    table = mask if isinstance(mask, dict) else count_values(mask)
    stray = sum(n for v, n in table.items() if v not in VALID_LABELS)
    return {
        'background': table.get(BACKGROUND, 0),
        'cat': table.get(CAT, 0),
        'dog': table.get(DOG, 0),
        'ignore': table.get(IGNORE_INDEX, 0),
        'stray': stray,
    }


def replace_stray(mask: np.ndarray, policy: str = 'ignore') -> np.ndarray:
    """A uint8 copy with stray values set to 255 (``ignore``) or 0 (``background``)."""
    if policy not in get_args(StrayPolicy):
        raise ValueError(f'unknown stray policy {policy!r}')
    target = IGNORE_INDEX if policy == 'ignore' else BACKGROUND
    stray = ~np.isin(mask, _VALID)
    out = np.where(stray, target, mask)
    return out.astype(np.uint8)


def resize_nearest(mask: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Resize a label map to ``size`` = (width, height) with nearest neighbour (never bilinear)."""
    return cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)


def swap_species(mask: np.ndarray, where: np.ndarray | None = None) -> np.ndarray:
    """A copy with cat and dog exchanged, everywhere or only where ``where`` is True."""
    out = mask.copy()
    cat, dog = mask == CAT, mask == DOG
    if where is not None:
        cat &= where
        dog &= where
    out[cat], out[dog] = DOG, CAT
    return out


def component_at(mask: np.ndarray, label: int, seed_xy: tuple[int, int]) -> np.ndarray:
    """The 8-connected component of ``mask == label`` that contains pixel ``seed_xy`` (x, y)."""
    binary = (mask == label).astype(np.uint8)
    _, labels = cv2.connectedComponents(binary, connectivity=8)
    x, y = seed_xy
    if not binary[y, x]:
        raise ValueError(f'pixel {seed_xy} is not of class {label}')
    return labels == labels[y, x]
