"""Data transforms registered in mmseg's TRANSFORMS registry."""

from practicum_work.mmseg_ext.transforms.ignore_unknown_labels import IgnoreUnknownLabels

__all__ = ['IgnoreUnknownLabels']
