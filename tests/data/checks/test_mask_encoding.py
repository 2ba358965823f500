"""The masks' encoding as a whole: one finding per split with masks, with the command."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from practicum_work.core.mask_encoding import EncodingTally, summarise_pixels
from practicum_work.data.checks.mask_encoding import MaskEncoding


def _scan(masks):
    tally = EncodingTally()
    for n, mask in enumerate(masks):
        tally.add(summarise_pixels(mask, 'L', f'labels/train/{n}.png'))
    return SimpleNamespace(encoding=tally.result(), mask_splits=['train', 'val'])


def _findings(scan):
    found = []
    MaskEncoding().on_dataset(scan, found)
    return found


def test_0_255_masks_are_an_error_with_the_convert_command():
    masks = [np.where(np.arange(64).reshape(8, 8) > 20, 255, 0).astype(np.uint8)] * 3
    found = _findings(_scan(masks))
    assert [(f.split, f.kind, f.action) for f in found] == [
        ('train', 'mask_encoding', 'convert'),
        ('val', 'mask_encoding', 'convert'),
    ]
    assert 'petseg convert-masks' in found[0].message
    assert found[0].evidence['convert_command'].startswith('petseg convert-masks')


def test_class_ids_say_nothing_and_binary_masks_warn():
    ids = np.zeros((8, 8), np.uint8)
    ids[:2], ids[2:4] = 1, 2
    assert _findings(_scan([ids] * 3)) == []
    binary = (np.arange(64).reshape(8, 8) > 20).astype(np.uint8)
    assert {f.kind for f in _findings(_scan([binary] * 3))} == {'binary_masks'}
