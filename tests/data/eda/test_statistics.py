"""Per-split statistics from small per-pair results (known answers)."""

from __future__ import annotations

import pytest

from practicum_work.data.eda.pairs import PairResult
from practicum_work.data.eda.statistics import SplitStatistics


def _result(stem, counts, size=(10, 10), image=True, mode='RGB'):
    return PairResult(
        split='train',
        stem=stem,
        image_file=f'img/train/{stem}.jpg' if image else None,
        mask_file=f'labels/train/{stem}.png',
        image_size=size if image else None,
        image_mode=mode if image else None,
        mask_size=(10, 10),
        mask_mode='L',
        value_counts=counts,
    )


def test_shares_exclude_ignore_and_stray_pixels():
    stats = SplitStatistics('train')
    stats.add(_result('a', {0: 80, 1: 20}))
    stats.add(_result('b', {0: 50, 2: 30, 255: 15, 3: 5}, size=(20, 10), mode='L'))
    stats.add(_result('c', {0: 100}, image=False))
    stats.add(_result('d', None))  # mask ids unreadable: counted as a file only
    data = stats.to_dict()
    assert data['files'] == {'images': 3, 'masks': 4, 'pairs': 3, 'masks_with_class_ids': 3}
    assert data['class_pixels'] == {'background': 230, 'cat': 20, 'dog': 30}
    assert data['class_pixel_share']['dog'] == pytest.approx(30 / 280, abs=1e-6)
    assert data['ignore_pixels'] == 15 and data['stray_pixels'] == 5
    assert data['ignore_share_of_all_pixels'] == pytest.approx(15 / 300, abs=1e-6)
    assert data['images_with_class'] == {'background': 3, 'cat': 1, 'dog': 1}
    assert data['masks_with_value'] == {'0': 3, '1': 1, '2': 1, '3': 1, '255': 1}
    shares = data['foreground_share']
    assert shares['masks'] == 3 and shares['max'] == pytest.approx(0.375)  # 30 / 80 labelled
    assert shares['mean'] == pytest.approx((0.2 + 0.375 + 0.0) / 3, abs=1e-6)
    assert sum(shares['histogram']['counts']) == 3 and len(shares['histogram']['bin_edges']) == 21
    assert data['image_sizes'] == {'10x10': 2, '20x10': 1}
    assert data['image_channels'] == {'3': 2, '1': 1}
    assert stats.classes_never_found() == []


def test_classes_never_found_only_when_masks_were_read():
    stats = SplitStatistics('val')
    assert stats.classes_never_found() == []
    stats.add(_result('a', {0: 90, 1: 10}))
    assert stats.classes_never_found() == ['dog']
    assert stats.to_dict()['foreground_share']['median'] == pytest.approx(0.1)
