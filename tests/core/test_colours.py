"""The one place that colours label maps: class colours, ignore white, stray values magenta."""

from __future__ import annotations

import numpy as np

from practicum_work.core.classes import IGNORE_COLOR, PALETTE
from practicum_work.core.colours import STRAY_COLOR, colourise_mask, overlay_mask


def test_colours_for_classes_ignore_and_stray_values():
    rgb = colourise_mask(np.array([[0, 1, 2, 255, 128]], np.uint8))
    assert [tuple(c) for c in rgb[0]] == [*PALETTE, IGNORE_COLOR, STRAY_COLOR]


def test_overlay_rounds_and_keeps_background():
    image = np.full((1, 2, 3), 101, np.uint8)
    out = overlay_mask(image, np.array([[0, 2]], np.uint8), alpha=0.5)
    assert tuple(out[0, 0]) == (101, 101, 101)
    assert tuple(out[0, 1]) == tuple(int(np.rint(0.5 * 101 + 0.5 * c)) for c in PALETTE[2])


def test_sixteen_bit_values_and_another_palette():
    rgb = colourise_mask(np.array([[1, 300, 255]], np.uint16), palette=((0, 0, 0), (9, 9, 9)))
    assert [tuple(c) for c in rgb[0]] == [(9, 9, 9), STRAY_COLOR, IGNORE_COLOR]
