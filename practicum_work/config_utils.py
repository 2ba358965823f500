"""Helpers that adjust an MMEngine config the way the README's recipes describe."""

from __future__ import annotations

from typing import Any

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def set_data_root(cfg: Any, data_root: str) -> None:
    """Point ``data_root`` and the three dataloaders' datasets at ``data_root``."""
    cfg.data_root = data_root
    for name in DATALOADERS:
        loader = cfg.get(name)
        if loader and 'dataset' in loader:
            loader.dataset.data_root = data_root


def cpu_quick_options(
    max_iters: int = 200,
    val_interval: int = 100,
    crop: int = 128,
    batch_size: int = 4,
    workers: int = 2,
    pretrained: bool = False,
) -> dict[str, Any]:
    """The README's CPU recipe as ``--cfg-options`` pairs: short schedule, small crop.

    Works for every hypothesis config (they share the dataset base, whose ``train_pipeline``
    index 4 is ``RandomCrop``).
    """
    options: dict[str, Any] = {
        'train_cfg.max_iters': max_iters,
        'train_cfg.val_interval': val_interval,
        'default_hooks.checkpoint.interval': val_interval,
        'default_hooks.logger.interval': max(1, min(50, max_iters // 10)),
        'train_dataloader.batch_size': batch_size,
        'train_dataloader.dataset.pipeline.4.crop_size': (crop, crop),
        'model.data_preprocessor.size': (crop, crop),
    }
    for loader in DATALOADERS:
        options[f'{loader}.num_workers'] = workers
        options[f'{loader}.persistent_workers'] = workers > 0
    if not pretrained:
        options['model.backbone.init_cfg'] = None
    return options


def format_cfg_options(options: dict[str, Any]) -> str:
    """Render options as a shell-ready ``--cfg-options`` argument string."""
    parts = []
    for key, value in options.items():
        if isinstance(value, tuple):
            value = '"(' + ','.join(str(v) for v in value) + ')"'
        parts.append(f'{key}={value}')
    return '--cfg-options ' + ' '.join(parts)
