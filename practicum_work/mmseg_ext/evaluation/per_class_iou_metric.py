"""PerClassIoUMetric: mmseg's IoUMetric that also returns per-class values."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS


@METRICS.register_module()
class PerClassIoUMetric(IoUMetric):
    """``IoUMetric`` whose result also holds ``<Metric>.<class>`` entries (percent).

    Upstream returns only the means (aAcc, mIoU, mAcc, mDice, ...) and prints the
    per-class table to the log. This subclass adds e.g. ``IoU.cat``, ``Dice.dog`` and
    ``Acc.background`` to the returned dict, so that hooks and visualisation backends
    (and :class:`MetricsJsonHook`) receive them. Units follow mmseg: percent, 2 decimals;
    a class with no pixels in labels and predictions gives NaN.
    """

    def __init__(self, iou_metrics: list[str] | None = None, **kwargs) -> None:
        super().__init__(iou_metrics=iou_metrics or ['mIoU', 'mDice', 'mFscore'], **kwargs)

    def compute_metrics(self, results: list) -> dict[str, float]:
        """The upstream means plus one entry per metric and class."""
        metrics = super().compute_metrics(results)
        if self.format_only or not results:
            return metrics
        per_class = self.per_class_metrics(results)
        metrics.update(per_class)
        return metrics

    def per_class_metrics(self, results: list) -> dict[str, float]:
        """``{'IoU.cat': 71.3, ...}`` from the accumulated areas of ``results``."""
        areas = [sum(column) for column in zip(*results)]
        class_metrics = self.total_area_to_metrics(*areas, self.metrics, self.nan_to_num, self.beta)
        class_metrics.pop('aAcc', None)
        out: dict[str, float] = OrderedDict()
        for name, values in class_metrics.items():
            for class_name, value in zip(self.dataset_meta['classes'], np.asarray(values)):
                out[f'{name}.{class_name}'] = float(np.round(value * 100, 2))
        return out
