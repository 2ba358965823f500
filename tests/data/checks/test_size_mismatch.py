"""Image and mask of different sizes."""

from __future__ import annotations

import numpy as np

from practicum_work.data.checks.size_mismatch import SizeMismatch


def test_a_mask_of_another_size_is_an_error(pair, labels, run_check):
    sample = pair(labels(400, shape=(32, 48)), image=np.zeros((64, 64, 3), np.uint8))
    kinds, found, _ = run_check(SizeMismatch, sample)
    assert kinds == ['size_mismatch'] and found[0].severity == 'error'
    assert 'mask 48x32 but image 64x64' in found[0].message
    assert found[0].evidence == {'image_size': [64, 64], 'mask_size': [48, 32]}
    assert run_check(SizeMismatch, pair(labels(400)))[0] == []
