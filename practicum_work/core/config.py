"""The one config loader, and helpers that adjust an MMEngine config as the README's recipes do.

Pipeline steps are found by their ``type`` (:func:`pipeline_key`), never by list position, so a
config whose pipeline gains a step (the binary base inserts one) gets the same options.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from practicum_work.core.config_check import check_cfg_options
from practicum_work.core.errors import PetsegError
from practicum_work.core.layout import IMAGE_DIR, MASK_DIR

DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')


def _warn(message: str) -> None:
    print(f'warning: {message}', file=sys.stderr)


def load_config(
    config: str | Path | Any,
    cfg_options: dict[str, Any] | None = None,
    data_root: str | Path | None = None,
    check_options: bool = False,
    warn: Callable[[str], None] = _warn,
) -> Any:
    """An MMEngine ``Config`` from a file (or a copy of a ``Config``), options merged.

    ``cfg_options`` merge as ``--cfg-options`` do (``data_root`` among them, or the argument,
    re-points the three dataloaders). A missing file is a one-line :class:`PetsegError`.
    ``check_options`` (the user's options) checks them first
    (:func:`practicum_work.core.config_check.check_cfg_options`): a wrong key or value is a
    one-line error, a likely typo a call of ``warn``.
    """
    from mmengine.config import Config

    if isinstance(config, Config):
        cfg = Config(config.to_dict(), filename=config.filename)
    else:
        if not Path(config).is_file():
            raise PetsegError(f'config file {config} does not exist')
        cfg = Config.fromfile(str(config))
    if cfg_options and check_options:
        for message in check_cfg_options(cfg, cfg_options):
            warn(message)
    if cfg_options:
        cfg.merge_from_dict(cfg_options)
        if 'data_root' in cfg_options:
            set_data_root(cfg, cfg_options['data_root'])
    if data_root is not None:
        set_data_root(cfg, str(data_root))
    return cfg


def pipeline_key(cfg: Any, loader: str, step_type: str, field: str) -> str:
    """The ``--cfg-options`` key of ``field`` of the first ``step_type`` step of ``loader``.

    ``pipeline_key(cfg, 'train_dataloader', 'RandomCrop', 'crop_size')`` ->
    ``'train_dataloader.dataset.pipeline.4.crop_size'`` for the pets dataset base.
    """
    pipeline = cfg[loader].dataset.get('pipeline') or []
    for index, step in enumerate(pipeline):
        if step.get('type') == step_type:
            return f'{loader}.dataset.pipeline.{index}.{field}'
    raise PetsegError(f'{loader} of {cfg.filename} has no {step_type} step')


def load_tool_config(
    config: str,
    cfg_options: dict[str, Any] | None = None,
    work_dir: str | None = None,
    launcher: str = 'none',
    warn: Callable[[str], None] = _warn,
) -> Any:
    """The config as tools/train.py and tools/test.py read it.

    ``cfg_options`` are checked (unknown key, wrong type: one-line error) and merge as in
    MMSeg (``data_root`` also re-points the three dataloaders); the work dir is, by priority,
    ``work_dir``, the config's, or ``./work_dirs/<config name>``. A missing config file is a
    one-line :class:`PetsegError`. Nothing is written.
    """
    cfg = load_config(config, cfg_options, check_options=True, warn=warn)
    cfg.launcher = launcher
    if work_dir is not None:
        cfg.work_dir = work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = str(Path('./work_dirs') / Path(config).stem)
    return cfg


def auto_log_interval(iterations: int) -> int:
    """About ten log lines per run, at most one every 50 iterations (MMEngine's default)."""
    return min(50, max(1, int(iterations) // 10))


def set_test_split(cfg: Any, split: str) -> None:
    """Make ``cfg.test_dataloader`` read ``<data_root>/img/<split>`` and ``labels/<split>``."""
    cfg.test_dataloader.dataset.data_prefix = dict(
        img_path=f'{IMAGE_DIR}/{split}', seg_map_path=f'{MASK_DIR}/{split}'
    )


def set_data_root(cfg: Any, data_root: str) -> None:
    """Point ``data_root`` and the three dataloaders' datasets at ``data_root``."""
    cfg.data_root = data_root
    for name in DATALOADERS:
        loader = cfg.get(name)
        if loader and 'dataset' in loader:
            loader.dataset.data_root = data_root


def cpu_quick_options(
    config: str | Path | Any,
    max_iters: int = 200,
    val_interval: int = 100,
    crop: int = 128,
    batch_size: int = 4,
    workers: int = 2,
    pretrained: bool = False,
    eval_scale: int | None = None,
) -> dict[str, Any]:
    """The README's CPU recipe for ``config`` as ``--cfg-options`` pairs: short schedule, crop.

    The crop goes to the train pipeline's ``RandomCrop`` and, with ``eval_scale``, the val and
    test pipelines' ``Resize`` scale is set too (both steps found by type).
    """
    cfg = load_config(config)
    options: dict[str, Any] = {
        'train_cfg.max_iters': max_iters,
        'train_cfg.val_interval': val_interval,
        'default_hooks.checkpoint.interval': val_interval,
        'default_hooks.logger.interval': auto_log_interval(max_iters),
        'train_dataloader.batch_size': batch_size,
        pipeline_key(cfg, 'train_dataloader', 'RandomCrop', 'crop_size'): (crop, crop),
        'model.data_preprocessor.size': (crop, crop),
    }
    if eval_scale is not None:
        for loader in ('val_dataloader', 'test_dataloader'):
            options[pipeline_key(cfg, loader, 'Resize', 'scale')] = (eval_scale, eval_scale)
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
    cfg = load_config(config)
    options = cpu_quick_options(
        cfg,
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
