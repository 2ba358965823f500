"""The imagenet classifier's plumbing, with a tiny timm model and its saved random weights."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

from practicum_work.cli import main
from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix import species_classifier_imagenet as imagenet

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
    reliability = plan['classifier']['reliability']
    assert reliability['measures']['agreement'] == plan['classifier']['agreement_with_labels']
    assert reliability['measures']['agreement'] < 0.8
    assert not plan['classifier']['reliable'] and 'agrees with only' in reliability['failed'][0]
    swapped = [i for i in plan['items'] if {'type': 'swap_species'} in i['changes']]
    assert swapped == []


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


def _plan_argv(dataset, plan_dir) -> list[str]:
    return ['fix-labels', '--data-root', str(dataset), '--dry-run', '--workers', '1',
            '--plan-dir', str(plan_dir)]  # fmt: skip


def test_auto_takes_imagenet_when_a_weights_file_is_given(tiny_weights, toy_dataset, tmp_path,
                                                          capsys):  # fmt: skip
    argv = [*_plan_argv(toy_dataset, tmp_path / 'p'), '--weights', str(tiny_weights)]
    assert main([*argv, '--imagenet-model', TINY]) == 0  # --classifier auto is the default
    plan = json.loads((tmp_path / 'p' / 'plan.json').read_text())
    assert plan['classifier']['requested'] == 'auto' and plan['classifier']['used'] == 'imagenet'
    assert f'classifier: auto -> imagenet (weights file {tiny_weights})' in capsys.readouterr().out


def test_auto_without_weights_uses_self_and_says_why(toy_dataset, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(imagenet, 'hub_reachable', lambda timeout=3.0: False)
    monkeypatch.setattr(imagenet, 'cached_weights', lambda name: None)
    assert main(_plan_argv(toy_dataset, tmp_path / 'p')) == 0
    plan = json.loads((tmp_path / 'p' / 'plan.json').read_text())
    assert (
        plan['classifier']['used'] == 'self' and 'auto chose self' in plan['classifier']['fallback']
    )
    lines = [line for line in capsys.readouterr().out.splitlines() if 'classifier: auto' in line]
    assert lines == [
        'classifier: auto -> self (no ImageNet weights: no --weights file, '
        "convnext_tiny.fb_in22k_ft_in1k is not in timm's cache and the Hugging Face hub cannot "
        'be reached)'
    ]


def test_auto_finds_weights_in_timms_cache_without_network(toy_dataset, tmp_path):
    """Weights in the Hugging Face cache (as a first online run leaves them) are used offline."""
    import os

    import timm
    from safetensors.torch import save_file

    from tests.conftest import run_tool

    repo = tmp_path / 'hub' / 'models--timm--test_resnet.r160_in1k'
    revision = '0' * 40
    (repo / 'refs').mkdir(parents=True)
    (repo / 'refs' / 'main').write_text(revision)
    (repo / 'snapshots' / revision).mkdir(parents=True)
    state = {k: v.contiguous() for k, v in timm.create_model(TINY).state_dict().items()}
    save_file(state, repo / 'snapshots' / revision / 'model.safetensors')
    env = dict(os.environ, HF_HUB_CACHE=str(tmp_path / 'hub'), HF_HUB_OFFLINE='1')
    argv = [*_plan_argv(toy_dataset, tmp_path / 'p'), '--imagenet-model', TINY]
    done = run_tool('-m', 'practicum_work.cli', *argv, env=env)
    assert done.returncode == 0, done.stderr
    assert "classifier: auto -> imagenet (test_resnet weights in timm's cache" in done.stdout
    plan = json.loads((tmp_path / 'p' / 'plan.json').read_text())
    assert plan['classifier']['used'] == 'imagenet'
