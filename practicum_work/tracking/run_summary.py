"""A readable summary of an MMSeg run config: flat hyperparameters, tags and a task name.

The dict is what a ClearML user compares between experiments (model, losses, class
weights, optimiser, schedule, batch, crop, data, seed, git commit); the full config is
stored next to it as a configuration object.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from practicum_work.core.paths import REPO_ROOT

_HYPOTHESIS = re.compile(r'^(hyp\d+)')


_MISSING = object()


def _get(node: Any, dotted: str, default: Any = None) -> Any:
    """``node['a']['b']`` for ``'a.b'`` on dicts, ConfigDicts and Configs; else ``default``."""
    for part in dotted.split('.'):
        getter = getattr(node, 'get', None)
        node = getter(part, _MISSING) if callable(getter) else _MISSING
        if node is _MISSING:
            return default
    return node


def config_name(cfg: Any) -> str:
    """The config file's stem (``hyp1_segformer_b0``), ``'experiment'`` without a file."""
    filename = getattr(cfg, 'filename', None)
    return Path(filename).stem if filename else 'experiment'


def _number(value: Any) -> Any:
    return round(float(value), 6) if isinstance(value, float) else value


def describe_losses(loss_cfg: Any) -> tuple[str, str]:
    """(``'WeightedCrossEntropyLoss x1.0 + SoftmaxDiceLoss x1.0'``, class weights or ``'none'``)."""
    if not loss_cfg:
        return 'none', 'none'
    losses = loss_cfg if isinstance(loss_cfg, list | tuple) else [loss_cfg]
    parts, weights = [], []
    for loss in losses:
        parts.append(f'{loss.get("type", "?")} x{_number(loss.get("loss_weight", 1.0))}')
        if loss.get('class_weight') is not None:
            weights.append(str([_number(w) for w in loss['class_weight']]))
    return ' + '.join(parts), ', '.join(weights) or 'none'


def describe_schedule(schedulers: Any) -> str:
    """``'LinearLR[0,200) -> PolyLR[200,4000) power=1.0'`` from ``param_scheduler``."""
    if not schedulers:
        return 'constant'
    items = schedulers if isinstance(schedulers, list | tuple) else [schedulers]
    parts = []
    for item in items:
        text = f'{item.get("type", "?")}[{item.get("begin", 0)},{item.get("end", "end")})'
        if 'power' in item:
            text += f' power={item["power"]}'
        parts.append(text)
    return ' -> '.join(parts)


def _crop(cfg: Any) -> str:
    for step in _get(cfg, 'train_dataloader.dataset.pipeline', []) or []:
        if isinstance(step, Mapping) and step.get('type') == 'RandomCrop':
            return 'x'.join(str(v) for v in step.get('crop_size', ()))
    return 'none'


def git_commit(repo: Path = REPO_ROOT) -> str:
    """``git rev-parse HEAD`` of the petseg checkout (``-dirty`` with local changes)."""
    try:
        commit = subprocess.run(
            ['git', '-C', str(repo), 'rev-parse', 'HEAD'],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
        status = subprocess.run(
            ['git', '-C', str(repo), 'status', '--porcelain', '--untracked-files=no'],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return 'unknown'
    return f'{commit}-dirty' if status else commit


def model_name(cfg: Any) -> str:
    """``'MixVisionTransformer+SegformerHead'``: backbone and decode head types."""
    parts = [_get(cfg, 'model.backbone.type'), _get(cfg, 'model.decode_head.type')]
    return '+'.join(str(p) for p in parts if p) or str(_get(cfg, 'model.type', 'unknown'))


def dataset_name(cfg: Any) -> str:
    """The data root's folder name (``pets_demo``)."""
    root = cfg.get('data_root') or _get(cfg, 'train_dataloader.dataset.data_root') or ''
    return Path(str(root)).name or 'unknown'


def run_tags(cfg: Any, extra: list[str] | None = None) -> list[str]:
    """Hypothesis (``hyp1``), model and dataset name, then ``extra``; no duplicates."""
    name = config_name(cfg)
    match = _HYPOTHESIS.match(name)
    tags = [match.group(1) if match else name, model_name(cfg), dataset_name(cfg)]
    tags += list(extra or [])
    return list(dict.fromkeys(tags))


def hyperparameters(cfg: Any) -> dict[str, Any]:
    """The flat, readable hyperparameter dict of an MMSeg config."""
    decode_loss, decode_weights = describe_losses(_get(cfg, 'model.decode_head.loss_decode'))
    aux_loss, aux_weights = describe_losses(_get(cfg, 'model.auxiliary_head.loss_decode'))
    optimizer = _get(cfg, 'optim_wrapper.optimizer', {}) or {}
    lr_mults = {
        key: value['lr_mult']
        for key, value in (_get(cfg, 'optim_wrapper.paramwise_cfg.custom_keys', {}) or {}).items()
        if isinstance(value, Mapping) and 'lr_mult' in value
    }
    params: dict[str, Any] = {
        'config': config_name(cfg),
        'model.type': _get(cfg, 'model.type', 'unknown'),
        'model.backbone': _get(cfg, 'model.backbone.type', 'none'),
        'model.backbone.pretrained': bool(_get(cfg, 'model.backbone.init_cfg')),
        'model.decode_head': _get(cfg, 'model.decode_head.type', 'none'),
        'model.auxiliary_head': _get(cfg, 'model.auxiliary_head.type', 'none'),
        'model.num_classes': _get(cfg, 'model.decode_head.num_classes', 'unknown'),
        'loss.decode': decode_loss,
        'loss.decode.class_weight': decode_weights,
        'loss.auxiliary': aux_loss,
        'loss.auxiliary.class_weight': aux_weights,
        'optimizer': optimizer.get('type', 'unknown'),
        'optimizer.lr': _number(optimizer.get('lr', 'unknown')),
        'optimizer.weight_decay': _number(optimizer.get('weight_decay', 0.0)),
        'optimizer.lr_mult': ', '.join(f'{k} x{v}' for k, v in lr_mults.items()) or 'none',
        'optim_wrapper': _get(cfg, 'optim_wrapper.type', 'OptimWrapper'),
        'schedule.lr': describe_schedule(cfg.get('param_scheduler')),
        'schedule.max_iters': _get(cfg, 'train_cfg.max_iters', 'unknown'),
        'schedule.val_interval': _get(cfg, 'train_cfg.val_interval', 'unknown'),
        'data.batch_size': _get(cfg, 'train_dataloader.batch_size', 'unknown'),
        'data.crop': _crop(cfg),
        'data.root': str(cfg.get('data_root') or _get(cfg, 'train_dataloader.dataset.data_root')),
        'seed': _get(cfg, 'randomness.seed', 'none'),
        'load_from': str(cfg.get('load_from') or 'none'),
        'resume': bool(cfg.get('resume', False)),
        'work_dir': str(cfg.get('work_dir', 'unknown')),
        'git_commit': git_commit(),
    }
    if 'momentum' in optimizer:
        params['optimizer.momentum'] = _number(optimizer['momentum'])
    return params
