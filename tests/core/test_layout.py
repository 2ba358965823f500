"""Pairing images and masks by stem, both directions, with clear errors."""

from __future__ import annotations

import pytest

from practicum_work.core.errors import DataLayoutError
from practicum_work.core.layout import find_splits, pair_split


def _touch(path):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b'x')


def test_pairs_by_stem_in_both_directions(tmp_path):
    for name in ('img/train/a.jpg', 'img/train/b.png', 'img/train/c.jpeg', 'img/train/d.jpg'):
        _touch(tmp_path / name)
    _touch(tmp_path / 'img/train/d.png')  # two images share stem d
    for name in (
        'labels/train/a.png',
        'labels/train/b.png',
        'labels/train/z.png',
        'labels/train/d.png',
    ):
        _touch(tmp_path / name)
    _touch(tmp_path / 'img/train/notes.txt')
    pairing = pair_split(tmp_path, 'train')
    assert [p.stem for p in pairing.pairs] == ['a', 'b']
    assert [p.name for p in pairing.images_without_mask] == ['c.jpeg']
    assert [p.name for p in pairing.masks_without_image] == ['z.png']
    assert sorted(p.name for p in pairing.ambiguous_images) == ['d.jpg', 'd.png']


def test_missing_root_and_split_name_the_path(tmp_path):
    with pytest.raises(DataLayoutError, match='nowhere does not exist'):
        pair_split(tmp_path / 'nowhere', 'train')
    (tmp_path / 'img/train').mkdir(parents=True)
    with pytest.raises(DataLayoutError, match="split 'val' not found"):
        pair_split(tmp_path, 'val')


def test_find_splits_orders_known_splits_first(tmp_path):
    for split in ('test', 'extra', 'train'):
        (tmp_path / 'img' / split).mkdir(parents=True)
    assert find_splits(tmp_path) == ['train', 'test', 'extra']
    assert find_splits(tmp_path / 'none') == []
