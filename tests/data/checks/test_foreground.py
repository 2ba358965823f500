"""Empty and tiny masks: one rule, relative to the image (data/checks/foreground.py)."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.data.checks.foreground import Foreground, foreground_problem, min_fg_pixels
from practicum_work.data.checks.settings import CheckSettings


def test_the_threshold_is_a_share_of_the_image_with_a_floor():
    assert min_fg_pixels(0.002, 256 * 256) == 131
    assert min_fg_pixels(0.002, 500 * 375) == 375
    assert min_fg_pixels(0.002, 4000 * 3000) == 24000
    assert min_fg_pixels(0.002, 64 * 64) == 16  # the floor


def test_a_100_pixel_mask_is_tiny_on_256x256_and_on_a_photo_but_not_on_a_thumbnail():
    for shape in ((256, 256), (375, 500)):
        counts = {0: shape[0] * shape[1] - 100, 1: 100}
        kind, message, evidence = foreground_problem(counts, 0.002)
        assert kind == 'tiny_mask' and evidence['foreground_pixels'] == 100
        assert str(evidence['threshold_pixels']) in message
    assert foreground_problem({0: 64 * 64 - 100, 1: 100}, 0.002) is None


@pytest.mark.parametrize(
    ('fg', 'expected'), [(0, ['empty_mask']), (1, ['tiny_mask']), (15, ['tiny_mask']), (16, [])]
)
def test_empty_and_tiny_masks_at_the_threshold(pair, labels, run_check, fg, expected):
    kinds, found, _ = run_check(Foreground, pair(labels(fg)))
    assert kinds == expected
    assert all(f.severity == 'warning' and f.action == 'relabel' for f in found)


def test_the_share_is_a_setting(pair, labels, run_check):
    settings = CheckSettings(min_fg_share=0.1)  # 410 pixels on 64x64
    assert run_check(Foreground, pair(labels(400), settings=settings))[0] == ['tiny_mask']
    assert run_check(Foreground, pair(labels(400)))[0] == []


def test_one_value_everywhere_is_empty_and_stray_values_are_not_called_empty(pair, run_check):
    assert run_check(Foreground, pair(np.full((32, 32), 1, np.uint8)))[0] == ['empty_mask']
    stray = np.full((32, 32), 7, np.uint8)
    stray[0, :4] = 0
    assert run_check(Foreground, pair(stray))[0] == []  # stray_values says what is wrong
