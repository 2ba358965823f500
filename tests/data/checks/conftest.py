"""Helpers for the check tests: write a pair, read it once, run one check on it."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.data.checks.sample import PairSample, read_pair
from practicum_work.data.checks.settings import CheckSettings


def labels_with(foreground: int = 400, value: int = 1, shape=(64, 64)) -> np.ndarray:
    """A mask holding ``foreground`` pixels of ``value``, the rest background."""
    mask = np.zeros(shape, np.uint8)
    mask.ravel()[:foreground] = value
    return mask


@pytest.fixture
def labels():
    """:func:`labels_with` as a fixture."""
    return labels_with


@pytest.fixture
def pair(tmp_path):
    """``pair(mask, image=None, stem='s', settings=None) -> PairSample``: files written, read.

    Files go to ``img/`` and ``labels/`` under ``tmp_path``. ``mask`` and ``image`` are arrays
    (written with OpenCV: BGR order), PIL images, ``bytes`` (written as they are) or None (no
    such file); by default the image is a grey JPEG.
    """

    def write(value, path: Path) -> str | None:
        if value is None:
            return None
        if isinstance(value, bytes):
            path.write_bytes(value)
        elif isinstance(value, Image.Image):
            value.save(path)
        else:
            assert cv2.imwrite(str(path), value)
        return str(path)

    def make(mask, image='grey', stem='s', settings=None, image_suffix='.jpg') -> PairSample:
        if isinstance(image, str) and image == 'grey':
            shape = mask.size[::-1] if isinstance(mask, Image.Image) else mask.shape[:2]
            image = np.full((*shape, 3), 120, np.uint8)
        for folder in ('img', 'labels'):
            (tmp_path / folder).mkdir(exist_ok=True)
        image_path = write(image, tmp_path / 'img' / f'{stem}{image_suffix}')
        mask_path = write(mask, tmp_path / 'labels' / f'{stem}.png')
        return read_pair(
            str(tmp_path), 'train', stem, image_path, mask_path, settings or CheckSettings()
        )

    return make


@pytest.fixture
def run_check():
    """``run_check(check_class, sample) -> (sorted kinds, findings, measure)``."""

    def run(check, sample):
        found = []
        measure = check().on_pair(sample, found)
        return sorted(f.kind for f in found), found, measure

    return run
