"""Best/worst panels: image | ground-truth overlay | prediction overlay | error map.

Error map colours (on the dimmed grey image): **missed** = ground-truth cat/dog predicted as
background (false negative), **false alarm** = background predicted as cat/dog (false
positive), **wrong class** = one foreground class predicted as another (cat as dog); ignored
pixels (255) white.
Drawn by the one panel renderer (:mod:`practicum_work.vis.panels`).
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from practicum_work.core.classes import BACKGROUND, CLASSES, IGNORE_COLOR, IGNORE_INDEX, PALETTE
from practicum_work.core.colours import overlay_mask
from practicum_work.core.image_io import UnreadableFileError, read_class_map, read_image_rgb
from practicum_work.vis.panels import Tile, class_legend, compose_panel, save_png

MISSED_COLOR = (220, 20, 60)  # crimson
FALSE_ALARM_COLOR = (255, 230, 0)  # yellow
WRONG_CLASS_COLOR = (255, 0, 255)  # magenta
ERROR_LEGEND: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ('missed (FN)', MISSED_COLOR),
    ('false alarm (FP)', FALSE_ALARM_COLOR),
    ('wrong class', WRONG_CLASS_COLOR),
)
PANEL_HEIGHT = 256


def read_label_map(path, num_classes: int = len(CLASSES)) -> np.ndarray:
    """A mask as the pipeline sees it (values that are no class -> 255); see ``read_class_map``."""
    return read_class_map(path, num_classes)


def error_map(image: np.ndarray, gt: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Correct pixels as a dimmed grey image; errors in the module's colours."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    out = np.repeat((grey * 0.45).astype(np.uint8)[..., None], 3, axis=2)
    valid = gt != IGNORE_INDEX
    gt_fg, pred_fg = valid & (gt != BACKGROUND), pred != BACKGROUND
    out[gt_fg & ~pred_fg] = MISSED_COLOR
    out[valid & (gt == BACKGROUND) & pred_fg] = FALSE_ALARM_COLOR
    out[gt_fg & pred_fg & (gt != pred)] = WRONG_CLASS_COLOR
    out[~valid] = IGNORE_COLOR
    return out


@dataclass(frozen=True)
class PanelJob:
    """What one panel shows and where it goes."""

    image_path: str
    mask_path: str
    prediction_path: str
    out_path: str
    title: str
    classes: tuple[str, ...] = CLASSES
    palette: tuple[tuple[int, int, int], ...] = PALETTE


def render_panel(job: PanelJob) -> str:
    """Write the four-view panel of ``job`` as PNG; return its path."""
    try:
        image, _ = read_image_rgb(job.image_path)
    except UnreadableFileError as err:
        raise ValueError(f'{job.image_path}: cannot be read as an image ({err})') from None
    gt = read_label_map(job.mask_path, len(job.classes))
    pred = read_label_map(job.prediction_path, len(job.classes))
    if gt.shape != image.shape[:2] or pred.shape != gt.shape:
        raise ValueError(f'{job.image_path}: image, mask and prediction sizes differ')
    tiles = [
        Tile(image, 'image'),
        Tile(overlay_mask(image, gt, alpha=0.55, palette=job.palette), 'ground truth'),
        Tile(overlay_mask(image, pred, alpha=0.55, palette=job.palette), 'prediction'),
        Tile(error_map(image, gt, pred), 'errors', nearest=True),
    ]
    legend = [*class_legend(job.classes, job.palette), *ERROR_LEGEND]
    return save_png(job.out_path, compose_panel(tiles, [job.title], legend, PANEL_HEIGHT))
