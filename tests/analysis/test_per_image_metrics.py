"""Per-image metrics on known-answer masks: absent-class rule, ignore pixels, MMSeg agreement."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.analysis.per_image_metrics import (
    confusion_matrix,
    image_scores,
    scores_from_confusion,
    split_metrics,
)

GT = np.array(
    [
        [0, 0, 1, 1],
        [0, 0, 1, 1],
        [0, 0, 255, 255],
        [0, 0, 0, 0],
    ],
    dtype=np.uint8,
)
PRED = np.array(
    [
        [0, 0, 1, 1],
        [0, 1, 1, 0],
        [0, 0, 2, 2],  # dog only where the mask says ignore
        [0, 0, 0, 0],
    ],
    dtype=np.uint8,
)


def test_confusion_matrix_counts_and_leaves_out_ignore_pixels():
    conf = confusion_matrix(GT, PRED)
    # rows = truth, columns = prediction; the two 255 pixels (predicted dog) are not counted
    assert conf.tolist() == [[9, 1, 0], [1, 3, 0], [0, 0, 0]]


def test_known_answer_scores_with_absent_class_excluded():
    s = image_scores(GT, PRED)
    assert s.valid_pixels == 14
    assert s.iou[0] == pytest.approx(100 * 9 / 11, abs=1e-3)  # 9 / (10 + 10 - 9)
    assert s.dice[0] == pytest.approx(90.0)  # 2*9 / (10 + 10)
    assert s.iou[1] == pytest.approx(60.0)  # 3 / (4 + 4 - 3)
    assert s.dice[1] == pytest.approx(75.0)  # 2*3 / (4 + 4)
    # dog: no valid pixel in mask or prediction -> undefined, not 0 and not 100
    assert s.iou[2] is None and s.dice[2] is None
    assert s.mean_fg_dice == pytest.approx(75.0)  # mean over cat only
    assert s.mean_fg_iou == pytest.approx(60.0)
    assert s.pixel_acc == pytest.approx(100 * 12 / 14, abs=1e-3)


def test_false_class_counts_as_zero_not_excluded():
    gt = np.zeros((4, 4), np.uint8)
    gt[:2, :2] = 1
    pred = gt.copy()
    pred[3, 3] = 2  # a dog where there is none: dog is now present (in the prediction)
    s = image_scores(gt, pred)
    assert s.dice[1] == pytest.approx(100.0)
    assert s.dice[2] == 0.0 and s.iou[2] == 0.0
    assert s.mean_fg_dice == pytest.approx(50.0)


def test_background_only_image_has_no_foreground_score():
    s = image_scores(np.zeros((3, 3), np.uint8), np.zeros((3, 3), np.uint8))
    assert s.dice == [100.0, None, None]
    assert s.mean_fg_dice is None and s.mean_fg_iou is None


def test_fully_ignored_image_has_no_scores():
    s = image_scores(np.full((2, 2), 255, np.uint8), np.ones((2, 2), np.uint8))
    assert s.valid_pixels == 0 and s.pixel_acc is None
    assert s.iou == [None, None, None] and s.mean_fg_dice is None


def test_bad_inputs_are_errors():
    with pytest.raises(ValueError, match='shape'):
        confusion_matrix(np.zeros((2, 2)), np.zeros((2, 3)))
    with pytest.raises(ValueError, match='mask has values'):
        confusion_matrix(np.full((2, 2), 7), np.zeros((2, 2), int))
    with pytest.raises(ValueError, match='prediction has values'):
        confusion_matrix(np.zeros((2, 2), int), np.full((2, 2), 3))


def test_split_metrics_equal_mmseg_iou_metric():
    """Summed per-image confusions give what MMSeg's IoUMetric computes from the raw masks."""
    import torch
    from mmseg.evaluation import IoUMetric

    rng = np.random.default_rng(0)
    gts = [rng.choice([0, 1, 2, 255], size=(16, 16), p=[0.6, 0.2, 0.15, 0.05]) for _ in range(3)]
    preds = [rng.integers(0, 3, size=(16, 16)) for _ in range(3)]
    total = sum(confusion_matrix(g, p) for g, p in zip(gts, preds))
    ours = split_metrics(total)

    areas = [
        IoUMetric.intersect_and_union(torch.from_numpy(p), torch.from_numpy(g), 3, 255)
        for g, p in zip(gts, preds)
    ]
    summed = [sum(a[i] for a in areas) for i in range(4)]
    theirs = IoUMetric.total_area_to_metrics(*summed, ['mIoU', 'mDice', 'mFscore'])
    assert ours['summary']['aAcc'] == pytest.approx(float(theirs['aAcc']) * 100, abs=0.006)
    for metric in ('IoU', 'Dice', 'Acc', 'Precision', 'Recall'):
        assert ours['summary'][f'm{metric}'] == pytest.approx(
            float(np.nanmean(theirs[metric])) * 100, abs=0.006
        )
        for c, name in enumerate(('background', 'cat', 'dog')):
            assert ours['per_class'][name][metric] == pytest.approx(
                float(theirs[metric][c]) * 100, abs=0.006
            )


def test_scores_from_confusion_is_what_image_scores_uses():
    conf = confusion_matrix(GT, PRED)
    assert scores_from_confusion(conf) == image_scores(GT, PRED)
