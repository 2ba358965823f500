"""convert-masks: every encoding back to our ids, species only from the user, never in place."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest

from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.core.image_io import read_label_map
from practicum_work.core.mask_encoding import BINARY_01, CLASS_IDS, detect_mask_encoding
from practicum_work.data.convert_masks import (
    convert_masks,
    load_palette,
    load_species,
    species_from_name,
)
from tests.core.encoded_masks import pet_as_species, write_encoded_dataset, write_species_csv
from tests.data.eda.conftest import tree_digest


@pytest.fixture(scope='module')
def encoded(tiny_dataset, tmp_path_factory):
    """{encoding: (root, species csv)} made from the tiny dataset of class ids."""
    base = tmp_path_factory.mktemp('encoded')
    made = {}
    for encoding in ('0-255', '0-1', 'trimap', 'rgb', 'rgb-voc', 'palette-voc'):
        species = write_encoded_dataset(tiny_dataset, base / encoding, encoding)
        made[encoding] = (base / encoding, write_species_csv(base / f'{encoding}.csv', species))
    return made


def _masks(root):
    return {
        p.relative_to(root).as_posix(): read_label_map(p)[0]
        for p in sorted(root.glob('labels/*/*.png'))
    }


def _convert(src, out, source, **kwargs):
    kwargs.setdefault('workers', 1)
    return convert_masks(src, out, source, show_progress=False, **kwargs)


@pytest.mark.parametrize(
    ('encoding', 'source', 'options', 'exact'),
    [
        ('rgb', 'rgb', {}, 'exact'),
        ('rgb-voc', 'rgb', {'palette': 'voc'}, 'exact'),
        ('palette-voc', 'palette', {'palette': 'voc'}, 'exact'),
        # pet-only encodings: one species per image (the CSV's); trimaps keep the border
        ('trimap', 'trimap', {'species': True}, 'species, border kept'),
        ('0-255', '0-255', {'species': True}, 'species, border is pet'),
        ('0-1', '0-1', {'species': True}, 'species, border is pet'),
    ],
)
def test_round_trip_gives_our_ids_back(
    tiny_dataset, encoded, tmp_path, encoding, source, options, exact
):
    """Our ids -> another encoding -> convert-masks -> the same ids."""
    root, csv = encoded[encoding]
    if options.pop('species', False):
        options['species'] = csv
    before = tree_digest(root)
    summary = _convert(root, tmp_path / 'out', source, **options)
    assert tree_digest(root) == before  # the input is only read
    expected = _masks(tiny_dataset)
    got = _masks(tmp_path / 'out')
    assert set(got) == set(expected)
    for name, ids in expected.items():
        if exact != 'exact':
            ids = pet_as_species(ids, keep_ignore=exact == 'species, border kept')
        np.testing.assert_array_equal(got[name], ids, name)
    assert detect_mask_encoding(tmp_path / 'out').encoding == CLASS_IDS
    assert summary.unknown_values == {} and summary.left_out == []
    record = json.loads((tmp_path / 'out' / 'conversion.json').read_text())
    assert record['tool'] == 'petseg convert-masks' and record['source'] == source
    assert record['detected_before']['encoding'] != CLASS_IDS


def test_images_are_hard_linked_and_every_file_is_there(encoded, tmp_path):
    root, csv = encoded['trimap']
    out = _convert(root, tmp_path / 'out', 'trimap', species=csv).out
    for image in (root / 'img').rglob('*.jpg'):
        copy = tmp_path / 'out' / image.relative_to(root)
        assert os.path.samefile(image, copy)
    source_files = {p.relative_to(root) for p in root.rglob('*') if p.is_file()}
    out_files = {p.relative_to(out) for p in (tmp_path / 'out').rglob('*') if p.is_file()}
    assert out_files == source_files | {Path('conversion.json')}


def test_binary_masks_are_what_hyp9_reads(encoded, tmp_path):
    """--binary: 0 background, 1 pet, 255 ignore; hyp9's dataset and pipeline read them."""
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmseg.registry import DATASETS

    import practicum_work.mmseg_ext  # noqa: F401
    from tests.conftest import REPO_ROOT

    root, _ = encoded['trimap']
    out = tmp_path / 'binary'
    summary = _convert(root, out, 'trimap', binary=True)
    assert summary.classes == ['background', 'pet']
    for mask in _masks(out).values():
        assert set(np.unique(mask).tolist()) <= {0, 1, 255}
    found = detect_mask_encoding(out)
    assert found.encoding == BINARY_01 and found.written_by and found.usable
    cfg = Config.fromfile(str(REPO_ROOT / 'configs/hyp9_segformer_b0_binary.py'))
    init_default_scope('mmseg')
    spec = cfg.test_dataloader.dataset
    spec.update(data_root=str(out), data_prefix=dict(img_path='img/val', seg_map_path='labels/val'))
    dataset = DATASETS.build(spec)
    values = set()
    for index in range(len(dataset)):
        values |= set(np.unique(dataset[index]['data_samples'].gt_sem_seg.data.numpy()).tolist())
    assert 1 in values and values <= {0, 1, 255}


def test_species_from_an_oxford_list_and_from_names(encoded, tmp_path):
    """Oxford's list.txt and its naming (capitalised = cat) give the same species."""
    root, csv = encoded['0-255']
    species = load_species(csv)
    named = tmp_path / 'named'
    listing = ['#Image CLASS-ID SPECIES BREED ID']
    for index, mask in enumerate(sorted(root.glob('labels/*/*.png'))):
        split, stem = mask.parent.name, mask.stem
        label = species.get(stem, 2)  # masks without a pet: any name will do
        new = f'{"Sphynx" if label == 1 else "beagle"}_{index}'
        listing.append(f'{new} 1 {label} 1')
        for kind, suffix in (('img', '.jpg'), ('labels', '.png')):
            (named / kind / split).mkdir(parents=True, exist_ok=True)
            shutil.copy(
                root / kind / split / f'{stem}{suffix}', named / kind / split / f'{new}{suffix}'
            )
    (tmp_path / 'list.txt').write_text('\n'.join(listing) + '\n')
    assert detect_mask_encoding(named).convert_command.endswith('--species-from-name oxford')
    by_list = _convert(named, tmp_path / 'by_list', '0-255', species=tmp_path / 'list.txt')
    by_name = _convert(named, tmp_path / 'by_name', '0-255', species_from_name='oxford')
    assert by_list.species_counts == by_name.species_counts
    listed, from_names = _masks(tmp_path / 'by_list'), _masks(tmp_path / 'by_name')
    assert listed.keys() == from_names.keys()
    for name, mask in listed.items():
        np.testing.assert_array_equal(mask, from_names[name])
    record = json.loads((tmp_path / 'by_name' / 'conversion.json').read_text())
    assert record['species'] == 'file names (oxford convention)'


def test_species_file_formats_and_errors(tmp_path):
    csv = tmp_path / 's.csv'
    csv.write_text('stem,species\na,cat\nb,Dog\nval/c,2\n')
    assert load_species(csv) == {'a': 1, 'b': 2, 'val/c': 2}
    bad = tmp_path / 'bad.csv'
    bad.write_text('a,cat\nb,horse\n')
    with pytest.raises(PetsegError, match=r'bad\.csv:2: expected "stem,species"'):
        load_species(bad)
    twice = tmp_path / 'twice.csv'
    twice.write_text('a,cat\na,dog\n')
    with pytest.raises(PetsegError, match=r'twice\.csv:2: a was given another species'):
        load_species(twice)
    assert species_from_name('Bengal_3') == 1 and species_from_name('beagle_3') == 2
    with pytest.raises(PetsegError, match='starting with a letter'):
        species_from_name('0042')


def test_palette_files(tmp_path):
    colours = tmp_path / 'colours.json'
    colours.write_text(json.dumps({'cat': [200, 0, 0], 'dog': [[0, 0, 200], [0, 0, 190]]}))
    palette = load_palette(str(colours), 'rgb')
    assert palette.to_id == {(200, 0, 0): 1, (0, 0, 200): 2, (0, 0, 190): 2}
    indices = tmp_path / 'indices.json'
    indices.write_text(json.dumps({'background': 0, 'cat': [3, 4], 'ignore': 9}))
    assert load_palette(str(indices), 'palette').to_id == {0: 0, 3: 1, 4: 1, 9: 255}
    for text, message in [
        ('{"horse": [1, 2, 3]}', "unknown class 'horse'"),
        ('{"cat": [1, 2]}', r'expected a colour \[r, g, b\]'),
        ('{"cat": [1, 2, 3], "dog": [1, 2, 3]}', 'given to two classes'),
        ('[1]', 'expected an object'),
    ]:
        colours.write_text(text)
        with pytest.raises(PetsegError, match=message):
            load_palette(str(colours), 'rgb')
    with pytest.raises(PetsegError, match='neither ours, voc nor an existing JSON file'):
        load_palette('nope.json', 'rgb')


def test_unknown_colours_become_ignore_and_are_counted(encoded, tmp_path):
    root, _ = encoded['rgb']
    src = tmp_path / 'src'
    shutil.copytree(root, src)
    mask = next(src.glob('labels/train/*.png'))
    bgr = cv2.imread(str(mask))
    bgr[:2, :3] = (0, 255, 0)  # green: no class of our palette
    cv2.imwrite(str(mask), bgr)
    summary = _convert(src, tmp_path / 'out', 'rgb')
    assert summary.unknown_values == {'0,255,0': 6} and summary.masks_with_unknown == 1
    converted = read_label_map(tmp_path / 'out' / mask.relative_to(src))[0]
    assert (converted[:2, :3] == 255).all()


def test_colour_masks_of_another_palette_are_refused_until_the_palette_is_given(encoded, tmp_path):
    # VOC-coloured masks read with petseg's colours would turn every pet into 255 (ignore)
    root, _ = encoded['rgb-voc']
    with pytest.raises(PetsegError, match=r'another palette.*--palette voc'):
        _convert(root, tmp_path / 'out', 'rgb')
    assert not (tmp_path / 'out').exists()
    wrong = tmp_path / 'wrong.json'  # a palette file that misses the masks' colours
    wrong.write_text(json.dumps({'background': [0, 0, 0], 'cat': [1, 2, 3], 'dog': [4, 5, 6]}))
    with pytest.raises(PetsegError, match='would all become 255'):
        _convert(root, tmp_path / 'out', 'rgb', palette=str(wrong))
    assert not (tmp_path / 'out').exists()
    assert _convert(root, tmp_path / 'out', 'rgb', palette='voc').masks


def test_an_unreadable_mask_is_left_out_with_its_image(encoded, tmp_path):
    root, csv = encoded['trimap']
    src = tmp_path / 'src'
    shutil.copytree(root, src)
    (src / 'labels/train/train_0001.png').write_bytes(b'')
    summary = _convert(src, tmp_path / 'out', 'trimap', species=csv)
    assert [p.split(':')[0] for p in summary.left_out] == ['labels/train/train_0001.png']
    assert not (tmp_path / 'out/img/train/train_0001.jpg').exists()
    assert not (tmp_path / 'out/labels/train/train_0001.png').exists()
    assert summary.masks['train'] == 7


@pytest.mark.parametrize(
    ('source', 'kwargs', 'message'),
    [
        ('0-255', {}, 'give the species with exactly one of'),
        ('0-255', {'binary': True, 'species_from_name': 'oxford'}, 'got --species-from-name and'),
        ('trimap', {'binary': True, 'palette': 'voc'}, '--palette is for --from rgb or palette'),
        ('rgb', {'species_from_name': 'oxford'}, 'carry the species already'),
        ('trimap', {'binary': True, 'border': 'thick'}, '--border must be one of'),
    ],
)
def test_option_mistakes_are_one_line_before_anything_is_written(
    encoded, tmp_path, source, kwargs, message
):
    root, _ = encoded['0-255']
    with pytest.raises(PetsegError, match=message):
        _convert(root, tmp_path / 'out', source, **kwargs)
    assert not (tmp_path / 'out').exists()


def test_a_source_that_does_not_fit_is_refused_unless_forced(encoded, tiny_dataset, tmp_path):
    root, csv = encoded['0-255']
    with pytest.raises(PetsegError, match='--from trimap does not fit these masks: 0/255 masks'):
        _convert(root, tmp_path / 'out', 'trimap', species=csv)
    with pytest.raises(PetsegError, match='already class ids'):
        _convert(tiny_dataset, tmp_path / 'out', 'rgb')
    assert not (tmp_path / 'out').exists()
    forced = _convert(root, tmp_path / 'out', 'trimap', species=csv, force=True)
    assert forced.unknown_values  # 0 and 255 are no trimap values: counted, written as 255


def test_missing_species_for_a_pet_mask_names_it_and_leaves_nothing(encoded, tmp_path):
    root, csv = encoded['trimap']
    header, dropped, *kept = csv.read_text().splitlines()  # dropped: a mask with a pet
    partial = tmp_path / 'partial.csv'
    partial.write_text('\n'.join([header, *kept]) + '\n')
    stem = dropped.split(',')[0]
    with pytest.raises(PetsegError, match=rf'1 masks with pet pixels have no species .*{stem}'):
        _convert(root, tmp_path / 'out', 'trimap', species=partial)
    assert not (tmp_path / 'out').exists()
    assert not list(tmp_path.glob('.out.tmp-*'))


def test_never_in_place_nor_over_an_existing_output(encoded, tmp_path):
    root, csv = encoded['trimap']
    with pytest.raises(PetsegError, match=r'data root .*missing does not exist'):
        _convert(tmp_path / 'missing', tmp_path / 'out', 'trimap', species=csv)
    for out in (root, root / 'converted'):
        with pytest.raises(PetsegError, match='inside the input'):
            _convert(root, out, 'trimap', species=csv)
    (tmp_path / 'out').mkdir()
    with pytest.raises(OutputExistsError, match='--overwrite'):
        _convert(root, tmp_path / 'out', 'trimap', species=csv)
    _convert(root, tmp_path / 'out', 'trimap', species=csv, overwrite=True)
    assert (tmp_path / 'out' / 'conversion.json').is_file()
