"""PerClassIoUMetric returns upstream's means plus per-class values on a known-answer case."""

from __future__ import annotations

import pytest
import torch

from practicum_work.mmseg_ext.evaluation import PerClassIoUMetric


def _sample(pred, gt):
    return {
        'pred_sem_seg': {'data': torch.tensor(pred).unsqueeze(0)},
        'gt_sem_seg': {'data': torch.tensor(gt).unsqueeze(0)},
    }


def test_per_class_values_match_hand_computed_iou_and_dice():
    metric = PerClassIoUMetric()
    metric.dataset_meta = {'classes': ('background', 'cat', 'dog')}
    # gt: 4 bg, 2 cat, 2 dog; 1 ignored pixel. pred gets one cat pixel wrong (as dog).
    gt = [[0, 0, 0, 0, 1, 1, 2, 2, 255]]
    pred = [[0, 0, 0, 0, 1, 2, 2, 2, 1]]
    metric.process({}, [_sample(pred, gt)])
    result = metric.compute_metrics(metric.results)
    assert result['IoU.background'] == pytest.approx(100.0)
    assert result['IoU.cat'] == pytest.approx(50.0)  # inter 1, union 2
    assert result['IoU.dog'] == pytest.approx(66.67)  # inter 2, union 3
    assert result['Dice.cat'] == pytest.approx(66.67)  # 2*1/(1+2)
    assert result['Dice.dog'] == pytest.approx(80.0)  # 2*2/(3+2)
    assert result['mIoU'] == pytest.approx((100 + 50 + 66.67) / 3, abs=0.01)
    assert result['aAcc'] == pytest.approx(87.5)  # 7 of 8 valid pixels
    assert {'mDice', 'mFscore', 'Acc.cat', 'Precision.dog', 'Recall.background'} <= set(result)


def test_absent_class_is_nan_not_zero():
    metric = PerClassIoUMetric()
    metric.dataset_meta = {'classes': ('background', 'cat', 'dog')}
    metric.process({}, [_sample([[0, 0, 1]], [[0, 0, 1]])])
    result = metric.compute_metrics(metric.results)
    assert result['IoU.dog'] != result['IoU.dog']  # NaN


def test_two_class_metainfo_gives_background_and_pet_values():
    metric = PerClassIoUMetric()
    metric.dataset_meta = {'classes': ('background', 'pet')}
    # gt: 4 bg, 3 pet, 1 ignored; pred calls one pet pixel background.
    gt = [[0, 0, 0, 0, 1, 1, 1, 255]]
    pred = [[0, 0, 0, 0, 1, 1, 0, 1]]
    metric.process({}, [_sample(pred, gt)])
    result = metric.compute_metrics(metric.results)
    assert result['IoU.background'] == pytest.approx(80.0)  # inter 4, union 5
    assert result['IoU.pet'] == pytest.approx(66.67)  # inter 2, union 3
    assert result['mIoU'] == pytest.approx((80 + 66.67) / 2, abs=0.01)
    assert not any(key.endswith(('.cat', '.dog')) for key in result)
