"""Panel pieces on known-answer pixels: overlays, the error map, the rendered file."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from practicum_work.analysis.panels import (
    FALSE_ALARM_COLOR,
    MISSED_COLOR,
    WRONG_CLASS_COLOR,
    PanelJob,
    error_map,
    read_label_map,
    render_panel,
)
from practicum_work.core.classes import IGNORE_COLOR, PALETTE
from practicum_work.core.colours import colourise_mask, overlay_mask


def test_error_map_colours_each_kind_of_pixel():
    image = np.full((1, 6, 3), 200, np.uint8)
    gt = np.array([[0, 1, 0, 1, 2, 255]], np.uint8)
    pred = np.array([[0, 1, 2, 0, 1, 0]], np.uint8)
    out = error_map(image, gt, pred)
    assert tuple(out[0, 0]) == tuple(out[0, 1]) == (90, 90, 90)  # correct: dimmed grey
    assert tuple(out[0, 2]) == FALSE_ALARM_COLOR  # background called dog
    assert tuple(out[0, 3]) == MISSED_COLOR  # cat called background
    assert tuple(out[0, 4]) == WRONG_CLASS_COLOR  # dog called cat
    assert tuple(out[0, 5]) == IGNORE_COLOR


def test_overlay_blends_only_non_background():
    image = np.full((1, 3, 3), 100, np.uint8)
    mask = np.array([[0, 1, 255]], np.uint8)
    out = overlay_mask(image, mask, alpha=0.5)
    assert tuple(out[0, 0]) == (100, 100, 100)
    assert tuple(out[0, 1]) == tuple(round(0.5 * 100 + 0.5 * c) for c in PALETTE[1])
    assert tuple(out[0, 2]) == tuple(round(0.5 * 100 + 0.5 * c) for c in IGNORE_COLOR)
    assert colourise_mask(mask)[0, 1].tolist() == list(PALETTE[1])


def test_read_label_map_maps_unknown_values_to_ignore(tmp_path):
    path = tmp_path / 'm.png'
    cv2.imwrite(str(path), np.array([[0, 1, 2, 7, 255]], np.uint8))
    assert read_label_map(path).tolist() == [[0, 1, 2, 255, 255]]
    with pytest.raises(ValueError, match='single-channel'):
        read_label_map(tmp_path / 'missing.png')


def test_render_panel_writes_a_png(tmp_path):
    image = np.random.default_rng(0).integers(0, 255, (32, 40, 3), dtype=np.uint8)
    gt = np.zeros((32, 40), np.uint8)
    gt[5:15, 5:15] = 1
    pred = np.zeros_like(gt)
    pred[8:20, 8:20] = 2
    cv2.imwrite(str(tmp_path / 'i.jpg'), image)
    cv2.imwrite(str(tmp_path / 'g.png'), gt)
    cv2.imwrite(str(tmp_path / 'p.png'), pred)
    job = PanelJob(
        str(tmp_path / 'i.jpg'), str(tmp_path / 'g.png'), str(tmp_path / 'p.png'),
        str(tmp_path / 'out' / '01_i.png'), 'title',
    )  # fmt: skip
    written = render_panel(job)
    panel = cv2.imread(written)
    assert panel.shape == (8 + 17 + 20 + 256 + 28, 4 * 320 + 3 * 4, 3)  # 32x40 tiles at 256 rows
    bad = PanelJob(job.image_path, job.mask_path, str(tmp_path / 'i.jpg'), job.out_path, 't')
    with pytest.raises(ValueError):
        render_panel(bad)  # a colour image is no label map


def test_read_label_map_decodes_palette_and_16_bit_masks_like_the_pipeline(tmp_path):
    from PIL import Image

    values = np.array([[0, 1, 2, 9]], np.uint8)
    palette = Image.fromarray(values, 'L').convert('P')
    palette.putpalette([0, 0, 0, 200, 0, 0, 0, 0, 200] + [255] * 759)
    palette.save(tmp_path / 'p.png')
    cv2.imwrite(str(tmp_path / 'w.png'), values.astype(np.uint16))
    for name in ('p.png', 'w.png'):
        assert read_label_map(tmp_path / name).tolist() == [[0, 1, 2, 255]]
