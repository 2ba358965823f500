"""Group MMEngine log keys into a few ClearML charts: (title, series) per key.

MMEngine's LoggerHook sends one dict per log step: train keys (``loss``,
``decode.loss_ce``, ``lr``, ``time``, ...) or val keys (``mIoU``, ``IoU.cat``,
``Dice.dog``, ``time``, ...). Upstream's backend makes one chart per key; here a train loss
component is a series of 'train loss', a per-class metric a series of
'val per-class <Metric>' and so on.
"""

from __future__ import annotations

import math
from typing import Any

from practicum_work.core.metric_keys import split_metric_key

MEAN_METRICS = frozenset(
    {'aAcc', 'mIoU', 'mDice', 'mAcc', 'mFscore', 'mPrecision', 'mRecall', 'mKappa'}
)
TIME_KEYS = frozenset({'time', 'data_time'})
COUNTER_KEYS = frozenset({'iter', 'epoch', 'step'})  # the x axis already


def is_train_log(keys: list[str] | tuple[str, ...] | set[str]) -> bool:
    """A train log step carries losses or a learning rate; a val step carries neither."""
    return any(k == 'lr' or k.endswith('lr') or 'loss' in k for k in keys)


def chart_for(key: str, phase: str) -> tuple[str, str]:
    """(title, series) of one log key in ``phase`` ('train' or 'val')."""
    if phase == 'train':
        if 'loss' in key:
            return 'train loss', key
        if key == 'lr' or key.endswith('lr'):
            return 'train lr', key
        if 'acc' in key:
            return 'train accuracy', key
    else:
        metric, class_name = split_metric_key(key)
        if class_name is not None:
            return f'{phase} per-class {metric}', class_name
        if key in MEAN_METRICS:
            return f'{phase} metrics', key
    if key in TIME_KEYS:
        return f'{phase} time (s)', key
    return f'{phase} {key}', key


def scalar_value(value: Any) -> float | None:
    """A finite float from a number, numpy or torch scalar; ``None`` for anything else."""
    try:
        number = float(value.item() if hasattr(value, 'item') else value)
    except (TypeError, ValueError, RuntimeError):
        return None
    return number if math.isfinite(number) else None


def group_scalars(scalars: dict[str, Any]) -> list[tuple[str, str, float]]:
    """[(title, series, value), ...] for one log step.

    Step counters (``iter``), non-numeric and NaN values are left out.
    """
    phase = 'train' if is_train_log(list(scalars)) else 'val'
    grouped = []
    for key, value in scalars.items():
        if key in COUNTER_KEYS:
            continue
        number = scalar_value(value)
        if number is not None:
            grouped.append((*chart_for(key, phase), number))
    return grouped
