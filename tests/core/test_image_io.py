"""Safe decoding: truncated files are named, masks in RGB/palette/1-bit come back as indices."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.core.image_io import UnreadableFileError, read_image_rgb, read_label_map

MASK = np.array([[0, 1, 2, 255], [2, 2, 1, 0]], np.uint8)


def test_truncated_jpeg_is_unreadable_although_opencv_decodes_it(tmp_path):
    image = np.random.default_rng(0).integers(0, 256, (64, 64, 3), np.uint8)
    path = tmp_path / 'a.jpg'
    cv2.imwrite(str(path), image)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert cv2.imread(str(path)) is not None  # OpenCV returns grey pixels, no error
    with pytest.raises(UnreadableFileError, match='image unreadable'):
        read_image_rgb(path)


def test_grayscale_image_comes_back_rgb_with_its_mode(tmp_path):
    cv2.imwrite(str(tmp_path / 'g.png'), np.full((4, 5), 77, np.uint8))
    rgb, mode = read_image_rgb(tmp_path / 'g.png')
    assert mode == 'L' and rgb.shape == (4, 5, 3) and (rgb == 77).all()


def test_rgb_mask_with_equal_channels_gives_one_channel(tmp_path):
    cv2.imwrite(str(tmp_path / 'm.png'), np.repeat(MASK[..., None], 3, axis=2))
    mask, mode = read_label_map(tmp_path / 'm.png')
    assert mode == 'RGB' and mask.ndim == 2 and np.array_equal(mask, MASK)


def test_palette_mask_gives_indices_not_colours(tmp_path):
    image = Image.frombytes('P', MASK.shape[::-1], MASK.tobytes())
    image.putpalette([v for i in range(256) for v in (255 - i, i, 7)])
    image.save(tmp_path / 'p.png')
    mask, mode = read_label_map(tmp_path / 'p.png')
    assert mode == 'P' and np.array_equal(mask, MASK)


def test_colour_coded_mask_and_garbage_are_refused(tmp_path):
    colours = np.zeros((2, 4, 3), np.uint8)
    colours[0, 1] = (255, 140, 0)
    cv2.imwrite(str(tmp_path / 'c.png'), colours)
    with pytest.raises(UnreadableFileError, match='differing colour channels'):
        read_label_map(tmp_path / 'c.png')
    (tmp_path / 'x.png').write_bytes(b'not a png')
    with pytest.raises(UnreadableFileError, match='mask unreadable'):
        read_label_map(tmp_path / 'x.png')


def test_one_bit_and_sixteen_bit_masks(tmp_path):
    Image.fromarray(MASK == 1).save(tmp_path / 'b.png')
    mask, mode = read_label_map(tmp_path / 'b.png')
    assert mode == '1' and np.array_equal(mask, (MASK == 1).astype(np.uint8))
    wide = MASK.astype(np.uint16)
    wide[0, 0] = 300
    cv2.imwrite(str(tmp_path / 'w.png'), wide)
    mask, _ = read_label_map(tmp_path / 'w.png')
    assert mask[0, 0] == 300 and mask[1, 0] == 2
