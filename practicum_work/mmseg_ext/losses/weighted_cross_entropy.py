"""Class-weighted softmax cross-entropy that ignores ``ignore_index`` pixels correctly.

Upstream ``mmseg.models.losses.CrossEntropyLoss(class_weight=...)`` raises ``IndexError``
on any 255 pixel (ignore labels, or ``seg_pad_val`` padding): mmseg issues #3734, #3412.
"""

from __future__ import annotations

import torch.nn.functional as F
from mmseg.models.losses.utils import get_class_weight
from mmseg.registry import MODELS
from torch import Tensor

from practicum_work.mmseg_ext.losses.utils import PixelLoss


@MODELS.register_module()
class WeightedCrossEntropyLoss(PixelLoss):
    """Softmax cross-entropy averaged over non-ignored pixels, optionally class-weighted.

    ``loss = sum_i w[y_i] * nll_i / sum_i w[y_i]`` over pixels with ``y_i != ignore_index``
    (PyTorch's weighted mean, i.e. mmseg's ``avg_non_ignore=True``). Pixel weights from a
    sampler (``weight``) multiply ``w``. A batch with no valid pixel gives 0.

    Args:
        class_weight: one weight per class, or a path to a ``.npy``/``.pkl`` file (mmseg's
            ``get_class_weight``). ``None`` means all ones.
        loss_weight: multiplier of the loss.
        loss_name: key in the loss dict; must start with ``loss_`` to be back-propagated.
    """

    def __init__(
        self,
        class_weight: list[float] | str | None = None,
        loss_weight: float = 1.0,
        loss_name: str = 'loss_ce',
    ) -> None:
        super().__init__(loss_weight, loss_name)
        self.class_weight = get_class_weight(class_weight)

    def forward(
        self,
        cls_score: Tensor,
        label: Tensor,
        weight: Tensor | None = None,
        avg_factor: float | None = None,
        reduction_override: str | None = None,
        ignore_index: int = 255,
        **kwargs,
    ) -> Tensor:
        """Loss of logits ``(N, C, H, W)`` against labels ``(N, H, W)``."""
        reduction = reduction_override or 'mean'
        if reduction not in ('mean', 'sum', 'none'):
            raise ValueError(f'unknown reduction {reduction!r}')
        num_classes = cls_score.shape[1]
        valid, safe_label = self.checked_labels(cls_score, label, ignore_index)
        nll = F.cross_entropy(cls_score, safe_label, reduction='none')
        pixel_weight = valid.to(nll.dtype)
        if self.class_weight is not None:
            class_weight = cls_score.new_tensor(self.class_weight)
            if class_weight.numel() != num_classes:
                raise ValueError(
                    f'class_weight has {class_weight.numel()} values for {num_classes} classes'
                )
            pixel_weight = pixel_weight * class_weight[safe_label]
        if weight is not None:
            pixel_weight = pixel_weight * weight.reshape(pixel_weight.shape).to(nll.dtype)
        loss = nll * pixel_weight
        if reduction == 'none':
            return self.loss_weight * loss
        total = loss.sum()
        if reduction == 'sum':
            return self.loss_weight * total
        if avg_factor is not None:
            return self.loss_weight * total / avg_factor
        # No valid pixel: total is 0 and so is the loss (the graph is kept).
        return self.loss_weight * total / pixel_weight.sum().clamp_min(1e-12)
