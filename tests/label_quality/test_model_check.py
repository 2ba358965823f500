"""The fold-model check: held-out IoU against the given labels, and which classes are weak."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.label_quality.model_check import (
    HeldoutAgreement,
    describe_weakness,
    weak_classes,
)


def test_iou_accumulates_over_images_and_skips_ignored_pixels():
    agreement = HeldoutAgreement()
    label = np.array([[0, 0, 1, 1], [0, 0, 1, 255]], np.uint8)
    predicted = np.array([[0, 0, 1, 0], [0, 0, 1, 1]], np.uint8)  # the 255 pixel says cat
    agreement.update(predicted, label)
    iou = agreement.iou()
    assert iou['background'] == pytest.approx(
        4 / 5, abs=1e-4
    )  # 4 agree; 1 cat pixel called background
    assert iou['cat'] == pytest.approx(2 / 3, abs=1e-4)  # the ignored pixel counts for neither
    assert iou['dog'] is None  # neither predicted nor labelled: not judged
    agreement.update(np.full((2, 2), 2, np.uint8), np.full((2, 2), 2, np.uint8))
    assert agreement.iou()['dog'] == 1.0
    assert agreement.iou()['cat'] == pytest.approx(2 / 3, abs=1e-4)


def test_swapped_species_make_both_species_weak():
    agreement = HeldoutAgreement()
    label = np.zeros((8, 8), np.uint8)
    label[:4, :4], label[4:, 4:] = 1, 2
    agreement.update(np.choose(label, [0, 2, 1]).astype(np.uint8), label)
    iou = agreement.iou()
    assert iou == {'background': 1.0, 'cat': 0.0, 'dog': 0.0}
    assert weak_classes(iou, 0.5) == ['cat', 'dog']
    assert weak_classes({'background': 0.9, 'cat': 0.5, 'dog': None}, 0.5) == []
    line = describe_weakness(iou, ['cat', 'dog'], 0.5)
    assert 'cat 0.00, dog 0.00' in line and '< 0.50' in line
