"""A training hook that SIGKILLs its own process right after a given iteration's checkpoint.

Loaded by the resume test through ``custom_imports`` (this folder on PYTHONPATH): it makes
"killed after a checkpoint" happen at the same iteration every time.
"""

from __future__ import annotations

import os
import signal

from mmengine.hooks import Hook
from mmseg.registry import HOOKS


@HOOKS.register_module()
class SigkillAfterIterationHook(Hook):
    """Kill the process (SIGKILL: no cleanup, no atexit) after iteration ``iteration``."""

    priority = 'LOWEST'  # after CheckpointHook (VERY_LOW) has written iter_<N>.pth

    def __init__(self, iteration: int) -> None:
        self.iteration = iteration

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None) -> None:
        if runner.iter + 1 == self.iteration:
            os.kill(os.getpid(), signal.SIGKILL)
