"""MMSeg extensions of petseg; configs import this module through ``custom_imports``.

Importing it applies the trusted local checkpoint loading fix (``practicum_work.compat``)
and the distributed fixes (:mod:`practicum_work.mmseg_ext.distributed`: any machine, CUDA or
not), and registers the dataset, transforms, losses, metric, hooks, segmentor, backbone, weight
initialiser, visualisation backend and runners in the mmseg/mmengine registries.
"""

from practicum_work import compat

compat.install_mmcv_ops_fallback()
compat.apply_trusted_checkpoint_loading()

from practicum_work.mmseg_ext.distributed import apply_distributed_fixes  # noqa: E402

apply_distributed_fixes()

from practicum_work.mmseg_ext import (  # noqa: E402  (after the compat fixes)
    backbones,
    datasets,
    evaluation,
    hooks,
    losses,
    runners,
    segmentors,
    transforms,
    visualization,
    weight_init,
)

__all__ = [
    'backbones',
    'datasets',
    'evaluation',
    'hooks',
    'losses',
    'runners',
    'segmentors',
    'transforms',
    'visualization',
    'weight_init',
]
