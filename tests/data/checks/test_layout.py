"""Pairing and folders, from the listing alone."""

from __future__ import annotations

import cv2
import numpy as np

from practicum_work.core.layout import pair_dirs, split_dirs
from practicum_work.data.checks.layout import Layout
from practicum_work.data.checks.sample import SplitListing


def _listing(root, split='train'):
    image_dir, mask_dir = split_dirs(root, split)
    listing = SplitListing(root, split, image_dir, mask_dir)
    if image_dir.is_dir():
        listing.pairing = pair_dirs(image_dir, mask_dir, split)
    elif mask_dir.is_dir():
        listing.lone_masks = sorted(mask_dir.glob('*.png'))
    return listing


def _kinds(listing):
    found = []
    Layout().on_layout(listing, found)
    return sorted(((f.kind, f.stem, f.file) for f in found), key=str), found


def test_unpaired_ambiguous_and_unexpected_files(tmp_path):
    img, lab = tmp_path / 'img' / 'train', tmp_path / 'labels' / 'train'
    img.mkdir(parents=True)
    lab.mkdir(parents=True)
    pixels = np.zeros((8, 8, 3), np.uint8)
    for name in ('a.jpg', 'lonely.jpg', 'twin.jpg', 'twin.png'):
        cv2.imwrite(str(img / name), pixels)
    for name in ('a.png', 'orphan.png', 'twin.png'):
        cv2.imwrite(str(lab / name), pixels[..., 0])
    (img / 'notes.txt').write_text('notes')
    kinds, found = _kinds(_listing(tmp_path))
    assert kinds == [
        ('ambiguous_image', 'twin', 'img/train/twin.jpg'),
        ('ambiguous_image', 'twin', 'img/train/twin.png'),
        ('image_without_mask', 'lonely', 'img/train/lonely.jpg'),
        ('mask_without_image', 'orphan', 'labels/train/orphan.png'),
        ('unexpected_file', None, 'img/train/notes.txt'),
    ]
    assert {f.severity for f in found if f.kind != 'unexpected_file'} == {'error'}


def test_missing_folders_and_an_empty_split(tmp_path):
    (tmp_path / 'img' / 'val').mkdir(parents=True)
    kinds, _ = _kinds(_listing(tmp_path, 'val'))
    assert kinds == [
        ('empty_split', None, 'img/val'),
        ('missing_folder', None, 'labels/val'),
    ]
    (tmp_path / 'labels' / 'extra').mkdir(parents=True)
    cv2.imwrite(str(tmp_path / 'labels' / 'extra' / 'x.png'), np.zeros((4, 4), np.uint8))
    kinds, _ = _kinds(_listing(tmp_path, 'extra'))
    assert kinds == [
        ('mask_without_image', 'x', 'labels/extra/x.png'),
        ('missing_folder', None, 'img/extra'),
    ]
