"""Multi-class softmax focal loss that masks out ``ignore_index`` pixels, pure PyTorch.

Upstream ``mmseg.models.losses.FocalLoss`` is sigmoid-based (one-vs-rest per class) and runs
through mmcv's compiled ``sigmoid_focal_loss`` on CUDA, which mmcv-lite does not have.
"""

from __future__ import annotations

import torch.nn.functional as F
from mmseg.models.losses.utils import get_class_weight
from mmseg.registry import MODELS
from torch import Tensor

from practicum_work.mmseg_ext.losses.utils import PixelLoss


@MODELS.register_module()
class SoftmaxFocalLoss(PixelLoss):
    """``mean_i alpha[y_i] * (1 - p_i)^gamma * -log p_i`` over the non-ignored pixels.

    ``p_i`` is the softmax probability of pixel ``i``'s label ``y_i``. The mean divides by the
    number of valid pixels (the focal loss paper's normalisation: ``alpha`` scales, it does not
    renormalise), so ``gamma=0`` without ``alpha`` is plain cross-entropy with
    ``ignore_index``. Pixel weights from a sampler (``weight``) multiply the terms. A batch
    with no valid pixel gives 0.

    Args:
        gamma: focusing parameter (0 = cross-entropy).
        alpha: one weight per class (list or ``.npy``/``.pkl`` path), ``None`` = all ones.
        loss_weight: multiplier of the loss.
        loss_name: key in the loss dict.
    """

    def __init__(
        self,
        gamma: float = 2.0,
        alpha: list[float] | str | None = None,
        loss_weight: float = 1.0,
        loss_name: str = 'loss_focal',
    ) -> None:
        super().__init__(loss_weight, loss_name)
        if gamma < 0:
            raise ValueError(f'gamma must be >= 0, got {gamma}')
        self.gamma = gamma
        self.alpha = get_class_weight(alpha)

    def forward(
        self,
        cls_score: Tensor,
        label: Tensor,
        weight: Tensor | None = None,
        ignore_index: int = 255,
        **kwargs,
    ) -> Tensor:
        """Loss of logits ``(N, C, H, W)`` against labels ``(N, H, W)``."""
        num_classes = cls_score.shape[1]
        valid, safe_label = self.checked_labels(cls_score, label, ignore_index)
        log_p = F.log_softmax(cls_score, dim=1).gather(1, safe_label.unsqueeze(1)).squeeze(1)
        terms = -log_p
        if self.gamma:
            terms = terms * (1.0 - log_p.exp()).clamp_min(0.0).pow(self.gamma)
        pixel_weight = valid.to(terms.dtype)
        if self.alpha is not None:
            alpha = cls_score.new_tensor(self.alpha)
            if alpha.numel() != num_classes:
                raise ValueError(f'alpha has {alpha.numel()} values for {num_classes} classes')
            terms = terms * alpha[safe_label]
        if weight is not None:
            terms = terms * weight.reshape(terms.shape).to(terms.dtype)
        # No valid pixel: the sum is 0 and so is the loss (the graph is kept).
        total = (terms * pixel_weight).sum()
        return self.loss_weight * total / pixel_weight.sum().clamp_min(1.0)
