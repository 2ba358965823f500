"""Species regions of a mask (what a classifier judges) and square crops around them.

A mask with one species (the other below ``min_pixels``) is one region: all pixels of that
class, scope ``image``. A mask with both species is judged per connected component (scope
``component``). A component is judged only when it holds at least ``min_pixels`` and at least
``MIN_COMPONENT_PIXELS``: the footprint of one descriptor of the finer visual-word cell size
(4 x 4 cells of 9 px, 36 x 36 px, see :mod:`.visual_words`). A smaller fragment (a paw or an ear
cut off by an occluder, a stray brush stroke) is described by descriptors that mostly see what
lies around it, and its silhouette is blown up several times to the normalised size, so what a
classifier says about it is not evidence about the animal (issue 22: on generated data such
fragments of 170-800 px were called the other species at P 0.88-1.00). An ImageNet crop of it
would be upscaled six times or more. The bound follows from the descriptors, not from data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from practicum_work.core.classes import CAT, DOG
from practicum_work.data.label_fix.visual_words import CELLS, DENSE_CELLS

MIN_COMPONENT_PIXELS = (CELLS * min(DENSE_CELLS)) ** 2  # 1296: a 36 x 36 px descriptor footprint


@dataclass
class SpeciesRegion:
    """One judged region: its class, size, bounding box (x0, y0, x1, y1) and component areas."""

    label: int
    pixels: int
    bbox: tuple[int, int, int, int]
    scope: str  # 'image' or 'component'
    component_areas: list[int] = field(default_factory=list)
    seed_xy: tuple[int, int] | None = None  # a pixel of the component (scope 'component')


def _bbox(selection: np.ndarray) -> tuple[int, int, int, int]:
    x, y, w, h = cv2.boundingRect(selection.astype(np.uint8))
    return int(x), int(y), int(x + w), int(y + h)


def _components(selection: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Labels image and stats (x, y, w, h, area) of the 8-connected components, background cut."""
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        selection.astype(np.uint8), connectivity=8
    )
    return labels, stats[1:]


def find_regions(
    mask: np.ndarray, min_pixels: int, min_component_pixels: int = MIN_COMPONENT_PIXELS
) -> tuple[list[SpeciesRegion], list[np.ndarray]]:
    """The regions of ``mask`` to judge and, aligned, their boolean pixel selections.

    Components of a mask with both species smaller than ``min_pixels`` or
    ``min_component_pixels`` are not judged (see the module doc).
    """
    present = [c for c in (CAT, DOG) if np.count_nonzero(mask == c) >= min_pixels]
    regions: list[SpeciesRegion] = []
    selections: list[np.ndarray] = []
    if len(present) == 1:
        label = present[0]
        selection = mask == label
        _, stats = _components(selection)
        areas = sorted((int(a) for a in stats[:, 4]), reverse=True)
        regions.append(SpeciesRegion(label, int(selection.sum()), _bbox(selection), 'image', areas))
        selections.append(selection)
    elif len(present) == 2:
        for label in (CAT, DOG):
            labels, stats = _components(mask == label)
            for index in np.argsort(-stats[:, 4], kind='stable'):
                area = int(stats[index, 4])
                if area < max(min_pixels, min_component_pixels):
                    continue
                selection = labels == index + 1
                ys, xs = np.nonzero(selection)
                regions.append(
                    SpeciesRegion(
                        label,
                        area,
                        _bbox(selection),
                        'component',
                        [area],
                        (int(xs[0]), int(ys[0])),
                    )
                )
                selections.append(selection)
    return regions, selections


def square_crop(
    array: np.ndarray, bbox: tuple[int, int, int, int], size: int, margin: float = 0.1
) -> np.ndarray:
    """A square window around ``bbox`` (``margin`` per side, zero-padded), resized to ``size``."""
    x0, y0, x1, y1 = bbox
    side = round(max(x1 - x0, y1 - y0) * (1 + 2 * margin)) + 1
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    left, top = round(cx - side / 2), round(cy - side / 2)
    h, w = array.shape[:2]
    pad = [(max(0, -top), max(0, top + side - h)), (max(0, -left), max(0, left + side - w))]
    pad += [(0, 0)] * (array.ndim - 2)
    window = np.pad(array, pad)[top + pad[0][0] : top + pad[0][0] + side]
    window = window[:, left + pad[1][0] : left + pad[1][0] + side]
    interpolation = cv2.INTER_AREA if side > size else cv2.INTER_LINEAR
    return cv2.resize(window, (size, size), interpolation=interpolation)
