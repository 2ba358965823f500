"""Multi-class softmax Dice loss that masks out ``ignore_index`` pixels.

Upstream ``mmseg.models.losses.DiceLoss`` defaults to sigmoid, treats ``ignore_index`` as a
class channel rather than a pixel mask, and averages over all C*H*W values.
"""

from __future__ import annotations

import torch.nn.functional as F
from mmseg.models.losses.utils import get_class_weight
from mmseg.registry import MODELS
from torch import Tensor

from practicum_work.mmseg_ext.losses.utils import PixelLoss


@MODELS.register_module()
class SoftmaxDiceLoss(PixelLoss):
    """``1 - mean_c Dice_c`` on softmax probabilities over the batch's non-ignored pixels.

    For class ``c``: ``Dice_c = (2 * sum(p_c * g_c) + smooth) / (sum(p_c) + sum(g_c) + smooth)``,
    sums over every valid pixel of the batch (ignored pixels contribute nothing), ``g_c`` the
    one-hot label. A class absent from labels and predictions scores ~1 through ``smooth``.
    The class mean is weighted by ``class_weight`` when given.

    Args:
        smooth: added to numerator and denominator.
        class_weight: weights of the per-class Dice values in the mean (list or file path).
        loss_weight: multiplier of the loss.
        loss_name: key in the loss dict.
    """

    def __init__(
        self,
        smooth: float = 1.0,
        class_weight: list[float] | str | None = None,
        loss_weight: float = 1.0,
        loss_name: str = 'loss_dice',
    ) -> None:
        super().__init__(loss_weight, loss_name)
        self.smooth = smooth
        self.class_weight = get_class_weight(class_weight)

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
        pixel_weight = valid.to(cls_score.dtype)
        if weight is not None:
            pixel_weight = pixel_weight * weight.reshape(pixel_weight.shape).to(cls_score.dtype)
        pixel_weight = pixel_weight.unsqueeze(1)
        probs = cls_score.softmax(dim=1) * pixel_weight
        one_hot = F.one_hot(safe_label, num_classes).permute(0, 3, 1, 2).to(probs.dtype)
        one_hot = one_hot * pixel_weight
        dims = (0, 2, 3)
        intersection = (probs * one_hot).sum(dims)
        denominator = probs.sum(dims) + one_hot.sum(dims)
        dice = (2 * intersection + self.smooth) / (denominator + self.smooth)
        if self.class_weight is not None:
            class_weight = cls_score.new_tensor(self.class_weight)
            mean_dice = (dice * class_weight).sum() / class_weight.sum()
        else:
            mean_dice = dice.mean()
        return self.loss_weight * (1.0 - mean_dice)
