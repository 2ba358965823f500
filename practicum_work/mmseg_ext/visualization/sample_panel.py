"""One picture per sample: image | ground truth | prediction, with titles and a class legend."""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from practicum_work.core.colours import colourise_mask
from practicum_work.vis.panels import Tile, class_legend, compose_panel


def render_sample_panel(
    image: np.ndarray,
    gt: np.ndarray | None,
    pred: np.ndarray,
    classes: Sequence[str],
    palette: Sequence[Sequence[int]],
    min_height: int = 192,
) -> np.ndarray:
    """``image`` (HxWx3 RGB) | ground truth | prediction (HxW labels), titled, with a legend.

    Small images are enlarged by an integer factor (nearest neighbour) to at least
    ``min_height`` pixels so that titles and masks stay readable. Without ``gt`` its tile is
    grey. Returns an RGB uint8 array (the one panel renderer's).
    """
    height, width = pred.shape[:2]
    if image.shape[:2] != (height, width):
        image = cv2.resize(image, (width, height), interpolation=cv2.INTER_LINEAR)
    factor = max(1, -(-min_height // height))
    tiles = [
        Tile(image.astype(np.uint8), 'image', nearest=True),
        Tile(None, 'ground truth', 'no ground truth')
        if gt is None
        else Tile(colourise_mask(gt, palette), 'ground truth', nearest=True),
        Tile(colourise_mask(pred, palette), 'prediction', nearest=True),
    ]
    return compose_panel(tiles, (), class_legend(classes, palette), height=height * factor)
