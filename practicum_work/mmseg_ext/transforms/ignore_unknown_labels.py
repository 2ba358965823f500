"""IgnoreUnknownLabels: map mask values that are no class to the ignore index."""

from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log
from mmseg.registry import TRANSFORMS

from practicum_work.core.classes import IGNORE_INDEX


@TRANSFORMS.register_module()
class IgnoreUnknownLabels(BaseTransform):
    """Set ``gt_seg_map`` values outside ``0..num_classes-1`` (and not ignore) to ignore.

    Stray values (e.g. 3, 128, 254 from anti-aliased drawing) would otherwise crash the
    loss. The first occurrence in a process is logged with the file name; ``petseg eda``
    lists every such mask. Place it right after ``LoadAnnotations``; without a mask (MMSeg's
    inferencers drop ``LoadAnnotations``) it does nothing.
    """

    def __init__(self, num_classes: int = 3, ignore_index: int = IGNORE_INDEX) -> None:
        self.num_classes = num_classes
        self.ignore_index = ignore_index
        self._warned = False

    def transform(self, results: dict) -> dict:
        """Replace unknown values in ``results['gt_seg_map']`` (no mask: nothing to do)."""
        seg = results.get('gt_seg_map')
        if seg is None:  # inference pipelines drop LoadAnnotations
            return results
        unknown = (seg >= self.num_classes) & (seg != self.ignore_index)
        if unknown.any():
            if not self._warned:
                values = np.unique(seg[unknown])[:8].tolist()
                print_log(
                    f'IgnoreUnknownLabels: {results.get("seg_map_path")} has values {values} '
                    f'outside 0..{self.num_classes - 1}; they are ignored ({self.ignore_index}). '
                    'Further cases are not logged; `petseg eda` lists them all.',
                    logger='current',
                    level=30,
                )
                self._warned = True
            seg = seg.copy()
            seg[unknown] = self.ignore_index
            results['gt_seg_map'] = seg
        return results

    def __repr__(self) -> str:
        name = type(self).__name__
        return f'{name}(num_classes={self.num_classes}, ignore_index={self.ignore_index})'
