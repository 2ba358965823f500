"""MergePetClasses: cat and dog become one ``pet`` class (binary pet vs background)."""

from __future__ import annotations

import numpy as np
from mmcv.transforms import BaseTransform
from mmseg.registry import TRANSFORMS

from practicum_work.core.classes import CAT, DOG


@TRANSFORMS.register_module()
class MergePetClasses(BaseTransform):
    """Set ``gt_seg_map`` values in ``pet_labels`` (cat 1, dog 2) to ``pet_label`` (1).

    Background (0), ignore (255) and every other value stay as they are (put
    ``IgnoreUnknownLabels`` before it for stray values). The masks on disk keep their
    species; only the pipeline's copy changes. Without a mask (MMSeg's inferencers drop
    ``LoadAnnotations``) it does nothing.
    """

    def __init__(self, pet_labels: tuple[int, ...] = (CAT, DOG), pet_label: int = 1) -> None:
        self.pet_labels = tuple(int(v) for v in pet_labels)
        self.pet_label = int(pet_label)

    def transform(self, results: dict) -> dict:
        """Merge the pet labels of ``results['gt_seg_map']`` (no mask: nothing to do)."""
        seg = results.get('gt_seg_map')
        if seg is None:
            return results
        pets = np.isin(seg, self.pet_labels) & (seg != self.pet_label)
        if pets.any():
            seg = seg.copy()
            seg[pets] = self.pet_label
            results['gt_seg_map'] = seg
        return results

    def __repr__(self) -> str:
        name = type(self).__name__
        return f'{name}(pet_labels={self.pet_labels}, pet_label={self.pet_label})'
