"""Backbones registered in mmseg's MODELS registry."""

from practicum_work.mmseg_ext.backbones.swin_or_scratch import SwinTransformerOrScratch

__all__ = ['SwinTransformerOrScratch']
