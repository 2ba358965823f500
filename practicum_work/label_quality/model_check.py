"""Are the fold models good enough to judge labels? Their held-out IoU against the given labels.

Label-quality scores are only as good as the out-of-fold models: a model that segments a class
poorly contradicts good labels of that class as often as bad ones. The check accumulates, over
every held-out image, MMSeg's ``IoUMetric.intersect_and_union`` of the out-of-fold prediction
against the given mask (255 ignored). A few percent of noisy labels lower a good model's IoU by
a few points only; a class far below ``DEFAULT_MIN_IOU`` means the model, not the labels,
explains most contradictions of that class.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from practicum_work.core.classes import CLASSES, IGNORE_INDEX
from practicum_work.label_quality.settings import DEFAULT_MIN_IOU


@dataclass
class HeldoutAgreement:
    """Running per-class intersection and union of held-out predictions vs given labels."""

    intersection: np.ndarray = field(default_factory=lambda: np.zeros(len(CLASSES)))
    union: np.ndarray = field(default_factory=lambda: np.zeros(len(CLASSES)))

    def update(self, predicted: np.ndarray, label: np.ndarray) -> None:
        """Add one image: ``predicted`` and ``label`` are ``(H, W)`` class-id maps."""
        import torch
        from mmseg.evaluation.metrics import IoUMetric

        inter, union, _, _ = IoUMetric.intersect_and_union(
            torch.from_numpy(predicted.astype(np.int64)),
            torch.from_numpy(label.astype(np.int64)),
            len(CLASSES),
            IGNORE_INDEX,
        )
        self.intersection += inter.numpy()
        self.union += union.numpy()

    def iou(self) -> dict[str, float | None]:
        """Per-class IoU (``None`` for a class absent from predictions and labels)."""
        return {
            name: round(float(i / u), 4) if u > 0 else None
            for name, i, u in zip(CLASSES, self.intersection, self.union, strict=True)
        }


def weak_classes(iou: dict[str, float | None], minimum: float = DEFAULT_MIN_IOU) -> list[str]:
    """Classes whose held-out IoU is below ``minimum`` (absent classes are not judged)."""
    return [name for name, value in iou.items() if value is not None and value < minimum]


def describe_weakness(iou: dict[str, float | None], weak: list[str], minimum: float) -> str:
    """One line naming the weak classes and their IoU, for warnings and errors."""
    figures = ', '.join(f'{name} {iou[name]:.2f}' for name in weak)
    return (
        f'the fold models are weak: held-out IoU against the given labels {figures} '
        f'(< {minimum:.2f}); their contradictions mostly reflect the model, not the labels'
    )
