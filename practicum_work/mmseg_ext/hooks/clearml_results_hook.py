"""ClearMLResultsHook: register the best checkpoint and report the final test metrics."""

from __future__ import annotations

from mmengine.hooks import Hook
from mmseg.registry import HOOKS

from practicum_work.mmseg_ext.visualization.clearml_backend import PetsegClearMLVisBackend


def clearml_backends(visualizer) -> list[PetsegClearMLVisBackend]:
    """The visualiser's ClearML backends (none when tracking is not configured)."""
    backends = getattr(visualizer, '_vis_backends', {}) or {}
    return [b for b in backends.values() if isinstance(b, PetsegClearMLVisBackend)]


@HOOKS.register_module()
class ClearMLResultsHook(Hook):
    """Hand run results to the ClearML backends; a no-op without ClearML.

    After training: the best checkpoint (and the last one with
    ``clearml.register_last_checkpoint=True``) becomes a ClearML model online, or its path
    is recorded offline. After a test: the per-class metrics table and one value per mean
    metric.
    """

    priority = 'LOW'

    def after_train(self, runner) -> None:
        """Hand the best / last checkpoint paths to the ClearML backends."""
        hub = runner.message_hub
        for backend in clearml_backends(runner.visualizer):
            checkpoints = {'best': hub.get_info('best_ckpt')}
            if backend.settings.register_last_checkpoint:
                checkpoints['last'] = hub.get_info('last_ckpt')
            backend.register_checkpoints(checkpoints, iteration=runner.iter)

    def after_test_epoch(self, runner, metrics: dict | None = None) -> None:
        """Report the test metrics of the evaluated checkpoint."""
        if not metrics:
            return
        checkpoint = str(runner.cfg.get('load_from') or '')
        for backend in clearml_backends(runner.visualizer):
            backend.report_test_metrics(metrics, checkpoint)
