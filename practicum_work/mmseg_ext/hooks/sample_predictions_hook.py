"""SamplePredictionsHook: a fixed set of val images as image | ground truth | prediction panels."""

from __future__ import annotations

from pathlib import Path

import mmcv
import numpy as np
from mmengine.dist import all_gather_object, get_world_size, is_main_process
from mmengine.hooks import Hook
from mmseg.registry import HOOKS

from practicum_work.core.classes import CLASSES, PALETTE
from practicum_work.mmseg_ext.visualization.clearml_backend import SAMPLE_PREFIX
from practicum_work.mmseg_ext.visualization.sample_panel import render_sample_panel


def evenly_spaced(count: int, total: int) -> list[int]:
    """``count`` indices spread over ``range(total)``, first and last included."""
    if total <= 0 or count <= 0:
        return []
    return sorted({int(i) for i in np.linspace(0, total - 1, min(count, total)).round()})


@HOOKS.register_module()
class SamplePredictionsHook(Hook):
    """At every validation, render the same val images and send them through the visualiser.

    Every backend receives them: ``LocalVisBackend`` saves
    ``vis_data/vis_image/val_sample_<stem>_<iter>.png``, ClearML shows them under
    'val samples'. In a distributed run each process keeps the chosen images of its shard of
    the val set; at the end of the validation they are gathered and the main process renders
    them all (the same images as one process would, each once).

    Args:
        num_samples: how many val images, spread evenly over the val set.
        indices: explicit val indices instead (overrides ``num_samples``).
        min_height: small images are enlarged to at least this height.
    """

    priority = 'NORMAL'

    def __init__(
        self, num_samples: int = 4, indices: list[int] | None = None, min_height: int = 192
    ) -> None:
        self.num_samples = num_samples
        self.indices = list(indices) if indices is not None else None
        self.min_height = min_height
        self._wanted: dict[str, int] = {}
        self._found: dict[str, tuple[np.ndarray, np.ndarray | None]] = {}

    def before_val(self, runner) -> None:
        """Pick the sample images (the same ones at every validation)."""
        dataset = runner.val_dataloader.dataset
        total = len(dataset)
        indices = (
            self.indices if self.indices is not None else evenly_spaced(self.num_samples, total)
        )
        self._wanted = {
            str(Path(dataset.get_data_info(i)['img_path'])): i for i in indices if 0 <= i < total
        }
        self._found = {}

    def after_val_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        """Keep the prediction and ground truth of the chosen images in this batch."""
        for sample in outputs or []:
            path = str(Path(sample.metainfo.get('img_path', '')))
            if path not in self._wanted or path in self._found:
                continue
            pred = sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8)
            gt = (
                sample.gt_sem_seg.data[0].cpu().numpy().astype(np.uint8)
                if 'gt_sem_seg' in sample
                else None
            )
            self._found[path] = (pred, gt)

    def after_val_epoch(self, runner, metrics: dict | None = None) -> None:
        """Gather the kept images from every process; the main process renders them."""
        if not self._wanted:
            return
        found, self._found = self._found, {}
        if get_world_size() > 1:
            found = {
                path: masks for part in all_gather_object(found) for path, masks in part.items()
            }
        if not is_main_process():
            return
        metainfo = getattr(runner.val_dataloader.dataset, 'metainfo', {}) or {}
        classes = metainfo.get('classes') or CLASSES
        palette = metainfo.get('palette') or PALETTE
        for path in sorted(found, key=self._wanted.__getitem__):
            pred, gt = found[path]
            image = mmcv.imread(path, channel_order='rgb')
            panel = render_sample_panel(image, gt, pred, classes, palette, self.min_height)
            runner.visualizer.add_image(
                f'{SAMPLE_PREFIX}{Path(path).stem}', panel, step=runner.iter
            )
