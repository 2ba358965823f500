"""PerClassIoUMetric: mmseg's IoUMetric that also returns per-class values."""

from __future__ import annotations

from collections import OrderedDict
from pathlib import Path

import numpy as np
from mmseg.evaluation import IoUMetric
from mmseg.registry import METRICS

AREA_NAMES = ('area_intersect', 'area_union', 'area_pred', 'area_label')


@METRICS.register_module()
class PerClassIoUMetric(IoUMetric):
    """``IoUMetric`` whose result also holds ``<Metric>.<class>`` entries (percent).

    Upstream returns only the means (aAcc, mIoU, mAcc, mDice, ...) and prints the
    per-class table to the log. This subclass adds e.g. ``IoU.cat``, ``Dice.dog`` and
    ``Acc.background`` to the returned dict, so that hooks and visualisation backends
    (and :class:`MetricsJsonHook`) receive them. Units follow mmseg: percent, 2 decimals;
    a class with no pixels in labels and predictions gives NaN.

    It also keeps each image's areas (intersection, union, prediction, label per class) with
    the image's ``<split folder>/<stem>`` in :attr:`per_image` after each evaluation:
    MetricsJsonHook writes them next to the test metrics, and ``petseg compare`` resamples
    them for bootstrap intervals of the very metric reported here.

    In a distributed run each process evaluates its shard of the split; the results are
    gathered in the dataset's order and the sampler's padding (repeats of the first images,
    so that every process gets as many) is cut off (MMEngine's ``collect_results`` with the
    dataset's size), so the metrics and ``per_image`` cover every image once, as in one
    process. ``collect_device`` defaults to ``'gpu'``, MMEngine's name for gathering through
    the process group (Gloo on CPU, NCCL on GPUs; the areas are moved to the CPU first):
    upstream's ``'cpu'`` goes through files in ``./.dist_test/`` of the current folder, which
    every node must share, and leaves that folder behind.
    """

    per_image: dict | None = None

    def __init__(
        self, iou_metrics: list[str] | None = None, collect_device: str = 'gpu', **kwargs
    ) -> None:
        super().__init__(
            iou_metrics=iou_metrics or ['mIoU', 'mDice', 'mFscore'],
            collect_device=collect_device,
            **kwargs,
        )

    def process(self, data_batch: dict, data_samples) -> None:
        """Upstream's areas per image (on the CPU), each tagged with the image it came from."""
        before = len(self.results)
        super().process(data_batch, data_samples)
        tagged = self.results[before:]
        if len(tagged) == len(data_samples):
            for index, sample in enumerate(data_samples):
                path = Path(sample.get('img_path') or f'image_{before + index}')
                areas = tuple(area.cpu() for area in tagged[index])
                tagged[index] = (*areas, f'{path.parent.name}/{path.stem}')
            self.results[before:] = tagged

    def compute_metrics(self, results: list) -> dict[str, float]:
        """The upstream means plus one entry per metric and class."""
        if results and len(results[0]) == 5:
            self.per_image = {
                'images': [r[4] for r in results],
                **{
                    name: [np.asarray(r[i].cpu(), dtype=np.int64).tolist() for r in results]
                    for i, name in enumerate(AREA_NAMES)
                },
            }
            results = [r[:4] for r in results]
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
