"""image | ground truth | prediction panels: layout and exact mask colours."""

from __future__ import annotations

import numpy as np

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, PALETTE
from practicum_work.mmseg_ext.visualization.sample_panel import (
    GAP,
    HEADER,
    LEGEND,
    UNKNOWN_COLOR,
    colour_mask,
    render_sample_panel,
)


def test_colour_mask_known_answer():
    mask = np.array([[0, 1], [2, 255]], dtype=np.uint8)
    rgb = colour_mask(mask, PALETTE)
    assert rgb[0, 0].tolist() == list(PALETTE[0])
    assert rgb[0, 1].tolist() == list(PALETTE[1])
    assert rgb[1, 0].tolist() == list(PALETTE[2])
    assert rgb[1, 1].tolist() == list(IGNORE_COLOR)
    assert colour_mask(np.array([[7]]), PALETTE)[0, 0].tolist() == list(UNKNOWN_COLOR)


def test_panel_layout_scale_and_colours():
    h, w = 32, 48
    image = np.full((h, w, 3), 77, dtype=np.uint8)
    gt = np.zeros((h, w), dtype=np.uint8)
    gt[:, w // 2 :] = 1  # right half cat
    pred = np.full((h, w), 2, dtype=np.uint8)  # all dog
    panel = render_sample_panel(image, gt, pred, CLASSES, PALETTE, min_height=96)
    scale = 3  # 32 px -> at least 96 px
    pw = w * scale
    assert panel.dtype == np.uint8
    assert panel.shape == (HEADER + h * scale + LEGEND, 3 * pw + 2 * GAP, 3)
    body = panel[HEADER : HEADER + h * scale]
    assert (body[:, :pw] == 77).all()  # the image
    gt_panel = body[:, pw + GAP : 2 * pw + GAP]
    assert (gt_panel[:, : pw // 2] == PALETTE[0]).all() and (
        gt_panel[:, pw // 2 :] == PALETTE[1]
    ).all()
    assert (body[:, 2 * (pw + GAP) :] == PALETTE[2]).all()  # prediction: dog everywhere
    legend = panel[-LEGEND:]
    for colour in (*PALETTE[1:], IGNORE_COLOR):
        assert (legend == colour).all(axis=-1).any()  # a swatch of every class colour


def test_missing_ground_truth_and_a_differently_sized_image():
    pred = np.zeros((20, 20), dtype=np.uint8)
    image = np.zeros((40, 40, 3), dtype=np.uint8)
    panel = render_sample_panel(image, None, pred, CLASSES, PALETTE, min_height=20)
    gt_panel = panel[HEADER : HEADER + 20, 20 + GAP : 40 + GAP]
    assert (gt_panel == UNKNOWN_COLOR).all()
