"""Every config outside _base_ builds its model and its three datasets."""

from __future__ import annotations

import pytest
from mmengine.config import Config
from mmengine.model import revert_sync_batchnorm
from mmengine.registry import init_default_scope

from practicum_work.core.config import cpu_quick_options, set_data_root
from tests.conftest import CONFIGS

EXPECTED = {
    'hyp1_segformer_b0',
    'hyp2_segformer_b0_wce',
    'hyp3_segformer_b0_wce_soft',
    'hyp4_deeplabv3p_r50',
}


def test_the_four_hypotheses_exist():
    assert {p.stem for p in CONFIGS} == EXPECTED


@pytest.mark.parametrize('config', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_model_and_datasets(config, tiny_dataset):
    import torch
    from mmseg.registry import DATASETS, MODELS

    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(cpu_quick_options(cfg, crop=64))
    set_data_root(cfg, str(tiny_dataset))
    init_default_scope('mmseg')
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    model.init_weights()
    assert model.decode_head.num_classes == 3
    model.eval()
    with torch.no_grad():
        logits = model(torch.zeros(1, 3, 64, 64), mode='tensor')
    assert logits.shape[1] == 3
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = DATASETS.build(cfg[loader].dataset)
        assert len(dataset) > 0
        sample = dataset[0]
        assert set(sample) == {'inputs', 'data_samples'}


def test_config_keeps_pretrained_weights_for_real_users():
    for config in CONFIGS:
        cfg = Config.fromfile(str(config))
        init = cfg.model.backbone.init_cfg
        assert init['type'] == 'Pretrained', config.stem
        assert init['checkpoint'].startswith(('https://', 'open-mmlab://')), config.stem


def test_hypotheses_change_what_they_claim():
    loss = {p.stem: Config.fromfile(str(p)).model.decode_head.loss_decode for p in CONFIGS}
    assert [d['type'] for d in loss['hyp1_segformer_b0']] == [
        'WeightedCrossEntropyLoss',
        'SoftmaxDiceLoss',
    ]
    assert loss['hyp2_segformer_b0_wce']['class_weight'] == [0.073, 1.3322, 1.5948]
    assert loss['hyp3_segformer_b0_wce_soft']['class_weight'] == [0.3017, 1.2885, 1.4098]
    hyp4 = Config.fromfile(str(next(p for p in CONFIGS if p.stem == 'hyp4_deeplabv3p_r50')))
    assert hyp4.model.backbone.type == 'ResNetV1c' and hyp4.model.backbone.depth == 50
    assert hyp4.model.decode_head.type == 'DepthwiseSeparableASPPHead'


def test_data_root_option_reaches_all_dataloaders():
    cfg = Config.fromfile(str(CONFIGS[0]))
    set_data_root(cfg, 'data/other')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        assert cfg[loader].dataset.data_root == 'data/other'


@pytest.mark.parametrize('config', CONFIGS, ids=lambda p: p.stem)
def test_short_run_scales_every_scheduler(config):
    from practicum_work.core.config import short_run_options

    options = short_run_options(config, iters=300, lr=1e-3)
    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(options)
    assert cfg.train_cfg.max_iters == 300
    assert cfg.optim_wrapper.optimizer.lr == 1e-3
    ends = [s['end'] for s in cfg.param_scheduler]
    assert max(ends) == 300 and all(s['begin'] < s['end'] for s in cfg.param_scheduler)
    if len(cfg.param_scheduler) == 2:  # SegFormer: warm-up then poly, back to back
        assert cfg.param_scheduler[0]['end'] == cfg.param_scheduler[1]['begin'] == 15
