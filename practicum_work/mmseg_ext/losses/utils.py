"""What petseg's losses share: their name and weight, and the checked labels."""

from __future__ import annotations

import torch
from torch import Tensor, nn


def valid_labels(label: Tensor, ignore_index: int) -> tuple[Tensor, Tensor]:
    """Return ``(valid_mask, safe_label)``: ignored pixels get label 0 in ``safe_label``."""
    valid = label != ignore_index
    safe_label = torch.where(valid, label, torch.zeros_like(label)).long()
    return valid, safe_label


def check_labels(safe_label: Tensor, num_classes: int, ignore_index: int) -> None:
    """Raise a clear error for label values that are neither a class nor ``ignore_index``."""
    if safe_label.numel() and (safe_label.min() < 0 or safe_label.max() >= num_classes):
        bad = torch.unique(safe_label[(safe_label < 0) | (safe_label >= num_classes)])
        raise ValueError(
            f'label values {bad.tolist()} are neither a class (0..{num_classes - 1}) nor '
            f'ignore_index {ignore_index}; add IgnoreUnknownLabels to the pipeline or clean '
            'the masks (`petseg eda` lists them)'
        )


class PixelLoss(nn.Module):
    """Base of petseg's per-pixel losses: ``loss_weight``, ``loss_name``, checked labels."""

    def __init__(self, loss_weight: float, loss_name: str) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self._loss_name = loss_name

    @staticmethod
    def checked_labels(cls_score: Tensor, label: Tensor, ignore_index: int):
        """``(valid, safe_label)`` of ``label``; values that are no class raise clearly."""
        valid, safe_label = valid_labels(label, ignore_index)
        check_labels(safe_label, cls_score.shape[1], ignore_index)
        return valid, safe_label

    @property
    def loss_name(self) -> str:
        """The key of this loss in MMSeg's loss dict (``loss_`` prefix: back-propagated)."""
        return self._loss_name
