"""Predict a split with a config and checkpoint through MMSeg's own APIs, batch by batch.

The model comes from ``mmseg.apis.init_model`` (weights loaded strictly, so a checkpoint of
another model is a clear error instead of silently random weights); the data from the config's
own ``test_dataloader`` (dataset, test pipeline, collate) pointed at the requested split; the
predictions from ``model.test_step``, i.e. the same path as ``tools/test.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from practicum_work.core.classes import CLASSES, PALETTE
from practicum_work.core.config import load_config, set_test_split
from practicum_work.core.errors import PetsegError
from practicum_work.core.progress import progress_bar
from practicum_work.mmseg_ext.segmentors.small_components import MinArea, per_class_min_areas

FILTER_SEGMENTOR = 'ComponentFilterEncoderDecoder'


@dataclass
class Prediction:
    """One evaluated image: ground truth (255 = ignore) and prediction, both (H, W) uint8.

    ``probs`` holds the softmax class probabilities ``(C, H, W)`` when asked for.
    """

    stem: str
    image_path: str
    mask_path: str
    gt: np.ndarray
    pred: np.ndarray
    probs: np.ndarray | None = None


def set_min_component_area(cfg: Any, min_area: MinArea) -> None:
    """Set ``model.test_cfg.min_component_area`` (a plain EncoderDecoder gets the filter class)."""
    try:
        per_class_min_areas(min_area)
    except ValueError as err:
        raise PetsegError(f'--min-area: {err}') from None
    model_type = cfg.model.get('type')
    if model_type == 'EncoderDecoder':
        cfg.model.type = FILTER_SEGMENTOR  # same weights, plus the test-time filter
    elif model_type != FILTER_SEGMENTOR:
        raise PetsegError(
            f'the small-component filter needs model type {FILTER_SEGMENTOR} or EncoderDecoder; '
            f'this config has {model_type}'
        )
    test_cfg = cfg.model.get('test_cfg') or {'mode': 'whole'}
    test_cfg['min_component_area'] = min_area if isinstance(min_area, int) else list(min_area)
    cfg.model.test_cfg = test_cfg


def configured_min_area(cfg: Any) -> Any:
    """The config's ``model.test_cfg.min_component_area`` (0 when unset)."""
    return (cfg.model.get('test_cfg') or {}).get('min_component_area', 0) or 0


def load_split_config(
    config: str | Path,
    split: str = 'test',
    data_root: str | None = None,
    batch_size: int | None = None,
    num_workers: int | None = None,
    min_area: MinArea = None,
    cfg_options: dict | None = None,
) -> Any:
    """The config with its ``test_dataloader`` pointed at ``<data_root>/{img,labels}/<split>``.

    ``min_area`` (not None) overrides ``model.test_cfg.min_component_area``; ``cfg_options``
    are merged like ``--cfg-options`` of tools/test.py.
    """
    cfg = load_config(config, cfg_options, data_root, check_options=True)
    point_at_split(cfg, split)
    loader = cfg.test_dataloader
    if batch_size is not None:
        if batch_size < 1:
            raise PetsegError(f'--batch-size must be >= 1, got {batch_size}')
        loader.batch_size = batch_size
    if num_workers is not None:
        loader.num_workers = max(0, num_workers)
    loader.persistent_workers = False  # one pass only
    if min_area is not None:
        set_min_component_area(cfg, min_area)
    return cfg


def point_at_split(cfg: Any, split: str) -> None:
    """Make ``cfg.test_dataloader`` read ``<data_root>/img/<split>`` and ``labels/<split>``."""
    set_test_split(cfg, split)


def with_split(cfg: Any, split: str) -> Any:
    """A copy of ``cfg`` whose test dataloader reads ``split``."""
    cfg = copy.deepcopy(cfg)
    point_at_split(cfg, split)
    return cfg


def check_device(device: str) -> str:
    """``cpu`` or ``cuda[:N]``; a clear error when CUDA is asked for but missing."""
    import torch

    if device.startswith('cuda') and not torch.cuda.is_available():
        raise PetsegError(f'--device {device}: no CUDA GPU is available here; use --device cpu')
    if not device.startswith(('cpu', 'cuda')):
        raise PetsegError(f'--device must be cpu or cuda[:N], got {device}')
    return device


def build_model(cfg: Any, checkpoint: str | Path, device: str = 'cpu') -> Any:
    """``mmseg.apis.init_model`` of ``cfg`` with ``checkpoint`` loaded strictly, in eval mode."""
    from mmengine.model import revert_sync_batchnorm
    from mmengine.runner import load_checkpoint
    from mmseg.apis import init_model

    checkpoint = Path(checkpoint)
    if not checkpoint.is_file():
        raise PetsegError(f'checkpoint {checkpoint} does not exist')
    device = check_device(device)
    model = init_model(cfg, None, device='cpu')
    try:
        loaded = load_checkpoint(model, str(checkpoint), map_location='cpu', strict=True)
    except Exception as err:  # corrupt file, or weights of another model
        detail = ' '.join(str(err).split())[:300]
        raise PetsegError(
            f"checkpoint {checkpoint} cannot be loaded into this config's model "
            f'({type(err).__name__}: {detail})'
        ) from None
    meta = loaded.get('meta', {}) if isinstance(loaded, dict) else {}
    model.dataset_meta = meta.get('dataset_meta') or dict(
        classes=CLASSES, palette=[list(c) for c in PALETTE]
    )
    model = revert_sync_batchnorm(model)
    return model.to(device).eval()


def build_loader(cfg: Any) -> Any:
    """The config's ``test_dataloader`` as MMEngine builds it (``Runner.build_dataloader``)."""
    from mmengine.runner import Runner

    return Runner.build_dataloader(cfg.test_dataloader)


def left_out_samples(loader: Any) -> list[str]:
    """What the dataset left out (``'<file>: <reason>'``; PetSegDataset), else an empty list."""
    return list(getattr(loader.dataset, 'left_out', []) or [])


def iter_predictions(
    cfg: Any,
    model: Any,
    description: str = 'predicting',
    show_progress: bool = True,
    with_probs: bool = False,
    loader: Any = None,
) -> Iterator[Prediction]:
    """Yield a :class:`Prediction` per image of ``cfg.test_dataloader``, in dataset order.

    ``with_probs`` adds the softmax of MMSeg's ``seg_logits`` (original image size);
    ``loader`` (from :func:`build_loader`) is used instead of building one.
    """
    import torch

    loader = build_loader(cfg) if loader is None else loader
    with progress_bar(disable=not show_progress) as progress, torch.no_grad():
        task = progress.add_task(description, total=len(loader.dataset))
        for batch in loader:
            for sample in model.test_step(batch):
                if 'gt_sem_seg' not in sample:
                    raise PetsegError(
                        f'{sample.img_path}: no ground-truth mask (the test pipeline must keep '
                        'LoadAnnotations)'
                    )
                yield Prediction(
                    stem=Path(sample.img_path).stem,
                    image_path=str(sample.img_path),
                    mask_path=str(sample.seg_map_path),
                    gt=sample.gt_sem_seg.data[0].cpu().numpy().astype(np.uint8),
                    pred=sample.pred_sem_seg.data[0].cpu().numpy().astype(np.uint8),
                    probs=(
                        sample.seg_logits.data.float().softmax(dim=0).cpu().numpy()
                        if with_probs
                        else None
                    ),
                )
                progress.advance(task)
