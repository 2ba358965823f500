"""A remote pretrained checkpoint that cannot be fetched is one warning, not a crash."""

from __future__ import annotations

import pytest
import torch
from mmengine.logging import MMLogger
from mmengine.model import BaseModule

import practicum_work.mmseg_ext  # noqa: F401  (registers the initialiser)


class _Net(BaseModule):
    def __init__(self, checkpoint: str) -> None:
        super().__init__(init_cfg=dict(type='PretrainedOrScratch', checkpoint=checkpoint))
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


def test_mmengines_own_pretrained_init_is_left_alone():
    """Registered under its own name: configs that say ``Pretrained`` keep MMEngine's init."""
    from mmengine.model.weight_init import PretrainedInit
    from mmengine.registry import WEIGHT_INITIALIZERS

    from practicum_work.mmseg_ext.weight_init.pretrained_or_scratch import PretrainedOrScratchInit

    assert WEIGHT_INITIALIZERS.get('Pretrained') is PretrainedInit
    assert WEIGHT_INITIALIZERS.get('PretrainedOrScratch') is PretrainedOrScratchInit


def _pretrained_backbones():
    from mmengine.config import Config

    from tests.conftest import CONFIGS

    seen, found = set(), []
    for config in CONFIGS:
        backbone = Config.fromfile(str(config)).model.backbone
        init = backbone.get('init_cfg') or {}
        if init.get('type') == 'PretrainedOrScratch' and backbone.type not in seen:
            seen.add(backbone.type)
            found.append(pytest.param(config, id=backbone.type))
    return found


@pytest.mark.parametrize('config', _pretrained_backbones())
def test_loaded_weights_survive_the_init_of_every_backbone(config, tmp_path):
    """MMEngine runs an init named ``Pretrained`` after the children's own inits; under our
    name it runs first, so a child that re-initialised itself would overwrite the checkpoint.
    None of petseg's backbones does: the weights after ``init_weights`` are the file's."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmseg.registry import MODELS

    init_default_scope('mmseg')
    backbone = dict(Config.fromfile(str(config)).model.backbone)
    backbone.pop('init_cfg')
    reference = MODELS.build(backbone)
    torch.manual_seed(1)
    for parameter in reference.parameters():
        parameter.data.normal_()
    path = tmp_path / 'weights.pth'
    torch.save({'state_dict': reference.state_dict()}, path)
    loaded = MODELS.build(
        {**backbone, 'init_cfg': dict(type='PretrainedOrScratch', checkpoint=str(path))}
    )
    loaded.init_weights()
    for (name, want), got in zip(reference.state_dict().items(), loaded.state_dict().values()):
        assert torch.equal(want, got), name
