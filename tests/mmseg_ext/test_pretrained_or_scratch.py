"""A remote pretrained checkpoint that cannot be fetched is one warning, not a crash."""

from __future__ import annotations

import pytest
import torch
from mmengine.logging import MMLogger
from mmengine.model import BaseModule

import practicum_work.mmseg_ext  # noqa: F401  (registers the initialiser)


class _Net(BaseModule):
    def __init__(self, checkpoint: str) -> None:
        super().__init__(init_cfg=dict(type='Pretrained', checkpoint=checkpoint))
        self.conv = torch.nn.Conv2d(3, 4, 3)


def test_unreachable_url_warns_and_trains_from_scratch(monkeypatch, caplog):
    def refuse(*args, **kwargs):
        raise OSError('<urlopen error [Errno -3] Temporary failure in name resolution>')

    monkeypatch.setattr('mmengine.runner.checkpoint.load_from_http', refuse)
    from mmengine.runner.checkpoint import CheckpointLoader

    monkeypatch.setitem(CheckpointLoader._schemes, 'https://', refuse)
    MMLogger.get_instance('petseg-test')
    net = _Net('https://download.example.invalid/weights.pth')
    net.init_weights()  # must not raise
    assert net.is_init


def test_missing_local_checkpoint_still_fails(tmp_path):
    net = _Net(str(tmp_path / 'missing.pth'))
    with pytest.raises(FileNotFoundError):
        net.init_weights()
