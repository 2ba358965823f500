"""The eda worker: one pair read once, every registered per-pair check run on it."""

from __future__ import annotations

import cv2
import numpy as np

from practicum_work.core.mask_encoding import count_values
from practicum_work.data.checks import load_checks
from practicum_work.data.eda.pairs import PairJob, check_pair


def _write(tmp_path, mask, stem='s', image=None):
    image = np.full((*mask.shape[:2], 3), 120, np.uint8) if image is None else image
    cv2.imwrite(str(tmp_path / f'{stem}.jpg'), image)
    cv2.imwrite(str(tmp_path / f'{stem}.png'), mask)
    return PairJob(str(tmp_path), 'train', stem, str(tmp_path / f'{stem}.jpg'),
                   str(tmp_path / f'{stem}.png'))  # fmt: skip


def test_a_clean_pair_has_no_findings_and_exact_counts(tmp_path):
    mask = np.zeros((64, 64), np.uint8)
    mask.ravel()[:400] = 1
    mask[-1, -10:] = 255
    result = check_pair(_write(tmp_path, mask))
    assert result.findings == []
    assert result.value_counts == {0: 64 * 64 - 410, 1: 400, 255: 10}
    assert result.image_size == result.mask_size == (64, 64)
    assert result.image_mode == 'RGB' and result.mask_mode == 'L'
    assert len(result.measures['duplicates']) == 40  # the image's SHA-1, for the dataset stage
    assert result.mask_summary.kind == 'ids'


def test_every_registered_pair_check_runs_and_files_are_relative(tmp_path):
    mask = np.zeros((32, 48), np.uint8)
    mask[0, :5] = 9  # stray, and no foreground: the size differs from the image too
    result = check_pair(_write(tmp_path, mask, image=np.zeros((64, 64), np.uint8)))
    kinds = sorted(f.kind for f in result.findings)
    assert kinds == ['grayscale_image', 'size_mismatch', 'stray_values']
    assert {f.file for f in result.findings} == {'s.jpg', 's.png'}
    registered = {c.name for c in load_checks() if 'eda' in c.tools}
    assert {f.kind for f in result.findings} <= set(load_checks().kinds('eda'))
    assert {'readability', 'foreground', 'stray_values', 'size_mismatch'} <= registered


def test_lone_files(tmp_path):
    (tmp_path / 'zero.jpg').write_bytes(b'')
    lone = check_pair(PairJob(str(tmp_path), 'val', 'zero', str(tmp_path / 'zero.jpg'), None))
    assert [f.kind for f in lone.findings] == ['unreadable_image'] and lone.mask_file is None


def test_count_values_matches_numpy():
    rng = np.random.default_rng(3)
    labels = rng.choice(np.array([0, 1, 2, 255, 7], np.uint8), size=(50, 70))
    values, counts = np.unique(labels, return_counts=True)
    assert count_values(labels) == dict(zip(values.tolist(), counts.tolist()))
    assert count_values(labels.astype(np.uint16)) == count_values(labels)
