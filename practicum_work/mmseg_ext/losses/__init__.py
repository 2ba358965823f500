"""Losses registered in mmseg's MODELS registry."""

from practicum_work.mmseg_ext.losses.softmax_dice import SoftmaxDiceLoss
from practicum_work.mmseg_ext.losses.softmax_focal import SoftmaxFocalLoss
from practicum_work.mmseg_ext.losses.weighted_cross_entropy import WeightedCrossEntropyLoss

__all__ = ['SoftmaxDiceLoss', 'SoftmaxFocalLoss', 'WeightedCrossEntropyLoss']
