"""Label helpers shared by petseg's losses."""

from __future__ import annotations

import torch
from torch import Tensor


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
