"""Segmentation metrics from confusion matrices: per image, and for a whole split.

Rules (also written into every ``scores.json``):

- Pixels labelled ``ignore_index`` (255) in the ground truth are left out of every count.
- A class with no valid pixel in the ground truth *and* none in the prediction of an image has
  no IoU and no Dice for that image (``None``): it is left out of that image's means, never
  counted as 1 (perfect) or 0 (failure).
- The mean foreground Dice of an image averages the defined Dice values of the foreground
  classes (cat, dog); an image where neither appears in mask or prediction has none.
- Values are percent (0-100), like MMSeg's metrics and petseg's ``metrics_*.json``.

Split-level numbers use MMSeg's own formulas (``IoUMetric.total_area_to_metrics``) on the summed
confusion matrix, so they equal what ``tools/test.py`` reports for the same predictions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from practicum_work.core.classes import CLASSES, FOREGROUND_CLASSES, IGNORE_INDEX

ABSENT_CLASS_RULE = (
    'a class absent from both the mask and the prediction of an image has no IoU/Dice for '
    'that image (null): it is excluded from the means, not counted as 1 or 0'
)
IGNORE_RULE = f'mask pixels labelled {IGNORE_INDEX} are excluded from every count'
FOREGROUND_RULE = (
    'mean foreground Dice = mean of the defined Dice values of cat and dog; '
    'none when neither appears in mask or prediction'
)


def confusion_matrix(
    gt: np.ndarray,
    pred: np.ndarray,
    num_classes: int = len(CLASSES),
    ignore_index: int = IGNORE_INDEX,
) -> np.ndarray:
    """Pixel counts ``(num_classes, num_classes)``: rows = ground truth, columns = prediction.

    ``gt`` pixels equal to ``ignore_index`` are left out. Raises ``ValueError`` for shapes
    that differ or for values that are no class (the pipeline maps stray mask values to 255).
    """
    gt, pred = np.asarray(gt), np.asarray(pred)
    if gt.shape != pred.shape:
        raise ValueError(f'mask shape {gt.shape} != prediction shape {pred.shape}')
    valid = gt != ignore_index
    gt_valid = gt[valid].astype(np.int64)
    pred_valid = pred[valid].astype(np.int64)
    for name, values in (('mask', gt_valid), ('prediction', pred.astype(np.int64).ravel())):
        if values.size and (values.min() < 0 or values.max() >= num_classes):
            bad = np.unique(values[(values < 0) | (values >= num_classes)])[:5].tolist()
            raise ValueError(f'{name} has values {bad} outside 0..{num_classes - 1}')
    index = gt_valid * num_classes + pred_valid
    counts = np.bincount(index, minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


@dataclass
class ImageScores:
    """Metrics of one image (percent; ``None`` where a class is absent from mask and prediction)."""

    iou: list[float | None]
    dice: list[float | None]
    mean_fg_dice: float | None
    mean_fg_iou: float | None
    pixel_acc: float | None
    valid_pixels: int
    confusion: list[list[int]]

    def to_dict(self) -> dict:
        """Plain JSON-ready dict."""
        return asdict(self)


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> list[float | None]:
    out: list[float | None] = []
    for num, den in zip(numerator.tolist(), denominator.tolist()):
        out.append(round(100.0 * num / den, 4) if den > 0 else None)
    return out


def _mean(values: Sequence[float | None]) -> float | None:
    defined = [v for v in values if v is not None]
    return round(float(np.mean(defined)), 4) if defined else None


def scores_from_confusion(
    confusion: np.ndarray, foreground: Sequence[int] = FOREGROUND_CLASSES
) -> ImageScores:
    """IoU and Dice per class, mean foreground Dice/IoU and pixel accuracy of one image."""
    confusion = np.asarray(confusion, dtype=np.int64)
    intersect = np.diag(confusion)
    area_label = confusion.sum(axis=1)
    area_pred = confusion.sum(axis=0)
    union = area_label + area_pred - intersect
    # union == 0 <=> the class is absent from both: IoU and Dice undefined (the absent rule).
    iou = _ratio(intersect, union)
    dice = _ratio(2 * intersect, area_label + area_pred)
    valid = int(confusion.sum())
    return ImageScores(
        iou=iou,
        dice=dice,
        mean_fg_dice=_mean([dice[c] for c in foreground]),
        mean_fg_iou=_mean([iou[c] for c in foreground]),
        pixel_acc=round(100.0 * intersect.sum() / valid, 4) if valid else None,
        valid_pixels=valid,
        confusion=confusion.tolist(),
    )


def image_scores(
    gt: np.ndarray,
    pred: np.ndarray,
    num_classes: int = len(CLASSES),
    ignore_index: int = IGNORE_INDEX,
    foreground: Sequence[int] = FOREGROUND_CLASSES,
) -> ImageScores:
    """:func:`scores_from_confusion` of :func:`confusion_matrix` of one mask/prediction pair."""
    return scores_from_confusion(confusion_matrix(gt, pred, num_classes, ignore_index), foreground)


def split_metrics(confusion: np.ndarray, class_names: Sequence[str] = CLASSES) -> dict:
    """Split-level metrics of a summed confusion matrix, computed by MMSeg's ``IoUMetric``.

    Returns ``{'summary': {aAcc, mIoU, mAcc, mDice, mFscore, mPrecision, mRecall},
    'per_class': {name: {IoU, Acc, Dice, Fscore, Precision, Recall}}}`` in percent (2 decimals,
    like MMSeg); a class with no pixels in labels and predictions gives ``None``.
    """
    import torch
    from mmseg.evaluation import IoUMetric

    confusion = torch.as_tensor(np.asarray(confusion, dtype=np.float64))
    intersect = torch.diag(confusion)
    area_label = confusion.sum(dim=1)
    area_pred = confusion.sum(dim=0)
    union = area_label + area_pred - intersect
    metrics = IoUMetric.total_area_to_metrics(
        intersect, union, area_pred, area_label, ['mIoU', 'mDice', 'mFscore']
    )

    def percent(value) -> float | None:
        value = float(value)
        return None if np.isnan(value) else round(value * 100, 2)

    summary = {'aAcc': percent(metrics.pop('aAcc'))}
    per_class: dict[str, dict] = {name: {} for name in class_names}
    for metric, values in metrics.items():
        values = np.asarray(values, dtype=np.float64)
        defined = values[~np.isnan(values)]
        summary[f'm{metric}'] = percent(defined.mean()) if defined.size else None
        for name, value in zip(class_names, values):
            per_class[name][metric] = percent(value)
    return {'summary': summary, 'per_class': per_class}
