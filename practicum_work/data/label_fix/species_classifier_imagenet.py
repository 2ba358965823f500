"""The ``imagenet`` species classifier: a timm ImageNet model, cat and dog classes summed.

ImageNet-1k classes 151-268 are dog breeds and 281-285 domestic cats; P(dog) is the dog mass
over the dog + cat mass of the softmax on a square crop around the region (with its context,
as ImageNet photos have). ``P(animal)`` (the cat + dog mass) travels as evidence: a region the
model does not see as a cat or dog at all is never swapped on its word. Weights come from
timm's hub (pretrained=True) or a local file (``--weights``); where neither can be had the
caller falls back to the ``self`` classifier (:class:`WeightsUnavailableError`).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np

from practicum_work.core.errors import PetsegError
from practicum_work.core.image_io import read_image_rgb
from practicum_work.data.label_fix.regions import SpeciesRegion, square_crop
from practicum_work.data.label_fix.species_classifier_self import SpeciesJudgement

IMAGENET_DOG_CLASSES = range(151, 269)
IMAGENET_CAT_CLASSES = range(281, 286)
DEFAULT_MODEL = 'convnext_tiny.fb_in22k_ft_in1k'
CROP_MARGIN = 0.15


class WeightsUnavailableError(RuntimeError):
    """Pretrained weights could not be downloaded (no network, no hub access)."""


@dataclass
class ImagenetClassifier:
    """A loaded timm model and the input size and normalisation it expects."""

    model: object
    name: str
    weights: str
    input_size: int
    mean: tuple[float, float, float]
    std: tuple[float, float, float]


def hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hugging Face hub (timm's weight store) answers a TCP connection quickly."""
    from huggingface_hub import constants

    if constants.HF_HUB_OFFLINE:
        return False
    url = urlparse(constants.ENDPOINT)
    port = url.port or (443 if url.scheme == 'https' else 80)
    try:
        socket.create_connection((url.hostname, port), timeout=timeout).close()
    except OSError:
        return False
    return True


@contextmanager
def _hub_offline(offline: bool) -> Iterator[None]:
    """Cache-only hub access while ``offline`` (no minute of retries when there is no network)."""
    from huggingface_hub import constants

    saved = constants.HF_HUB_OFFLINE
    constants.HF_HUB_OFFLINE = saved or offline
    try:
        yield
    finally:
        constants.HF_HUB_OFFLINE = saved


@contextmanager
def _quiet_hub_logs() -> Iterator[None]:
    logger = logging.getLogger('huggingface_hub')
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def cached_weights(model_name: str) -> Path | None:
    """The pretrained weights of ``model_name`` if timm's caches hold them (no network)."""
    import timm
    import torch
    from huggingface_hub import try_to_load_from_cache

    config = timm.models.get_pretrained_cfg(model_name)
    if config is None:
        return None
    if config.hf_hub_id:
        for filename in ('model.safetensors', 'pytorch_model.bin'):
            path = try_to_load_from_cache(config.hf_hub_id, filename)
            if isinstance(path, str):
                return Path(path)
    if config.url:
        path = Path(torch.hub.get_dir()) / 'checkpoints' / Path(urlparse(config.url).path).name
        if path.is_file():
            return path
    return None


def weights_availability(model_name: str, weights: str | Path | None) -> tuple[bool, str]:
    """Whether ImageNet weights for ``model_name`` can be had, and where from (one phrase)."""
    if weights is not None:
        return True, f'weights file {weights}'
    cached = cached_weights(model_name)
    if cached is not None:
        return True, f"{model_name} weights in timm's cache ({cached})"
    if hub_reachable():
        return True, f'the Hugging Face hub is reachable for {model_name} weights'
    return False, (
        f"no ImageNet weights: no --weights file, {model_name} is not in timm's cache and the "
        'Hugging Face hub cannot be reached'
    )


def load_imagenet_classifier(
    model_name: str = DEFAULT_MODEL, weights: str | Path | None = None
) -> ImagenetClassifier:
    """Build ``model_name`` with ImageNet weights from ``weights`` or timm's hub.

    A missing or incompatible weights file raises :class:`PetsegError`; a failed download
    raises :class:`WeightsUnavailableError`.
    """
    import timm

    if not timm.is_model(model_name):
        raise PetsegError(f'timm has no model {model_name!r} (see timm.list_models())')
    if weights is None:
        reachable = hub_reachable()
        try:
            with _hub_offline(not reachable), _quiet_hub_logs():
                model = timm.create_model(model_name, pretrained=True)
        except Exception as err:  # hub, network, cache: no weights to be had
            if not reachable:
                raise WeightsUnavailableError(
                    'the Hugging Face hub cannot be reached and the weights are not cached'
                ) from err
            message = ' '.join(str(err).split())[:200]
            raise WeightsUnavailableError(f'{type(err).__name__}: {message}') from err
        source = f'timm hub ({model_name})'
    else:
        path = Path(weights)
        if not path.is_file():
            raise PetsegError(f'weights file {path} does not exist')
        model = timm.create_model(model_name, pretrained=False)
        try:
            timm.models.load_checkpoint(model, str(path), strict=True)
        except Exception as err:
            message = ' '.join(str(err).split())[:200]
            raise PetsegError(
                f'weights file {path} does not fit timm model {model_name!r} '
                f'({type(err).__name__}: {message})'
            ) from err
        source = str(path)
    if getattr(model, 'num_classes', 1000) != 1000:
        raise PetsegError(f'model {model_name!r} has {model.num_classes} classes, not ImageNet-1k')
    model.eval()
    config = timm.data.resolve_data_config({}, model=model)
    return ImagenetClassifier(
        model=model,
        name=model_name,
        weights=source,
        input_size=int(config['input_size'][-1]),
        mean=tuple(config['mean']),
        std=tuple(config['std']),
    )


def _batches(
    root: Path, items: Iterable[tuple[str, list[SpeciesRegion]]], size: int, batch: int
) -> Iterator[np.ndarray]:
    """Crops (B, S, S, 3) uint8 of every region, image by image, ``batch`` at a time."""
    pending: list[np.ndarray] = []
    for image_rel, regions in items:
        image, _ = read_image_rgb(root / image_rel)
        for region in regions:
            pending.append(square_crop(image, region.bbox, size, CROP_MARGIN))
            if len(pending) == batch:
                yield np.stack(pending)
                pending = []
    if pending:
        yield np.stack(pending)


def judge_species_imagenet(
    classifier: ImagenetClassifier,
    root: Path,
    items: list[tuple[str, list[SpeciesRegion]]],
    batch_size: int = 32,
) -> SpeciesJudgement:
    """P(dog) and P(animal) for every region of ``items`` = [(image path under root, regions)]."""
    import torch

    mean = torch.tensor(classifier.mean).view(1, 3, 1, 1)
    std = torch.tensor(classifier.std).view(1, 3, 1, 1)
    dog_mass, cat_mass = [], []
    with torch.inference_mode():
        for crops in _batches(root, items, classifier.input_size, batch_size):
            x = torch.from_numpy(crops).permute(0, 3, 1, 2).float().div(255.0)
            probs = classifier.model((x - mean) / std).softmax(dim=1)
            dog_mass.append(probs[:, IMAGENET_DOG_CLASSES].sum(1).double().numpy())
            cat_mass.append(probs[:, IMAGENET_CAT_CLASSES].sum(1).double().numpy())
    dog = np.concatenate(dog_mass) if dog_mass else np.zeros(0)
    cat = np.concatenate(cat_mass) if cat_mass else np.zeros(0)
    info = {
        'name': 'imagenet',
        'model': classifier.name,
        'weights': classifier.weights,
        'input_size': classifier.input_size,
        'imagenet_dog_classes': '151-268',
        'imagenet_cat_classes': '281-285',
    }
    return SpeciesJudgement(
        p_dog=dog / np.maximum(dog + cat, 1e-12),
        fold=None,
        info=info,
        p_animal=dog + cat,
    )
