"""Run by tests/mmseg_ext/test_distributed.py under torchrun (2 CPU processes, Gloo).

Each process runs every check on its shard, as a DDP run does; a failed assertion ends the
process with its traceback and torchrun fails. Usage:
``python -m torch.distributed.run --nproc_per_node 2 tests/mmseg_ext/dist_checks.py TMP``.
"""

from __future__ import annotations

import os
import sys
from types import SimpleNamespace

import numpy as np
import torch
from torch import nn

WORLD = 2
IMAGES = 5  # odd: the sampler pads rank 1's shard with image 0 again
CLASSES = ('background', 'cat', 'dog')


def _shard(rank: int) -> list[int]:
    """MMEngine's DefaultSampler (no shuffle): indices padded to a multiple of WORLD, strided."""
    indices = list(range(IMAGES))
    indices += indices[: -IMAGES % WORLD]
    return indices[rank::WORLD]


def _masks(index: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(index)
    gt = rng.integers(0, 3, (6, 6))
    pred = np.where(rng.random((6, 6)) < 0.7, gt, rng.integers(0, 3, (6, 6)))
    return pred, gt


def _check_sync_batchnorm(rank: int) -> None:
    """CPU SyncBN in DDP == BatchNorm over the global batch (outputs, gradients, statistics)."""
    from mmengine.model.wrappers import MMDistributedDataParallel
    from mmengine.utils.dl_utils.parrots_wrapper import SyncBatchNorm

    torch.manual_seed(0)
    x = torch.randn(2 * WORLD, 3, 5, 5) * 3 + 1
    weights = torch.randn(2 * WORLD, 4, 5, 5)
    conv = nn.Conv2d(3, 4, 3, padding=1)
    reference = nn.Sequential(conv, nn.BatchNorm2d(4))
    model = nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), SyncBatchNorm(4))
    model.load_state_dict(reference.state_dict())
    # What Runner.wrap_model passes: device_ids=[LOCAL_RANK] (upstream: refused for CPU).
    ddp = MMDistributedDataParallel(model, device_ids=[rank], broadcast_buffers=False)
    assert type(model[1]).__name__ == 'CpuSyncBatchNorm'
    assert set(model.state_dict()) == set(reference.state_dict())

    mine = x[rank::WORLD].clone().requires_grad_(True)
    out = ddp(mine)
    (out * weights[rank::WORLD]).sum().backward()
    full = x.clone().requires_grad_(True)
    expected = reference(full)
    (expected * weights).sum().backward()

    torch.testing.assert_close(out, expected[rank::WORLD], rtol=1e-4, atol=1e-5)
    torch.testing.assert_close(mine.grad, full.grad[rank::WORLD], rtol=1e-4, atol=1e-4)
    for (name, param), ref in zip(model.named_parameters(), reference.parameters(), strict=True):
        # DDP averages the processes' gradients; the global loss is their sum.
        torch.testing.assert_close(param.grad * WORLD, ref.grad, rtol=1e-4, atol=1e-4, msg=name)
    torch.testing.assert_close(model[1].running_mean, reference[1].running_mean)
    torch.testing.assert_close(model[1].running_var, reference[1].running_var)
    model.eval()  # eval: upstream's forward with the running statistics
    torch.testing.assert_close(model(x), reference.eval()(x), rtol=1e-4, atol=1e-5)


def _check_metric(rank: int) -> None:
    """Each image once, in the dataset's order, padding dropped: metrics as in one process."""
    from practicum_work.mmseg_ext.evaluation import PerClassIoUMetric

    def sample(index):
        pred, gt = _masks(index)
        return {
            'img_path': f'/data/img/val/val_{index}.png',
            'pred_sem_seg': {'data': torch.tensor(pred).unsqueeze(0)},
            'gt_sem_seg': {'data': torch.tensor(gt).unsqueeze(0)},
        }

    metric = PerClassIoUMetric()
    metric.dataset_meta = {'classes': CLASSES}
    for index in _shard(rank):
        metric.process({}, [sample(index)])
    result = metric.evaluate(IMAGES)

    single = PerClassIoUMetric()
    single.dataset_meta = {'classes': CLASSES}
    single.process({}, [sample(i) for i in range(IMAGES)])
    expected = single.compute_metrics(single.results)
    assert result == expected  # every process gets the main process's metrics
    if rank == 0:
        assert metric.per_image['images'] == [f'val/val_{i}' for i in range(IMAGES)]
        assert metric.per_image == single.per_image


def _check_sample_panels(rank: int, tmp: str) -> None:
    """The chosen val images of every shard are rendered once, by the main process."""
    import cv2
    from mmengine.structures import PixelData
    from mmseg.structures import SegDataSample

    from practicum_work.mmseg_ext.hooks import SamplePredictionsHook

    paths = [os.path.join(tmp, f'val_{i}.png') for i in range(IMAGES)]
    if rank == 0:
        for path in paths:
            cv2.imwrite(path, np.zeros((6, 6, 3), np.uint8))
    torch.distributed.barrier()
    sent = []
    runner = SimpleNamespace(
        val_dataloader=SimpleNamespace(dataset=_ValSet(paths)),
        visualizer=SimpleNamespace(add_image=lambda name, image, step: sent.append(name)),
        iter=7,
    )
    hook = SamplePredictionsHook(indices=[0, 1, 3], min_height=6)  # 1 and 3: rank 1's shard
    hook.before_val(runner)
    for index in _shard(rank):
        sample = SegDataSample(metainfo={'img_path': paths[index]})
        pred, gt = _masks(index)
        sample.pred_sem_seg = PixelData(data=torch.tensor(pred).unsqueeze(0))
        sample.gt_sem_seg = PixelData(data=torch.tensor(gt).unsqueeze(0))
        hook.after_val_iter(runner, index, outputs=[sample])
    hook.after_val_epoch(runner, {'mIoU': 1.0})
    expected = ['val_sample_val_0', 'val_sample_val_1', 'val_sample_val_3'] if rank == 0 else []
    assert sent == expected


class _ValSet:
    """The val dataset as the hook reads it: its length and each image's path."""

    def __init__(self, paths):
        self.paths = paths
        self.metainfo = {}

    def __len__(self):
        return len(self.paths)

    def get_data_info(self, index):
        return {'img_path': self.paths[index]}


def main(tmp: str) -> None:
    """Join the group as a petseg run does (the fixes, backend ``auto``), then check."""
    from mmengine.dist import init_dist

    import practicum_work.mmseg_ext  # noqa: F401  (the fixes, as a config's custom_imports)

    rank = int(os.environ['RANK'])
    os.chdir(tmp)
    # Upstream calls torch.cuda.set_device here ("Found no NVIDIA driver") and uses NCCL.
    init_dist('pytorch', backend='auto')
    assert torch.distributed.get_backend() == 'gloo'
    try:
        _check_sync_batchnorm(rank)
        _check_metric(rank)
        _check_sample_panels(rank, tmp)
        torch.distributed.barrier()
        assert not os.path.exists(os.path.join(tmp, '.dist_test'))  # gathered, not via files
    finally:
        torch.distributed.destroy_process_group()


if __name__ == '__main__':
    main(sys.argv[1])
