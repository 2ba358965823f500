"""petseg: reproducible cat/dog segmentation experiments on MMSegmentation.

Importing this package is cheap (standard library only). It installs the lazy
``mmcv.ops`` fallback for mmcv-lite (see :mod:`practicum_work.compat`); the MMSeg
extensions (dataset, losses, metric, hooks, ...) register themselves when
:mod:`practicum_work.mmseg_ext` is imported, which every config does through
``custom_imports``.
"""

from practicum_work import compat as _compat

__version__ = '0.1.0'

_compat.install_mmcv_ops_fallback()
