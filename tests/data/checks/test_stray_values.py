"""Mask values outside 0, 1, 2 and 255."""

from __future__ import annotations

import numpy as np

from practicum_work.data.checks.stray_values import StrayValues


def test_stray_values_are_listed_with_their_pixels(pair, labels, run_check):
    mask = labels(400)
    mask[30, :5] = 3
    mask[31, :7] = 128
    kinds, found, _ = run_check(StrayValues, pair(mask))
    assert kinds == ['stray_values'] and found[0].severity == 'error'
    assert '3 (5 px)' in found[0].message and '128 (7 px)' in found[0].message
    assert found[0].evidence == {'stray_values': {'3': 5, '128': 7}}
    assert found[0].file == 'labels/s.png'
    assert run_check(StrayValues, pair(labels(400)))[0] == []


def test_16_bit_values_above_255_are_stray(pair, labels, run_check):
    wide = labels(400, value=2).astype(np.uint16)
    wide[0, 0] = 1000
    assert run_check(StrayValues, pair(wide))[0] == ['stray_values']
