"""Class weights: the configs' numbers from the reference shares, every method, pixel counting."""

from __future__ import annotations

import math

import cv2
import numpy as np
import pytest

from practicum_work.core.errors import PetsegError
from practicum_work.data.class_weights import (
    class_weight_report,
    config_line,
    count_split_pixels,
    weights_from_shares,
)
from tests.conftest import REPO_ROOT

REFERENCE_SHARES = (0.9086, 0.0498, 0.0416)


def test_reference_shares_give_the_hyp2_and_hyp3_weights():
    from mmengine.config import Config

    hyp2 = Config.fromfile(str(REPO_ROOT / 'configs/hyp2_segformer_b0_wce.py'))
    hyp3 = Config.fromfile(str(REPO_ROOT / 'configs/hyp3_segformer_b0_wce_soft.py'))
    assert weights_from_shares(REFERENCE_SHARES, 'inverse') == [0.073, 1.3322, 1.5948]
    assert weights_from_shares(REFERENCE_SHARES, 'sqrt') == [0.3017, 1.2885, 1.4098]
    assert hyp2.model.decode_head.loss_decode.class_weight == [0.073, 1.3322, 1.5948]
    assert hyp3.model.decode_head.loss_decode.class_weight == [0.3017, 1.2885, 1.4098]


def test_log_and_median_frequency_formulas():
    raw = [1 / math.log(1.02 + s) for s in REFERENCE_SHARES]
    mean = sum(raw) / 3
    assert weights_from_shares(REFERENCE_SHARES, 'log') == [round(r / mean, 4) for r in raw]
    # Given only the shares, median-freq is 1/share up to scale: the same as inverse.
    assert weights_from_shares(REFERENCE_SHARES, 'median-freq') == [0.073, 1.3322, 1.5948]
    freq = [0.9, 0.2, 0.1]
    raw = [0.2 / f for f in freq]
    expected = [round(r / (sum(raw) / 3), 4) for r in raw]
    assert weights_from_shares(REFERENCE_SHARES, 'median-freq', freq) == expected
    for method in ('inverse', 'sqrt', 'log', 'median-freq'):
        assert sum(weights_from_shares(REFERENCE_SHARES, method)) == pytest.approx(3, abs=2e-4)


def test_missing_class_and_unknown_method_are_clear_errors():
    with pytest.raises(PetsegError, match='no pixels of class dog'):
        weights_from_shares((0.9, 0.1, 0.0))
    with pytest.raises(PetsegError, match='unknown method'):
        weights_from_shares(REFERENCE_SHARES, 'cubic')


def test_config_line_is_ready_to_paste():
    assert config_line([0.073, 1.3322, 1.5948]) == (
        '--cfg-options model.decode_head.loss_decode.class_weight="[0.073,1.3322,1.5948]"'
    )


def test_counting_excludes_ignore_and_stray_values(tmp_path):
    masks = {
        'a': np.array([[0, 0, 1, 1], [0, 255, 255, 128]], np.uint8),
        'b': np.array([[0, 0, 0, 0], [2, 2, 2, 7]], np.uint8),
    }
    for stem, mask in masks.items():
        for folder in ('img', 'labels'):
            (tmp_path / folder / 'train').mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(tmp_path / 'img/train' / f'{stem}.jpg'), np.zeros((2, 4, 3), np.uint8))
        cv2.imwrite(str(tmp_path / 'labels/train' / f'{stem}.png'), mask)
    counts = count_split_pixels(tmp_path, 'train', workers=1, show_progress=False)
    assert counts.masks == 2
    assert counts.class_pixels == {'background': 7, 'cat': 2, 'dog': 3}
    assert counts.ignore_pixels == 2 and counts.stray_pixels == {7: 1, 128: 1}
    assert counts.shares == pytest.approx([7 / 12, 2 / 12, 3 / 12])
    # SegNet frequencies: cat over the 5 counted pixels of mask a, dog over the 7 of mask b.
    assert counts.frequencies == pytest.approx([7 / 12, 2 / 5, 3 / 7])
    report = class_weight_report(counts)
    assert report['weights']['inverse'] == weights_from_shares(counts.shares, 'inverse')
    assert report['not_counted']['stray_values'] == {'7': 1, '128': 1}
