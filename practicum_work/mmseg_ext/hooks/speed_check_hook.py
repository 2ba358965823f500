"""SpeedCheckHook: the measured seconds per iteration, and a warning when far too slow."""

from __future__ import annotations

import logging

from mmengine.hooks import Hook
from mmseg.registry import HOOKS

_CPU_ALTERNATIVE = (
    "train it on a GPU (README: GPU recipe), or shorten it for the CPU with the README's CPU "
    'recipe (fewer iterations, crop 128) or a lighter model (hyp1, SegFormer-B0)'
)


def duration(seconds: float) -> str:
    """``'6 h 47 min'``, ``'12 min'``, ``'40 s'``."""
    seconds = round(seconds)
    if seconds < 60:
        return f'{seconds} s'
    hours, minutes = divmod(round(seconds / 60), 60)
    return f'{hours} h {minutes} min' if hours else f'{minutes} min'


def is_too_slow(device: str, seconds_per_iter: float, remaining_s: float, limits: dict) -> bool:
    """On a CPU: slower than ``limits['s_per_iter']`` or longer than ``limits['hours']``."""
    if device != 'cpu':
        return False
    return seconds_per_iter >= limits['s_per_iter'] or remaining_s >= 3600 * limits['hours']


@HOOKS.register_module()
class SpeedCheckHook(Hook):
    """Log once, early, how fast training goes on this device and how long the rest takes.

    The figure is MMEngine's own ``time`` of train iteration ``measure_at`` of this process
    (data loading and the training step, as in the log's ``time:`` column; the first iteration
    carries one-off start-up costs, so the second is used; a 1-iteration run uses its only
    one). On a CPU, at ``s_per_iter`` seconds or more per iteration, or when the rest of the
    schedule would take ``hours`` or more, the line is a warning naming the alternatives.
    """

    priority = 'LOW'  # after IterTimerHook (NORMAL) has stored the iteration's time

    def __init__(self, measure_at: int = 2, s_per_iter: float = 2.0, hours: float = 1.0):
        self.measure_at = measure_at
        self.limits = {'s_per_iter': s_per_iter, 'hours': hours}
        self._iters_here = 0
        self.reported: dict | None = None

    def before_train(self, runner) -> None:
        """Count the iterations of this process (a resumed run starts mid-schedule)."""
        self._iters_here = 0

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        """At iteration ``measure_at`` (or the last one, if sooner), log the speed once."""
        self._iters_here += 1
        done = runner.iter + 1
        if self.reported is not None:
            return
        if self._iters_here < self.measure_at and done < runner.max_iters:
            return
        seconds = float(runner.message_hub.get_scalar('train/time').current())
        remaining = max(0, runner.max_iters - done)
        device = _device(runner)
        slow = is_too_slow(device, seconds, seconds * remaining, self.limits)
        self.reported = dict(s_per_iter=seconds, device=device, remaining=remaining, slow=slow)
        text = (
            f'speed: {seconds:.2f} s/iter on {device} (measured: train iteration {done}, '
            f'{_batch(runner)})'
        )
        if remaining:
            text += f'; {remaining} more iterations ~{duration(seconds * remaining)} + validation'
        if slow:
            text += f'. Far too slow for this {device}: {_CPU_ALTERNATIVE}'
        runner.logger.log(logging.WARNING if slow else logging.INFO, text)


def _device(runner) -> str:
    try:
        return next(runner.model.parameters()).device.type
    except (StopIteration, AttributeError):
        return 'cpu'


def _batch(runner) -> str:
    """``batch 4, crop 256x256`` from the train loader and the config's RandomCrop."""
    parts = []
    batch = getattr(runner.train_dataloader, 'batch_size', None)
    if batch:
        parts.append(f'batch {batch}')
    pipeline = runner.cfg.get('train_dataloader', {}).get('dataset', {}).get('pipeline') or []
    crops = [s.get('crop_size') for s in pipeline if s.get('type') == 'RandomCrop']
    if crops and crops[0]:
        crop = crops[0]
        crop = crop if isinstance(crop, list | tuple) else (crop, crop)
        parts.append(f'crop {crop[0]}x{crop[1]}')
    return ', '.join(parts) or 'batch ?'
