"""Runners registered in mmseg's RUNNERS registry."""

from practicum_work.mmseg_ext.runners.petseg_runner import PetsegRunner, PetsegTestRunner

__all__ = ['PetsegRunner', 'PetsegTestRunner']
