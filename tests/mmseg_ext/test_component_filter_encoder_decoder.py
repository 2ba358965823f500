"""ComponentFilterEncoderDecoder: the configs' segmentor filters small blobs in predictions."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from practicum_work.mmseg_ext.segmentors.small_components import remove_small_components
from tests.conftest import CONFIGS, HYP1


def _build(min_area):
    from mmseg.registry import MODELS

    cfg = Config.fromfile(HYP1)
    cfg.model.backbone.init_cfg = None
    cfg.model.test_cfg.min_component_area = min_area
    init_default_scope('mmseg')
    return MODELS.build(cfg.model).eval()


@pytest.fixture(scope='module')
def model():
    return _build(0)


def _with_min_area(model, min_area):
    model.test_cfg['min_component_area'] = min_area
    return model


def _logits_and_samples():
    """Logits whose argmax is a 1-px cat in the background and a 3x3 dog, on an 8x8 image."""
    from mmseg.structures import SegDataSample

    logits = torch.zeros(1, 3, 8, 8)
    logits[0, 0] = 1.0
    logits[0, 1, 1, 1] = 5.0  # 1-px cat
    logits[0, 2, 4:7, 4:7] = 5.0  # 9-px dog
    sample = SegDataSample(
        metainfo=dict(ori_shape=(8, 8), img_shape=(8, 8), pad_shape=(8, 8), padding_size=[0] * 4)
    )
    return logits, [sample]


def test_every_config_uses_the_filter_segmentor_switched_off():
    for config in CONFIGS:
        cfg = Config.fromfile(str(config))
        assert cfg.model.type == 'ComponentFilterEncoderDecoder', config.stem
        assert cfg.model.test_cfg.min_component_area == 0, config.stem
        assert cfg.model.test_cfg.mode == 'whole', config.stem


def test_postprocess_result_removes_small_blobs_and_keeps_logits(model):
    _with_min_area(model, 4)
    logits, samples = _logits_and_samples()
    (result,) = model.postprocess_result(logits.clone(), samples)
    pred = result.pred_sem_seg.data[0].numpy()
    raw = logits[0].argmax(0).numpy()
    assert raw[1, 1] == 1 and pred[1, 1] == 0  # the 1-px cat is gone
    assert (pred[4:7, 4:7] == 2).all()  # the 9-px dog stays
    assert (pred == remove_small_components(raw, 4)).all()  # the same function as the CLI
    assert torch.equal(result.seg_logits.data, logits[0])  # logits untouched


@pytest.mark.parametrize('min_area', [0, [0, 0, 0]])
def test_filter_off_is_plain_argmax(model, min_area):
    _with_min_area(model, min_area)
    logits, samples = _logits_and_samples()
    (result,) = model.postprocess_result(logits, samples)
    assert (result.pred_sem_seg.data[0].numpy() == logits[0].argmax(0).numpy()).all()


def test_per_class_list_and_bad_values(model):
    _with_min_area(model, [0, 0, 10])  # dogs under 10 px only: the 9-px dog goes, the cat stays
    logits, samples = _logits_and_samples()
    (result,) = model.postprocess_result(logits, samples)
    pred = result.pred_sem_seg.data[0].numpy()
    assert pred[1, 1] == 1 and not (pred == 2).any()
    with pytest.raises(ValueError, match='one value per class'):
        _build([1, 2])


def test_checkpoint_weights_are_plain_encoder_decoder_weights(model):
    from mmseg.models.segmentors import EncoderDecoder

    assert isinstance(model, EncoderDecoder)
    cfg = Config.fromfile(HYP1)
    cfg.model.type = 'EncoderDecoder'
    cfg.model.backbone.init_cfg = None
    cfg.model.test_cfg.pop('min_component_area')
    from mmseg.registry import MODELS

    plain = MODELS.build(cfg.model)
    assert plain.state_dict().keys() == model.state_dict().keys()
    assert np.all([plain.state_dict()[k].shape == v.shape for k, v in model.state_dict().items()])


def _inferencer_prediction(checkpoint, image: str, min_area) -> np.ndarray:
    from mmseg.apis import MMSegInferencer

    cfg = Config.fromfile(HYP1)
    cfg.model.test_cfg.min_component_area = min_area
    cfg.test_dataloader.dataset.pipeline[1].scale = (64, 64)
    inferencer = MMSegInferencer(model=cfg, weights=str(checkpoint), device='cpu')
    return np.asarray(inferencer(image)['predictions'])


@pytest.mark.slow
def test_mmseg_inferencer_applies_the_config_filter(hyp1_run, tiny_dataset):
    """Plain MMSegInferencer: the config's min_component_area is all it takes."""
    import cv2

    checkpoint = hyp1_run / 'iter_4.pth'
    image = str(sorted((tiny_dataset / 'img/test').glob('*.jpg'))[0])
    raw = _inferencer_prediction(checkpoint, image, 0)
    assert raw.shape == (64, 64)
    areas = []
    for cls in (1, 2):
        n, _, stats, _ = cv2.connectedComponentsWithStats((raw == cls).astype(np.uint8))
        areas += stats[1:n, cv2.CC_STAT_AREA].tolist()
    assert areas, 'the tiny model predicts no cat or dog here; the check needs one'
    min_area = min(areas) + 1  # removes at least the smallest blob
    filtered = _inferencer_prediction(checkpoint, image, min_area)
    assert (filtered != raw).any()
    assert (filtered == remove_small_components(raw, min_area)).all()
