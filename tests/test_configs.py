"""Every config outside _base_ builds its model and its three datasets."""

from __future__ import annotations

from pathlib import Path

import numpy as np
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
    'hyp5_unet_s5_scratch',
    'hyp6_segformer_b0_tversky',
    'hyp7_deeplabv3p_r50_focal_dice',
    'hyp8_upernet_swin_t',
    'hyp9_segformer_b0_binary',
}
# No pretrained weights exist for mmseg's UNet: hyp5 is from scratch by design.
FROM_SCRATCH = {'hyp5_unet_s5_scratch'}
BINARY = {'hyp9_segformer_b0_binary'}
HYP5_MAX_PARAMS = 2_500_000


def _config(stem: str) -> Config:
    return Config.fromfile(str(next(p for p in CONFIGS if p.stem == stem)))


def _build_model(cfg: Config):
    from mmseg.registry import MODELS

    init_default_scope('mmseg')
    model = revert_sync_batchnorm(MODELS.build(cfg.model))
    model.init_weights()
    return model


def test_the_hypotheses_exist():
    assert {p.stem for p in CONFIGS} == EXPECTED


@pytest.mark.parametrize('config', CONFIGS, ids=lambda p: p.stem)
def test_config_builds_model_and_datasets(config, tiny_dataset):
    import torch
    from mmseg.registry import DATASETS

    num_classes = 2 if config.stem in BINARY else 3
    cfg = Config.fromfile(str(config))
    cfg.merge_from_dict(cpu_quick_options(cfg, crop=64))
    set_data_root(cfg, str(tiny_dataset))
    model = _build_model(cfg)
    assert model.decode_head.num_classes == num_classes
    if getattr(model, 'auxiliary_head', None) is not None:
        assert model.auxiliary_head.num_classes == num_classes
    model.eval()
    with torch.no_grad():
        logits = model(torch.zeros(1, 3, 64, 64), mode='tensor')
    assert logits.shape[1] == num_classes
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = DATASETS.build(cfg[loader].dataset)
        assert len(dataset) > 0
        assert len(dataset.metainfo['classes']) == num_classes
        sample = dataset[0]
        assert set(sample) == {'inputs', 'data_samples'}
        assert set(sample['data_samples'].gt_sem_seg.data.unique().tolist()) <= {
            *range(num_classes),
            255,
        }


def test_config_keeps_pretrained_weights_for_real_users():
    assert FROM_SCRATCH <= EXPECTED
    for config in CONFIGS:
        cfg = Config.fromfile(str(config))
        init = cfg.model.backbone.get('init_cfg')
        if config.stem in FROM_SCRATCH:  # from scratch on purpose: no weights to download
            assert init is None and cfg.model.get('pretrained') is None, config.stem
            continue
        assert init['type'] == 'PretrainedOrScratch', config.stem
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
    cross_entropy_dice = ['WeightedCrossEntropyLoss', 'SoftmaxDiceLoss']
    assert [d['type'] for d in loss['hyp5_unet_s5_scratch']] == cross_entropy_dice
    tversky = loss['hyp6_segformer_b0_tversky']
    assert (tversky['type'], tversky['alpha'], tversky['beta']) == ('TverskyLoss', 0.5, 0.5)
    focal, dice = loss['hyp7_deeplabv3p_r50_focal_dice']
    assert (focal['type'], focal['gamma'], dice['type']) == (
        'SoftmaxFocalLoss',
        2.0,
        'SoftmaxDiceLoss',
    )
    assert [d['type'] for d in loss['hyp8_upernet_swin_t']] == cross_entropy_dice
    assert [d['type'] for d in loss['hyp9_segformer_b0_binary']] == cross_entropy_dice
    hyp5, hyp7 = _config('hyp5_unet_s5_scratch'), _config('hyp7_deeplabv3p_r50_focal_dice')
    assert hyp5.model.backbone.type == 'UNet' and hyp5.model.backbone.base_channels == 16
    assert hyp7.model.backbone == hyp4.model.backbone
    assert hyp7.model.auxiliary_head == hyp4.model.auxiliary_head
    hyp8 = _config('hyp8_upernet_swin_t')
    assert hyp8.model.backbone.type == 'SwinTransformerOrScratch'
    assert (hyp8.model.backbone.embed_dims, hyp8.model.backbone.depths) == (96, [2, 2, 6, 2])
    assert 'swin_tiny_patch4_window7_224' in hyp8.model.backbone.init_cfg.checkpoint
    assert hyp8.model.decode_head.type == 'UPerHead'
    assert hyp8.model.auxiliary_head.num_classes == 3
    hyp9 = _config('hyp9_segformer_b0_binary')
    assert hyp9.model.backbone == _config('hyp1_segformer_b0').model.backbone


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


def test_hyp5_unet_has_at_most_2_5_million_parameters():
    cfg = _config('hyp5_unet_s5_scratch')
    model = _build_model(cfg)
    total = sum(p.numel() for p in model.parameters())  # backbone, decode and auxiliary heads
    assert total <= HYP5_MAX_PARAMS
    assert total == 1_819_318


@pytest.mark.parametrize('stem', ['hyp5_unet_s5_scratch', 'hyp8_upernet_swin_t'])
def test_prediction_of_an_image_whose_sides_are_not_multiples_of_16(stem):
    """Real photos resize to 256 x N (aspect kept); the UNet pads them to a multiple of 16."""
    import torch
    from mmseg.structures import SegDataSample

    cfg = _config(stem)
    cfg.merge_from_dict(cpu_quick_options(cfg, crop=64))
    model = _build_model(cfg).eval()
    shape = (43, 70)
    image = torch.randint(0, 256, (3, *shape), dtype=torch.uint8)
    sample = SegDataSample(metainfo=dict(ori_shape=shape, img_shape=shape))
    with torch.no_grad():
        (result,) = model.test_step(dict(inputs=[image], data_samples=[sample]))
    assert tuple(result.pred_sem_seg.data.shape) == (1, *shape)


def test_binary_dataset_base_merges_pets_in_both_pipelines():
    from practicum_work.core.classes import BINARY_CLASSES, BINARY_PALETTE

    cfg = _config('hyp9_segformer_b0_binary')
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        dataset = cfg[loader].dataset
        assert tuple(dataset.metainfo['classes']) == BINARY_CLASSES
        assert [tuple(c) for c in dataset.metainfo['palette']] == list(BINARY_PALETTE)
        types = [step['type'] for step in dataset.pipeline]
        assert types.index('MergePetClasses') > types.index('LoadAnnotations')
        assert types[-2:] == ['MergePetClasses', 'PackSegInputs']
    # The CPU recipe's indices still hold.
    assert cfg.train_dataloader.dataset.pipeline[4]['type'] == 'RandomCrop'
    assert cfg.val_dataloader.dataset.pipeline[1]['type'] == 'Resize'
    assert cfg.model.decode_head.num_classes == 2


def _binary_samples(data_root: Path, loader: str) -> list:
    from mmseg.registry import DATASETS

    cfg = _config('hyp9_segformer_b0_binary')
    cfg.merge_from_dict(cpu_quick_options(cfg, crop=64))
    set_data_root(cfg, str(data_root))
    init_default_scope('mmseg')
    dataset = DATASETS.build(cfg[loader].dataset)
    return [dataset[i]['data_samples'] for i in range(len(dataset))]


def test_binary_dataset_on_oxford_data_converted_with_border_ignore(tmp_path):
    """`petseg convert-oxford-pet --border ignore` masks (0, 1|2, 255) work unchanged."""
    import cv2

    from practicum_work.data.oxford_pet import convert_oxford_pet
    from tests.data.test_oxford_pet import make_oxford_fixture

    oxford = make_oxford_fixture(tmp_path / 'oxford-iiit-pet')
    out = tmp_path / 'oxford_pets'
    convert_oxford_pet(oxford, out, size=64, border='ignore', val_fraction=0.34, workers=1,
                       show_progress=False)  # fmt: skip
    on_disk = {
        int(v)
        for path in (out / 'labels').rglob('*.png')
        for v in np.unique(cv2.imread(str(path), cv2.IMREAD_UNCHANGED))
    }
    assert on_disk == {0, 1, 2, 255}  # cats and dogs on disk, border ignored
    for loader in ('val_dataloader', 'test_dataloader'):
        for sample in _binary_samples(out, loader):
            values = set(sample.gt_sem_seg.data.unique().tolist())
            assert values == {0, 1, 255}, sample.seg_map_path
    train = _binary_samples(out, 'train_dataloader')
    assert set().union(*(s.gt_sem_seg.data.unique().tolist() for s in train)) <= {0, 1, 255}
    # The masks on disk are untouched.
    after = {
        int(v)
        for path in (out / 'labels').rglob('*.png')
        for v in np.unique(cv2.imread(str(path), cv2.IMREAD_UNCHANGED))
    }
    assert after == on_disk
