"""Datasets registered in mmseg's DATASETS registry."""

from practicum_work.mmseg_ext.datasets.pets import PetSegDataset

__all__ = ['PetSegDataset']
