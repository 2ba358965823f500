"""AutoIntervalLoggerHook: MMEngine's LoggerHook whose interval follows the schedule."""

from __future__ import annotations

from mmengine.hooks import LoggerHook
from mmseg.registry import HOOKS

from practicum_work.core.config import auto_log_interval


@HOOKS.register_module()
class AutoIntervalLoggerHook(LoggerHook):
    """``interval=None`` (the default): about ten log lines per run, at most every 50.

    Training logs every ``min(50, max(1, max_iters // 10))`` iterations (a 10-iteration run
    every iteration, 300 every 30, 4000 every 50); a test run every ``len(loader) // 10``.
    A given ``interval`` (config or ``--cfg-options default_hooks.logger.interval=N``) is kept.
    """

    def __init__(self, interval: int | None = None, **kwargs) -> None:
        super().__init__(interval=interval or 50, **kwargs)
        self.auto_interval = interval is None

    def before_train(self, runner) -> None:
        """Set the interval from the schedule's ``max_iters``."""
        if self.auto_interval:
            self.interval = auto_log_interval(runner.max_iters)

    def before_test(self, runner) -> None:
        """A test run: set the interval from the number of test batches."""
        if self.auto_interval:
            self.interval = auto_log_interval(len(runner.test_dataloader))
