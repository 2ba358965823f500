"""The one panel renderer: layout, exact tile pixels, blank tiles, legend swatches, files."""

from __future__ import annotations

import numpy as np
from PIL import Image

from practicum_work.core.classes import IGNORE_COLOR, PALETTE
from practicum_work.core.colours import STRAY_COLOR
from practicum_work.vis.panels import (
    GAP,
    LEGEND_HEIGHT,
    MISSING_COLOR,
    TITLE_HEIGHT,
    Tile,
    class_legend,
    compose_panel,
    save_png,
    stack_rows,
)


def test_tiles_keep_their_aspect_and_exact_mask_colours():
    image = np.full((20, 40, 3), 77, np.uint8)
    mask = np.zeros((20, 40, 3), np.uint8)
    mask[:, 20:] = PALETTE[1]
    panel = compose_panel([Tile(image, 'image'), Tile(mask, 'mask', nearest=True)], height=40)
    assert panel.shape == (TITLE_HEIGHT + 40, 80 + GAP + 80, 3)
    body = panel[TITLE_HEIGHT:]
    assert (body[:, :80] == 77).all()
    assert (body[:, 80 + GAP : 80 + GAP + 40] == 0).all()
    assert (body[:, 80 + GAP + 40 :] == PALETTE[1]).all()  # nearest: no blended edge


def test_caption_blank_tile_and_legend():
    image = np.zeros((10, 10, 3), np.uint8)
    legend = class_legend(stray=True)
    panel = compose_panel([Tile(image), Tile(None, note='no mask')], ['a caption'], legend, 30)
    assert panel.shape[0] == 8 + 17 + 30 + LEGEND_HEIGHT  # one caption line, no titles
    assert (panel[25:55, 30 + GAP : 60 + GAP] == MISSING_COLOR).any(axis=-1).any()
    swatches = panel[-LEGEND_HEIGHT:]
    for colour in (*PALETTE[1:], IGNORE_COLOR, STRAY_COLOR):
        assert (swatches == colour).all(axis=-1).any()
    assert [name for name, _ in legend] == ['background', 'cat', 'dog', 'ignore', 'other values']


def test_rows_stack_to_the_widest_and_png_round_trips(tmp_path):
    rows = [np.zeros((5, 10, 3), np.uint8), np.zeros((7, 4, 3), np.uint8)]
    sheet = stack_rows(rows)
    assert sheet.shape == (5 + 2 + 7 + 2, 10, 3) and (sheet[7:14, 4:] == 255).all()
    path = save_png(tmp_path / 'sub' / 'naïve 名.png', sheet)
    assert np.array_equal(np.asarray(Image.open(path)), sheet)
