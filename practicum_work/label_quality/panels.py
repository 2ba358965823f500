"""Review panels: image | given mask | out-of-fold prediction | issue map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from practicum_work.core.colours import overlay_mask
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
