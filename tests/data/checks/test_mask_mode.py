"""How the mask stores its ids: palette, 16-bit, RGB with equal or differing channels."""

from __future__ import annotations

import numpy as np
from PIL import Image

from practicum_work.data.checks.mask_mode import MaskMode


def test_mask_modes(pair, labels, run_check):
    ids = labels(400, value=2)
    palette = Image.frombytes('P', (64, 64), ids.tobytes())
    palette.putpalette([0, 0, 0, 255, 140, 0, 30, 144, 255] + [0] * 759)
    sample = pair(palette, stem='p')
    assert run_check(MaskMode, sample)[0] == ['palette_mask']
    assert sample.value_counts == {0: 64 * 64 - 400, 2: 400}  # the indices are the ids
    assert run_check(MaskMode, pair(np.dstack([ids] * 3), stem='rgb'))[0] == ['rgb_mask']
    colour = pair(np.dstack([ids * 100, ids, ids]), stem='colour')
    kinds, found, _ = run_check(MaskMode, colour)
    assert kinds == ['colour_mask'] and colour.value_counts is None
    assert found[0].severity == 'error' and found[0].action == 'drop'
    assert run_check(MaskMode, pair(ids.astype(np.uint16), stem='i16'))[0] == ['mask_16bit']
    assert run_check(MaskMode, pair(ids, stem='l'))[0] == []
