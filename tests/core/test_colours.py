"""The one place that colours label maps: class colours, ignore white, stray values magenta."""

from __future__ import annotations

import numpy as np

from practicum_work.core.classes import IGNORE_COLOR, PALETTE
from practicum_work.core.colours import STRAY_COLOR, colourise_mask, legend_handles, overlay_mask


def test_colours_for_classes_ignore_and_stray_values():
    rgb = colourise_mask(np.array([[0, 1, 2, 255, 128]], np.uint8))
    assert [tuple(c) for c in rgb[0]] == [*PALETTE, IGNORE_COLOR, STRAY_COLOR]


def test_overlay_rounds_and_keeps_background():
    image = np.full((1, 2, 3), 101, np.uint8)
    out = overlay_mask(image, np.array([[0, 2]], np.uint8), alpha=0.5)
    assert tuple(out[0, 0]) == (101, 101, 101)
    assert tuple(out[0, 1]) == tuple(int(np.rint(0.5 * 101 + 0.5 * c)) for c in PALETTE[2])


def test_legend_names_every_class_and_ignore():
    assert [h.get_label() for h in legend_handles()] == ['background', 'cat', 'dog', 'ignore (255)']
