"""The imagenet classifier's plumbing, with a tiny timm model and its saved random weights."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from practicum_work.cli import main
from practicum_work.data.label_fix import species_classifier_imagenet as imagenet
from practicum_work.errors import PetsegError

TINY = 'test_resnet'  # timm's 0.5 M-parameter test network with a 1000-class head


@pytest.fixture(scope='module')
def tiny_weights(tmp_path_factory):
    import timm
    import torch

    path = tmp_path_factory.mktemp('weights') / 'test_resnet.pth'
    torch.manual_seed(0)
    torch.save(timm.create_model(TINY, pretrained=False).state_dict(), path)
    return path


def test_weights_file_is_loaded_and_regions_are_judged(tiny_weights, toy_dataset, tmp_path):
    classifier = imagenet.load_imagenet_classifier(TINY, tiny_weights)
    assert classifier.weights == str(tiny_weights) and classifier.input_size > 0
    argv = ['fix-labels', '--data-root', str(toy_dataset), '--dry-run', '--workers', '1']
    argv += ['--plan-dir', str(tmp_path / 'plan'), '--classifier', 'imagenet']
    assert main([*argv, '--weights', str(tiny_weights), '--imagenet-model', TINY]) == 0
    plan = json.loads((tmp_path / 'plan' / 'plan.json').read_text())
    assert plan['classifier']['used'] == 'imagenet' and plan['classifier']['model'] == TINY
    assert plan['classifier']['weights'] == str(tiny_weights)
    assert plan['settings']['swap_threshold'] == 0.9
    evidence = [r for i in plan['items'] for r in i['evidence'].get('species', [])]
    assert len(evidence) == 38  # one animal per toy image
    for region in evidence:
        assert 0.0 <= region['p_dog'] <= 1.0 and 0.0 <= region['p_cat_or_dog'] <= 1.0
        assert 'judged_by_fold' not in region
    # Random weights agree with the labels about half the time: nothing may be swapped then.
    agreement = plan['classifier']['agreement_with_labels']
    assert plan['classifier']['reliable'] == (agreement >= 0.65)
    swapped = [i for i in plan['items'] if {'type': 'swap_species'} in i['changes']]
    assert plan['classifier']['reliable'] or swapped == []


def test_imagenet_class_ranges():
    assert (imagenet.IMAGENET_DOG_CLASSES.start, imagenet.IMAGENET_DOG_CLASSES.stop) == (151, 269)
    assert list(imagenet.IMAGENET_CAT_CLASSES) == [281, 282, 283, 284, 285]


def test_cat_and_dog_mass_make_p_dog(monkeypatch, tmp_path):
    import torch

    class Fixed(torch.nn.Module):
        def forward(self, x):
            logits = torch.full((x.shape[0], 1000), -30.0)
            logits[:, 151] = 0.0  # one dog class
            logits[:, 281:284] = 0.0  # three cat classes
            logits[:, 0] = np.log(4.0)  # a non-animal class with 4x the mass
            return logits

    classifier = imagenet.ImagenetClassifier(Fixed(), 'fixed', 'none', 32, (0.5,) * 3, (0.5,) * 3)
    import cv2

    from practicum_work.data.label_fix.regions import SpeciesRegion

    cv2.imwrite(str(tmp_path / 'a.jpg'), np.zeros((40, 40, 3), np.uint8))
    region = SpeciesRegion(1, 100, (5, 5, 20, 20), 'image')
    judgement = imagenet.judge_species_imagenet(classifier, tmp_path, [('a.jpg', [region])])
    assert judgement.p_dog[0] == pytest.approx(0.25)
    assert judgement.p_animal[0] == pytest.approx(0.5)
    assert judgement.fold is None


def test_bad_weights_and_unknown_models_are_clear_errors(tiny_weights, tmp_path):
    with pytest.raises(PetsegError, match='does not exist'):
        imagenet.load_imagenet_classifier(TINY, tmp_path / 'nope.pth')
    with pytest.raises(PetsegError, match='does not fit timm model'):
        imagenet.load_imagenet_classifier('test_vit', tiny_weights)
    with pytest.raises(PetsegError, match='timm has no model'):
        imagenet.load_imagenet_classifier('no_such_model_xyz', None)


def test_unreachable_hub_fails_fast_with_one_clear_reason(monkeypatch, tmp_path):
    from huggingface_hub import constants

    monkeypatch.setattr(imagenet, 'hub_reachable', lambda timeout=3.0: False)
    monkeypatch.setattr(constants, 'HF_HUB_CACHE', str(tmp_path / 'empty_cache'))
    offline_before = constants.HF_HUB_OFFLINE
    start = time.perf_counter()
    with pytest.raises(imagenet.WeightsUnavailableError, match='cannot be reached'):
        imagenet.load_imagenet_classifier(TINY, None)
    assert time.perf_counter() - start < 20  # no minute of download retries
    assert offline_before == constants.HF_HUB_OFFLINE  # the hub setting is restored
