"""Helpers that adjust an MMEngine config the way the README's recipes describe."""

from __future__ import annotations

from pathlib import Path
from typing import Any

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def load_tool_config(
    config: str,
    cfg_options: dict[str, Any] | None = None,
    work_dir: str | None = None,
    launcher: str = 'none',
) -> Any:
    """The config as tools/train.py and tools/test.py read it.

    ``cfg_options`` merge as in MMSeg (``data_root`` also re-points the three dataloaders);
    the work dir is, by priority, ``work_dir``, the config's, or ``./work_dirs/<config name>``.
    A missing config file is a one-line :class:`PetsegError`.
    """
    from mmengine.config import Config

    from practicum_work.core.errors import PetsegError

    if not Path(config).is_file():
        raise PetsegError(f'config file {config} does not exist')
    cfg = Config.fromfile(config)
    cfg.launcher = launcher
    if cfg_options is not None:
        cfg.merge_from_dict(cfg_options)
        if 'data_root' in cfg_options:
            set_data_root(cfg, cfg_options['data_root'])
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = str(Path('./work_dirs') / Path(config).stem)
    return cfg


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


def scaled_schedule_options(cfg: Any, max_iters: int) -> dict[str, Any]:
    """``param_scheduler.<i>.begin/end`` options that shrink the config's schedule to ``max_iters``.

    Every scheduler keeps its place relative to the schedule (warm-up 0-200 of 4000 becomes
    0-15 of 300), so this works for any config's scheduler list.
    """
    original = cfg.train_cfg.max_iters
    options: dict[str, Any] = {}
    schedulers = cfg.get('param_scheduler') or []
    if isinstance(schedulers, dict):
        schedulers = [schedulers]
    for index, scheduler in enumerate(schedulers):
        begin = scheduler.get('begin', 0)
        end = min(scheduler.get('end', original), original)
        options[f'param_scheduler.{index}.begin'] = round(begin * max_iters / original)
        options[f'param_scheduler.{index}.end'] = max(1, round(end * max_iters / original))
    return options


def short_run_options(
    config: str | Path,
    iters: int,
    val_interval: int | None = None,
    crop: int = 128,
    batch_size: int = 8,
    lr: float | None = None,
    workers: int = 2,
    seed: int = 0,
) -> dict[str, Any]:
    """A short CPU run of ``config``: the CPU recipe, its schedule scaled to ``iters``.

    ``lr`` replaces the optimizer's learning rate (from scratch, SegFormer learns faster at
    ~10x the pretrained recipe's 6e-5).
    """
    from mmengine.config import Config

    cfg = Config.fromfile(str(config))
    options = cpu_quick_options(
        max_iters=iters,
        val_interval=val_interval or iters,
        crop=crop,
        batch_size=batch_size,
        workers=workers,
    )
    options.update(scaled_schedule_options(cfg, iters))
    options['randomness.seed'] = seed
    if lr is not None:
        options['optim_wrapper.optimizer.lr'] = lr
    return options


def format_cfg_options(options: dict[str, Any]) -> str:
    """Render options as a shell-ready ``--cfg-options`` argument string."""
    parts = []
    for key, value in options.items():
        if isinstance(value, tuple):
            value = '"(' + ','.join(str(v) for v in value) + ')"'
        parts.append(f'{key}={value}')
    return '--cfg-options ' + ' '.join(parts)
