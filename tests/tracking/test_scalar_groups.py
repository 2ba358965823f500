"""Log keys -> (title, series): a few charts instead of one per key."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from practicum_work.tracking.scalar_groups import (
    chart_for,
    group_scalars,
    is_train_log,
    scalar_value,
)


@pytest.mark.parametrize(
    ('key', 'phase', 'chart'),
    [
        ('loss', 'train', ('train loss', 'loss')),
        ('decode.loss_dice', 'train', ('train loss', 'decode.loss_dice')),
        ('aux.loss_ce', 'train', ('train loss', 'aux.loss_ce')),
        ('base_lr', 'train', ('train lr', 'base_lr')),
        ('decode.acc_seg', 'train', ('train accuracy', 'decode.acc_seg')),
        ('data_time', 'train', ('train time (s)', 'data_time')),
        ('time', 'val', ('val time (s)', 'time')),
        ('memory', 'train', ('train memory', 'memory')),
        ('IoU.cat', 'val', ('val per-class IoU', 'cat')),
        ('Dice.background', 'val', ('val per-class Dice', 'background')),
        ('mDice', 'val', ('val metrics', 'mDice')),
        ('aAcc', 'val', ('val metrics', 'aAcc')),
    ],
)
def test_chart_for(key, phase, chart):
    assert chart_for(key, phase) == chart


def test_train_and_val_steps_are_told_apart():
    assert is_train_log(['loss', 'time', 'data_time'])
    assert is_train_log(['lr', 'time'])
    assert not is_train_log(['mIoU', 'IoU.cat', 'time', 'data_time'])


def test_scalar_value_accepts_numpy_and_torch_and_drops_the_rest():
    assert scalar_value(np.float32(1.5)) == 1.5
    assert scalar_value(torch.tensor(2.0)) == 2.0
    assert scalar_value(3) == 3.0
    for bad in (float('nan'), float('inf'), 'text', None, [1, 2]):
        assert scalar_value(bad) is None


def test_a_val_step_becomes_three_kinds_of_charts():
    step = {'aAcc': 90.0, 'mDice': 60.0, 'Dice.cat': 50.0, 'Dice.dog': np.float32(40.0)}
    step.update({'IoU.cat': float('nan'), 'time': 0.2, 'data_time': 0.01})
    grouped = group_scalars(step)
    titles = {title for title, _, _ in grouped}
    assert titles == {'val metrics', 'val per-class Dice', 'val time (s)'}
    assert ('val per-class Dice', 'dog', 40.0) in grouped
    assert len(grouped) == 6  # the NaN IoU.cat is left out


def test_the_iteration_counter_is_not_a_chart():
    assert group_scalars({'loss': 1.0, 'iter': 7}) == [('train loss', 'loss', 1.0)]
