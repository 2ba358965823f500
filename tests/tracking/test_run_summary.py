"""Flat hyperparameters, tags and names from the real hypothesis configs."""

from __future__ import annotations

import pytest
from mmengine.config import Config

from practicum_work.tracking.run_summary import (
    config_name,
    describe_losses,
    describe_schedule,
    git_commit,
    hyperparameters,
    run_tags,
)
from tests.conftest import REPO_ROOT

CONFIGS = REPO_ROOT / 'configs'


@pytest.fixture(scope='module')
def hyp1():
    return Config.fromfile(str(CONFIGS / 'hyp1_segformer_b0.py'))


@pytest.fixture(scope='module')
def hyp4():
    return Config.fromfile(str(CONFIGS / 'hyp4_deeplabv3p_r50.py'))


def test_segformer_hyperparameters(hyp1):
    params = hyperparameters(hyp1)
    assert params['config'] == 'hyp1_segformer_b0'
    assert (params['model.backbone'], params['model.decode_head']) == (
        'MixVisionTransformer',
        'SegformerHead',
    )
    assert params['loss.decode'] == 'WeightedCrossEntropyLoss x1.0 + SoftmaxDiceLoss x1.0'
    assert params['loss.decode.class_weight'] == 'none'
    assert (params['optimizer'], params['optimizer.lr']) == ('AdamW', 6e-05)
    assert params['optimizer.lr_mult'] == 'head x10.0'
    assert params['schedule.lr'] == 'LinearLR[0,200) -> PolyLR[200,4000) power=1.0'
    assert (params['schedule.max_iters'], params['data.batch_size']) == (4000, 8)
    assert (params['data.crop'], params['data.root'], params['seed']) == (
        '256x256',
        'data/pets_demo',
        0,
    )
    assert params['model.backbone.pretrained'] is True
    assert all(isinstance(v, str | int | float | bool) for v in params.values())  # flat


def test_deeplab_hyperparameters_include_aux_head_and_momentum(hyp4):
    params = hyperparameters(hyp4)
    assert params['model.auxiliary_head'] == 'FCNHead'
    assert params['loss.auxiliary'] == 'WeightedCrossEntropyLoss x0.4'
    assert (params['optimizer'], params['optimizer.momentum']) == ('SGD', 0.9)


def test_class_weights_and_overrides_are_read_from_the_merged_config(hyp1):
    cfg = Config.fromfile(str(CONFIGS / 'hyp3_segformer_b0_wce_soft.py'))
    cfg.merge_from_dict({'train_dataloader.batch_size': 2, 'randomness.seed': 7})
    params = hyperparameters(cfg)
    assert params['loss.decode.class_weight'] == '[0.3017, 1.2885, 1.4098]'
    assert (params['data.batch_size'], params['seed']) == (2, 7)


def test_tags_and_name(hyp4):
    assert config_name(hyp4) == 'hyp4_deeplabv3p_r50'
    assert run_tags(hyp4, ['extra', 'hyp4']) == [
        'hyp4',
        'ResNetV1c+DepthwiseSeparableASPPHead',
        'pets_demo',
        'extra',
    ]


def test_describe_helpers_on_edge_cases():
    assert describe_losses(None) == ('none', 'none')
    assert describe_losses(dict(type='L', class_weight=[1, 2])) == ('L x1.0', '[1, 2]')
    assert describe_schedule([]) == 'constant'


def test_git_commit_of_this_checkout_and_of_a_non_repo(tmp_path):
    commit = git_commit()
    assert len(commit.split('-')[0]) == 40
    assert git_commit(tmp_path) == 'unknown'
