"""SamplePredictionsHook: the same val images at every validation, sent to the visualiser."""

from __future__ import annotations

from types import SimpleNamespace

import cv2
import numpy as np
import torch
from mmengine.structures import PixelData
from mmseg.structures import SegDataSample

from practicum_work.core.classes import PALETTE
from practicum_work.mmseg_ext.hooks.sample_predictions_hook import (
    SamplePredictionsHook,
    evenly_spaced,
)
from practicum_work.vis.panels import GAP, LEGEND_HEIGHT
from practicum_work.vis.panels import TITLE_HEIGHT as HEADER


def test_evenly_spaced():
    assert evenly_spaced(4, 60) == [0, 20, 39, 59]
    assert evenly_spaced(4, 2) == [0, 1]
    assert evenly_spaced(3, 0) == [] and evenly_spaced(0, 9) == []


class _Dataset:
    def __init__(self, paths):
        self.paths = paths
        self.metainfo = {'classes': ('background', 'cat', 'dog'), 'palette': PALETTE}

    def __len__(self):
        return len(self.paths)

    def get_data_info(self, index):
        return {'img_path': self.paths[index]}


def _sample(path, label):
    sample = SegDataSample(metainfo={'img_path': path})
    sample.pred_sem_seg = PixelData(data=torch.full((1, 8, 8), label, dtype=torch.long))
    sample.gt_sem_seg = PixelData(data=torch.zeros((1, 8, 8), dtype=torch.long))
    return sample


def test_hook_renders_only_the_chosen_images_with_the_current_iteration(tmp_path):
    paths = []
    for i in range(5):
        path = tmp_path / f'val_{i}.png'
        cv2.imwrite(str(path), np.full((8, 8, 3), 10 * i, dtype=np.uint8))
        paths.append(str(path))
    sent = []
    visualizer = SimpleNamespace(
        add_image=lambda name, image, step: sent.append((name, image, step))
    )
    runner = SimpleNamespace(
        val_dataloader=SimpleNamespace(dataset=_Dataset(paths)), visualizer=visualizer, iter=200
    )
    hook = SamplePredictionsHook(num_samples=2, min_height=8)  # indices 0 and 4
    hook.before_val(runner)
    for batch_idx in range(0, 5, 2):  # batches of two, the last one short
        outputs = [_sample(p, 2) for p in paths[batch_idx : batch_idx + 2]]
        hook.after_val_iter(runner, batch_idx, outputs=outputs)
    assert sent == []  # rendered once the validation ends (every process's images gathered)
    hook.after_val_epoch(runner, {'mIoU': 1.0})
    assert [(name, step) for name, _, step in sent] == [
        ('val_sample_val_0', 200),
        ('val_sample_val_4', 200),
    ]
    panel = sent[1][1]
    assert panel.shape[0] == HEADER + 8 + LEGEND_HEIGHT  # one row of 8 px tiles
    prediction = panel[HEADER : HEADER + 8, 2 * (8 + GAP) : 3 * 8 + 2 * GAP]
    assert (prediction == PALETTE[2]).all()  # the third tile, the prediction: dog
