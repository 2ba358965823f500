"""PetSegDataset: pairing by stem, .jpg and .png images, clear errors, unusable pairs left out."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

import practicum_work.mmseg_ext  # noqa: F401
from practicum_work.core.errors import DataLayoutError
from practicum_work.mmseg_ext.datasets import PetSegDataset


def _dataset(root: Path, split: str = 'train', **kwargs) -> PetSegDataset:
    return PetSegDataset(
        data_root=str(root),
        data_prefix=dict(img_path=f'img/{split}', seg_map_path=f'labels/{split}'),
        pipeline=[],
        **kwargs,
    )


def _write_pair(root: Path, stem: str, image_ext: str = '.png', size=(8, 8), mask_mode='L'):
    (root / 'img/train').mkdir(parents=True, exist_ok=True)
    (root / 'labels/train').mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.zeros((*size, 3), np.uint8)).save(root / 'img/train' / f'{stem}{image_ext}')
    mask = np.zeros((8, 8), np.uint8)
    Image.fromarray(mask).convert(mask_mode).save(root / 'labels/train' / f'{stem}.png')


def test_metainfo_classes_palette_and_ignore_index(tiny_dataset):
    ds = _dataset(tiny_dataset)
    assert ds.metainfo['classes'] == ('background', 'cat', 'dog')
    assert len(ds.metainfo['palette']) == 3
    assert ds.ignore_index == 255
    assert len(ds) == 8
    first = ds.get_data_info(0)
    assert first['img_path'].endswith('train_0000.jpg')
    assert first['seg_map_path'].endswith('train_0000.png')


def test_jpg_and_png_images_pair_with_png_masks(tmp_path):
    _write_pair(tmp_path, 'a', '.jpg')
    _write_pair(tmp_path, 'b', '.png')
    ds = _dataset(tmp_path)
    assert [Path(ds.get_data_info(i)['img_path']).name for i in range(len(ds))] == [
        'a.jpg',
        'b.png',
    ]


def test_unusable_pairs_are_left_out(tmp_path):
    _write_pair(tmp_path, 'good')
    _write_pair(tmp_path, 'rgbmask', mask_mode='RGB')
    _write_pair(tmp_path, 'bigimage', size=(9, 8))
    (tmp_path / 'img/train/broken.png').write_text('not an image')
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / 'labels/train/broken.png')
    Image.fromarray(np.zeros((8, 8), np.uint8)).save(tmp_path / 'labels/train/orphan.png')
    _write_pair(tmp_path, 'truncated', '.jpg')
    jpeg = tmp_path / 'img/train/truncated.jpg'
    jpeg.write_bytes(jpeg.read_bytes()[:-40])  # cut before the end marker
    _write_pair(tmp_path, 'nomask')
    (tmp_path / 'labels/train/nomask.png').unlink()
    ds = _dataset(tmp_path)
    assert [Path(ds.get_data_info(i)['img_path']).stem for i in range(len(ds))] == ['good']
    named = sorted(entry.split(':')[0] for entry in ds.left_out)
    assert named == ['img/train/broken.png', 'img/train/nomask.png', 'img/train/truncated.jpg',
                     'labels/train/bigimage.png', 'labels/train/orphan.png',
                     'labels/train/rgbmask.png']  # fmt: skip


def test_missing_data_root_is_one_clear_error(tmp_path):
    with pytest.raises(DataLayoutError, match=r'does not exist .*petseg demo-data'):
        _dataset(tmp_path / 'nowhere')


def test_missing_split_is_one_clear_error(tiny_dataset, tmp_path):
    root = tmp_path / 'copy'
    shutil.copytree(tiny_dataset, root)
    shutil.rmtree(root / 'labels/val')
    with pytest.raises(DataLayoutError, match='labels/val does not exist'):
        _dataset(root, 'val')


def test_no_usable_pair_is_an_error(tmp_path):
    (tmp_path / 'img/train').mkdir(parents=True)
    (tmp_path / 'labels/train').mkdir(parents=True)
    with pytest.raises(DataLayoutError, match='no usable image/mask pairs'):
        _dataset(tmp_path)


def test_ann_file_restricts_the_dataset_to_listed_stems(tiny_dataset, tmp_path):
    listing = tmp_path / 'fold.txt'
    listing.write_text('train_0003\ntrain_0001.jpg\n\n')
    ds = _dataset(tiny_dataset, ann_file=str(listing))
    assert [Path(ds.get_data_info(i)['img_path']).stem for i in range(len(ds))] == [
        'train_0001',
        'train_0003',
    ]
    listing.write_text('train_0001\nnot_there\n')
    with pytest.raises(DataLayoutError, match='not_there'):
        _dataset(tiny_dataset, ann_file=str(listing))


def test_binary_metainfo_is_accepted_without_a_label_map(tiny_dataset):
    """Upstream refuses classes outside METAINFO; ('background', 'pet') is the binary task."""
    from practicum_work.core.classes import BINARY_CLASSES, BINARY_PALETTE

    palette = [list(c) for c in BINARY_PALETTE]
    ds = _dataset(tiny_dataset, metainfo=dict(classes=BINARY_CLASSES, palette=palette))
    assert ds.metainfo['classes'] == ('background', 'pet')
    assert ds.metainfo['palette'] == palette
    assert ds.label_map is None  # the labels load as on disk; MergePetClasses merges them
    assert len(ds) == 8


def test_other_unknown_classes_are_still_refused(tiny_dataset):
    with pytest.raises(ValueError, match='not a subset'):
        _dataset(tiny_dataset, metainfo=dict(classes=('background', 'horse')))
