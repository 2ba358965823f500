"""Worst-image panels read every file through the one reader: palette masks included."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from practicum_work.core.classes import PALETTE
from practicum_work.label_quality.panels import write_worst_panels
from practicum_work.label_quality.run import ScoredImage


def _palette_png(path, labels: np.ndarray) -> None:
    image = Image.frombytes('P', labels.shape[::-1], labels.tobytes())
    image.putpalette([v for rgb in PALETTE for v in rgb] + [0] * (768 - 3 * len(PALETTE)))
    image.save(path)


def test_a_palette_mask_makes_a_panel_not_a_crash(tmp_path):
    """OpenCV reads a palette PNG as 3 colour channels; the overlay then failed on (H, W, 3)."""
    labels = np.zeros((24, 32), np.uint8)
    labels[4:16, 6:20] = 2
    mask = tmp_path / 'm.png'
    _palette_png(mask, labels)
    assert cv2.imread(str(mask), cv2.IMREAD_UNCHANGED).shape == (24, 32, 3)  # the old trap
    image = tmp_path / 'i.jpg'
    cv2.imwrite(str(image), np.full((24, 32, 3), 120, np.uint8))
    report = tmp_path / 'report'
    for sub in ('predictions', 'issue_maps', 'panels'):
        (report / sub).mkdir(parents=True)
    cv2.imwrite(str(report / 'predictions' / 'train_a.png'), labels)
    cv2.imwrite(str(report / 'issue_maps' / 'train_a.png'), np.zeros_like(labels))
    scored = ScoredImage('train', 'a', 0, 0.5, 0.0, None, {}, False, False, str(image), str(mask))
    scored.rank = 1
    write_worst_panels(report, [scored])
    panel = np.asarray(Image.open(report / 'panels' / 'worst_001_train_a.png'))
    assert panel.ndim == 3 and panel.shape[1] >= 4 * 32
