"""ComponentFilterEncoderDecoder: EncoderDecoder that drops small predicted blobs at test time."""

from __future__ import annotations

import torch
from mmseg.models.segmentors import EncoderDecoder
from mmseg.registry import MODELS
from mmseg.utils import OptSampleList, SampleList

from practicum_work.mmseg_ext.segmentors.small_components import (
    per_class_min_areas,
    remove_small_components,
)


@MODELS.register_module()
class ComponentFilterEncoderDecoder(EncoderDecoder):
    """MMSeg's ``EncoderDecoder`` plus a small-component filter in ``postprocess_result``.

    Configured by ``model.test_cfg.min_component_area`` (default 0 = off): an integer N removes
    cat/dog components with fewer than N pixels, a per-class list sets N per class (background
    included); removed pixels take the nearest kept class (see
    :mod:`.small_components`). Areas are counted at the original image
    size, after MMSeg resizes the logits back. Only ``pred_sem_seg`` changes; ``seg_logits`` stay
    the model's. Training and the weights are exactly ``EncoderDecoder``'s, so checkpoints load
    in either class. Everything that calls ``test_step``/``predict`` applies it: ``tools/test.py``,
    ``MMSegInferencer``, ``inference_model`` and ``petseg best-worst`` (not ``--tta``, whose
    wrapper merges logits itself).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        per_class_min_areas(self.min_component_area, self.num_classes)  # bad values fail here

    @property
    def min_component_area(self):
        """The configured ``test_cfg.min_component_area`` (0 when unset)."""
        return (self.test_cfg or {}).get('min_component_area', 0) or 0

    def postprocess_result(
        self, seg_logits: torch.Tensor, data_samples: OptSampleList = None
    ) -> SampleList:
        """Upstream's result (resize, argmax), then the component filter on ``pred_sem_seg``."""
        data_samples = super().postprocess_result(seg_logits, data_samples)
        areas = per_class_min_areas(self.min_component_area, self.num_classes)
        if self.num_classes < 2 or not areas.any():
            return data_samples
        for sample in data_samples:
            pred = sample.pred_sem_seg.data  # (1, H, W)
            filtered = remove_small_components(
                pred[0].cpu().numpy(), areas.tolist(), self.num_classes
            )
            sample.pred_sem_seg.data = torch.from_numpy(filtered)[None].to(pred.device)
        return data_samples
