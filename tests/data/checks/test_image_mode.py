"""Images that are not 8-bit RGB."""

from __future__ import annotations

import numpy as np

from practicum_work.data.checks.image_mode import ImageMode


def test_image_modes(pair, labels, run_check):
    gray = np.full((64, 64), 90, np.uint8)
    assert run_check(ImageMode, pair(labels(400), image=gray, stem='g'))[0] == ['grayscale_image']
    rgba = pair(
        labels(400), image=np.full((64, 64, 4), 90, np.uint8), stem='a', image_suffix='.png'
    )
    kinds, found, _ = run_check(ImageMode, rgba)
    assert kinds == ['image_mode'] and 'RGBA' in found[0].message
    assert run_check(ImageMode, pair(labels(400), stem='rgb'))[0] == []
