"""Visualisation backends registered in mmseg's VISBACKENDS registry."""

from practicum_work.mmseg_ext.visualization.clearml_backend import PetsegClearMLVisBackend

__all__ = ['PetsegClearMLVisBackend']
