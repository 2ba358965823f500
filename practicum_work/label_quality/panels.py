"""Review panels: image | given mask | out-of-fold prediction | issue map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from practicum_work.core.classes import CLASSES
from practicum_work.core.colours import overlay_mask
from practicum_work.core.image_io import read_class_map, read_image_rgb, read_label_map
from practicum_work.label_quality.scoring import (
    CONTRADICTION_CODES,
    ISSUE_COLOURS,
    colour_issue_map,
)
from practicum_work.vis.panels import Tile, class_legend, compose_panel, save_png

PANEL_HEIGHT = 256


def save_panel(
    path: Path,
    image: np.ndarray,
    given: np.ndarray,
    predicted: np.ndarray,
    codes: np.ndarray,
    title: str,
) -> None:
    """Write one 4-column review panel as PNG (RGB image, label maps and issue codes in)."""
    tiles = [
        Tile(image, 'image'),
        Tile(overlay_mask(image, given), 'given mask'),
        Tile(overlay_mask(image, predicted), 'out-of-fold prediction'),
        Tile(colour_issue_map(codes), 'issue map', nearest=True),
    ]
    issues = [(name, tuple(ISSUE_COLOURS[code])) for name, code in CONTRADICTION_CODES.items()]
    save_png(path, compose_panel(tiles, [title], [*class_legend(), *issues], PANEL_HEIGHT))


def write_worst_panels(report: Path, worst: list) -> None:
    """A panel per image of ``worst`` (ScoredImage), read back through the one image reader.

    The given mask is decoded as it was scored: palette masks give their indices, RGB masks
    with equal channels one channel (OpenCV would have expanded a palette mask to colours).
    """
    for image in worst:
        name = f'{image.split}_{image.stem}.png'
        picture, _ = read_image_rgb(image.image)
        given = read_class_map(image.mask, len(CLASSES))
        predicted, _ = read_label_map(report / 'predictions' / name)
        codes, _ = read_label_map(report / 'issue_maps' / name)
        title = (
            f'rank {image.rank}  {image.split}/{image.stem}  score {image.score:.3f}  '
            f'contradicted {image.contradicted_share:.1%}  '
            f'({image.dominant_contradiction or "none"})'
        )
        path = report / 'panels' / f'worst_{image.rank:03d}_{name}'
        save_panel(path, picture, given, predicted.astype(np.uint8), codes.astype(np.uint8), title)
