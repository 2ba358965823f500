"""ClearMLResultsHook hands checkpoints and test metrics to the ClearML backends only."""

from __future__ import annotations

from types import SimpleNamespace

from mmengine.logging import MessageHub
from mmengine.visualization import LocalVisBackend

from practicum_work.mmseg_ext.hooks.clearml_results_hook import ClearMLResultsHook, clearml_backends
from practicum_work.mmseg_ext.visualization.clearml_backend import PetsegClearMLVisBackend


class _Recording(PetsegClearMLVisBackend):
    def __init__(self, **settings):
        super().__init__(**settings)
        self.registered, self.tested = [], []

    def register_checkpoints(self, checkpoints, iteration):
        self.registered.append((checkpoints, iteration))

    def report_test_metrics(self, metrics, checkpoint):
        self.tested.append((metrics, checkpoint))


def _runner(*backends, load_from=None):
    hub = MessageHub.get_instance('clearml_results_hook_test')
    hub.update_info('best_ckpt', '/w/best_mDice_iter_4.pth')
    hub.update_info('last_ckpt', '/w/iter_6.pth')
    visualizer = SimpleNamespace(
        _vis_backends={type(b).__name__ + str(i): b for i, b in enumerate(backends)}
    )
    return SimpleNamespace(
        message_hub=hub, visualizer=visualizer, iter=6, cfg={'load_from': load_from}
    )


def test_only_clearml_backends_are_found(tmp_path):
    local, tracked = LocalVisBackend(save_dir=str(tmp_path)), _Recording()
    assert clearml_backends(_runner(local, tracked).visualizer) == [tracked]


def test_after_train_sends_best_and_optionally_last(tmp_path):
    best_only, both = _Recording(), _Recording(register_last_checkpoint=True)
    ClearMLResultsHook().after_train(_runner(best_only, both))
    assert best_only.registered == [({'best': '/w/best_mDice_iter_4.pth'}, 6)]
    assert both.registered == [({'best': '/w/best_mDice_iter_4.pth', 'last': '/w/iter_6.pth'}, 6)]


def test_after_test_epoch_sends_metrics_with_the_checkpoint_name():
    backend = _Recording()
    hook = ClearMLResultsHook()
    runner = _runner(backend, load_from='/w/best_mDice_iter_4.pth')
    hook.after_test_epoch(runner, metrics=None)
    hook.after_test_epoch(runner, metrics={'mDice': 1.0})
    assert backend.tested == [({'mDice': 1.0}, '/w/best_mDice_iter_4.pth')]
