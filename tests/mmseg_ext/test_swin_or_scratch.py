"""SwinTransformerOrScratch: an unreachable pretrained URL is one warning, not a crash."""

from __future__ import annotations

import pytest
import torch
from mmengine.runner.checkpoint import CheckpointLoader

import practicum_work.mmseg_ext  # noqa: F401  (registers the backbone)
from practicum_work.mmseg_ext.backbones import SwinTransformerOrScratch

URL = 'https://download.example.invalid/swin_tiny.pth'
TINY = dict(embed_dims=24, depths=[1, 1], num_heads=[1, 2], strides=(4, 2), out_indices=(0, 1))


def _refuse(*args, **kwargs):
    raise OSError('<urlopen error [Errno -3] Temporary failure in name resolution>')


@pytest.fixture
def offline(monkeypatch):
    monkeypatch.setitem(CheckpointLoader._schemes, 'https://', _refuse)


def test_unreachable_url_trains_from_scratch(offline):
    swin = SwinTransformerOrScratch(**TINY, init_cfg=dict(type='Pretrained', checkpoint=URL))
    swin.init_weights()  # must not raise
    assert swin.init_cfg['checkpoint'] == URL  # the config keeps the real weights
    outs = swin(torch.zeros(1, 3, 32, 32))
    assert [o.shape[1] for o in outs] == [24, 48]


def test_upstream_swin_still_crashes_offline(offline):
    """Canary: upstream loads the checkpoint itself; when this fails, drop our subclass."""
    from mmseg.models.backbones import SwinTransformer

    swin = SwinTransformer(**TINY, init_cfg=dict(type='Pretrained', checkpoint=URL))
    with pytest.raises(OSError):
        swin.init_weights()


def test_local_checkpoint_is_loaded_and_a_missing_one_fails(tmp_path):
    source = SwinTransformerOrScratch(**TINY)
    path = tmp_path / 'swin.pth'
    torch.save({'state_dict': source.state_dict()}, path)
    swin = SwinTransformerOrScratch(**TINY, init_cfg=dict(type='Pretrained', checkpoint=str(path)))
    swin.init_weights()
    key = 'stages.0.blocks.0.attn.w_msa.qkv.weight'
    assert torch.equal(swin.state_dict()[key], source.state_dict()[key])
    missing = dict(type='Pretrained', checkpoint=str(tmp_path / 'missing.pth'))
    swin = SwinTransformerOrScratch(**TINY, init_cfg=missing)
    with pytest.raises(FileNotFoundError):
        swin.init_weights()
