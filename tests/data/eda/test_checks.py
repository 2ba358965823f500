"""Per-pair checks on hand-made files with known answers."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.data.eda.checks import PairJob, check_pair, count_values


def _pair(tmp_path, mask, image=None, stem='s', tiny=50):
    shape = mask.size[::-1] if isinstance(mask, Image.Image) else mask.shape[:2]
    image = np.full((*shape, 3), 120, np.uint8) if image is None else image
    cv2.imwrite(str(tmp_path / f'{stem}.jpg'), image)
    if isinstance(mask, Image.Image):
        mask.save(tmp_path / f'{stem}.png')
    else:
        cv2.imwrite(str(tmp_path / f'{stem}.png'), mask)
    job = PairJob(tmp_path, 'train', stem, tmp_path / f'{stem}.jpg', tmp_path / f'{stem}.png', tiny)
    return check_pair(job)


def _types(result):
    return sorted(a.anomaly_type for a in result.anomalies)


def _mask(fg=400, value=1, shape=(64, 64)):
    mask = np.zeros(shape, np.uint8)
    mask.ravel()[:fg] = value
    return mask


def test_a_clean_pair_has_no_findings_and_exact_counts(tmp_path):
    mask = _mask(400)
    mask[-1, -10:] = 255
    result = _pair(tmp_path, mask)
    assert _types(result) == []
    assert result.value_counts == {0: 64 * 64 - 410, 1: 400, 255: 10}
    assert result.image_size == result.mask_size == (64, 64)
    assert result.image_mode == 'RGB' and result.mask_mode == 'L' and result.image_hash


@pytest.mark.parametrize(
    ('fg', 'expected'), [(0, ['empty_mask']), (1, ['tiny_mask']), (50, ['tiny_mask']), (51, [])]
)
def test_empty_and_tiny_masks_at_the_threshold(tmp_path, fg, expected):
    assert _types(_pair(tmp_path, _mask(fg), tiny=50)) == expected


def test_stray_values_and_size_mismatch_are_errors(tmp_path):
    mask = _mask(400)
    mask[30, :5] = 3
    mask[31, :7] = 128
    result = _pair(tmp_path, mask)
    assert _types(result) == ['stray_values']
    assert '3 (5 px)' in result.anomalies[0].message and '128 (7 px)' in result.anomalies[0].message
    assert result.anomalies[0].severity == 'error'
    small = _pair(tmp_path, _mask(400, shape=(32, 48)), image=np.zeros((64, 64, 3), np.uint8))
    assert _types(small) == ['size_mismatch']
    assert 'mask 48x32 but image 64x64' in small.anomalies[0].message


def test_mask_modes(tmp_path):
    labels = _mask(400, value=2)
    palette = Image.frombytes('P', (64, 64), labels.tobytes())
    palette.putpalette([0, 0, 0, 255, 140, 0, 30, 144, 255] + [0] * 759)
    assert _types(_pair(tmp_path, palette, stem='p')) == ['palette_mask']
    assert _pair(tmp_path, palette, stem='p').value_counts == {0: 64 * 64 - 400, 2: 400}
    assert _types(_pair(tmp_path, np.dstack([labels] * 3), stem='rgb')) == ['rgb_mask']
    colour = np.dstack([labels * 100, labels, labels])
    result = _pair(tmp_path, colour, stem='colour')
    assert _types(result) == ['colour_mask'] and result.value_counts is None
    assert _types(_pair(tmp_path, labels.astype(np.uint16), stem='i16')) == ['mask_16bit']
    wide = labels.astype(np.uint16)
    wide[0, 0] = 1000
    assert _types(_pair(tmp_path, wide, stem='w')) == ['mask_16bit', 'stray_values']


def test_image_modes(tmp_path):
    mask = _mask(400)
    gray = np.full((64, 64), 90, np.uint8)
    assert _types(_pair(tmp_path, mask, image=gray, stem='g')) == ['grayscale_image']
    cv2.imwrite(str(tmp_path / 'rgba.png'), np.full((64, 64, 4), 90, np.uint8))
    cv2.imwrite(str(tmp_path / 'rgba_m.png'), mask)
    job = PairJob(tmp_path, 'train', 'rgba', tmp_path / 'rgba.png', tmp_path / 'rgba_m.png')
    result = check_pair(job)
    assert _types(result) == ['image_mode'] and 'RGBA' in result.anomalies[0].message


def test_lone_files_and_unreadable_files(tmp_path):
    (tmp_path / 'zero.jpg').write_bytes(b'')
    (tmp_path / 'text.png').write_text('hello')
    lone = check_pair(PairJob(tmp_path, 'val', 'zero', tmp_path / 'zero.jpg', None))
    assert _types(lone) == ['unreadable_image'] and lone.mask_file is None
    assert lone.anomalies[0].file == 'zero.jpg' and lone.anomalies[0].split == 'val'
    text = check_pair(PairJob(tmp_path, 'val', 'text', None, tmp_path / 'text.png'))
    assert _types(text) == ['unreadable_mask'] and text.value_counts is None


def test_count_values_matches_numpy():
    rng = np.random.default_rng(3)
    labels = rng.choice(np.array([0, 1, 2, 255, 7], np.uint8), size=(50, 70))
    values, counts = np.unique(labels, return_counts=True)
    assert count_values(labels) == dict(zip(values.tolist(), counts.tolist()))
    assert count_values(labels.astype(np.uint16)) == count_values(labels)
