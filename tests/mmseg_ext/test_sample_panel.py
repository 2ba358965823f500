"""image | ground truth | prediction sample panels: scale, exact mask colours, missing truth."""

from __future__ import annotations

import numpy as np

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, PALETTE
from practicum_work.mmseg_ext.visualization.sample_panel import render_sample_panel
from practicum_work.vis.panels import GAP, LEGEND_HEIGHT, MISSING_COLOR, TITLE_HEIGHT


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
    assert panel.shape == (TITLE_HEIGHT + h * scale + LEGEND_HEIGHT, 3 * pw + 2 * GAP, 3)
    body = panel[TITLE_HEIGHT : TITLE_HEIGHT + h * scale]
    assert (body[:, :pw] == 77).all()  # the image
    gt_panel = body[:, pw + GAP : 2 * pw + GAP]
    assert (gt_panel[:, : pw // 2] == PALETTE[0]).all()
    assert (gt_panel[:, pw // 2 :] == PALETTE[1]).all()
    assert (body[:, 2 * (pw + GAP) :] == PALETTE[2]).all()  # prediction: dog everywhere
    legend = panel[-LEGEND_HEIGHT:]
    for colour in (*PALETTE[1:], IGNORE_COLOR):
        assert (legend == colour).all(axis=-1).any()  # a swatch of every class colour


def test_missing_ground_truth_and_a_differently_sized_image():
    pred = np.zeros((20, 20), dtype=np.uint8)
    image = np.zeros((40, 40, 3), dtype=np.uint8)
    panel = render_sample_panel(image, None, pred, CLASSES, PALETTE, min_height=20)
    gt_panel = panel[TITLE_HEIGHT : TITLE_HEIGHT + 20, 20 + GAP : 40 + GAP]
    assert (gt_panel == MISSING_COLOR).all(axis=-1).mean() > 0.5
