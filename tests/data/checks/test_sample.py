"""The pair as the checks see it: read once, full-resolution grey levels, class ids."""

from __future__ import annotations

import cv2
import numpy as np
from PIL import Image

from practicum_work.core.image_io import decoded_rgb
from practicum_work.data.checks.sample import COLOUR, NON_INTEGER, class_ids, read_pair
from practicum_work.data.checks.settings import CheckSettings


def test_a_jpeg_gives_full_resolution_grey_levels_or_its_colours(tmp_path):
    rng = np.random.default_rng(0)
    image = rng.integers(0, 256, (48, 80, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / 'a.jpg'), image)
    cv2.imwrite(str(tmp_path / 'a.png'), np.zeros((48, 80), np.uint8))
    files = (str(tmp_path), 'train', 'a', str(tmp_path / 'a.jpg'), str(tmp_path / 'a.png'))
    grey = read_pair(*files, CheckSettings())
    assert grey.luma.shape == (48, 80) and grey.image.size == (80, 48)
    assert grey.image.mode == 'RGB' and grey.value_counts == {0: 48 * 80}
    colour = read_pair(*files, CheckSettings(), colour=True)
    pil = np.asarray(Image.open(tmp_path / 'a.jpg').convert('RGB'))
    assert np.array_equal(decoded_rgb(colour.image), pil)  # the same pixels as PIL's decode
    assert np.abs(colour.luma.astype(int) - grey.luma).mean() < 2  # Y decoded vs converted


def test_class_ids_of_each_mask_form():
    from practicum_work.core.image_io import Decoded

    ids = np.array([[0, 1], [2, 255]], np.uint8)
    assert class_ids(Decoded(ids, 2, 2, 'L'))[0] is ids
    same = class_ids(Decoded(np.dstack([ids] * 3), 2, 2, 'RGB'))[0]
    assert np.array_equal(same, ids)
    assert class_ids(Decoded(np.dstack([ids, ids * 0, ids]), 2, 2, 'RGB')) == (None, COLOUR)
    assert class_ids(Decoded(ids.astype(np.float32) + 0.5, 2, 2, 'F')) == (None, NON_INTEGER)
    assert np.array_equal(class_ids(Decoded(ids.astype(np.float32), 2, 2, 'F'))[0], ids)
