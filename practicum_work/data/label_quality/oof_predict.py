"""Out-of-fold class probabilities: a fold's model over its held-out samples (MMSeg APIs)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch


@dataclass
class HeldOutPrediction:
    """Softmax probabilities ``(C, H, W)`` and the given label ``(H, W)`` of one image."""

    split: str
    stem: str
    image_path: str
    probs: np.ndarray
    label: np.ndarray


def predict_heldout(
    config_path: Path,
    checkpoint: Path,
    heldout_lists: dict[str, Path],
    batch_size: int = 4,
    workers: int = 0,
    device: str = 'cpu',
) -> Iterator[HeldOutPrediction]:
    """Yield one :class:`HeldOutPrediction` per held-out image, split by split, sorted by stem.

    The model is built with ``mmseg.apis.init_model`` from the fold's config and checkpoint;
    images go through the config's test pipeline in batches (``model.test_step``), and the
    logits come back at the original image size (MMSeg's ``postprocess_result``).
    """
    from mmengine.config import Config
    from mmengine.runner import Runner
    from mmseg.apis import init_model

    from practicum_work.data.label_quality.fold_config import heldout_dataloader_config

    cfg = Config.fromfile(str(config_path))
    model = init_model(cfg, str(checkpoint), device=device)
    model.eval()
    for split, listing in sorted(heldout_lists.items()):
        loader = Runner.build_dataloader(
            heldout_dataloader_config(cfg, split, listing, batch_size, workers)
        )
        with torch.no_grad():
            for batch in loader:
                for sample in model.test_step(batch):
                    probs = sample.seg_logits.data.float().softmax(dim=0).cpu().numpy()
                    label = sample.gt_sem_seg.data[0].cpu().numpy().astype(np.uint8)
                    image_path = sample.img_path
                    yield HeldOutPrediction(
                        split=split,
                        stem=Path(image_path).stem,
                        image_path=image_path,
                        probs=probs,
                        label=label,
                    )
