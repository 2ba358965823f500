"""Data transforms registered in mmseg's TRANSFORMS registry."""

from practicum_work.mmseg_ext.transforms.ignore_unknown_labels import IgnoreUnknownLabels
from practicum_work.mmseg_ext.transforms.merge_pet_classes import MergePetClasses

__all__ = ['IgnoreUnknownLabels', 'MergePetClasses']
