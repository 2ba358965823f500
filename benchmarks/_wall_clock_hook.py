"""A hook that records wall and CPU clocks after every training iteration (benchmarks only).

bench_training.py adds it to both configs it compares (``custom_imports``, with benchmarks/
on PYTHONPATH), so the timed window is measured the same way for both.
"""

from __future__ import annotations

import json
import os
import time

from mmengine.hooks import Hook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class WallClockHook(Hook):
    """Write ``{iteration: [perf_counter s, process CPU s]}`` to ``<work_dir>/wall_clock.json``."""

    priority = 'LOWEST'  # after every other hook of the iteration (checkpoint, logging)

    def __init__(self) -> None:
        self.times: dict[int, list[float]] = {}

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        self.times[runner.iter + 1] = [time.perf_counter(), time.process_time()]

    def after_train(self, runner) -> None:
        path = os.path.join(runner.work_dir, 'wall_clock.json')
        with open(path, 'w', encoding='utf-8') as handle:
            json.dump(self.times, handle)
