"""Dataset-level mask encoding: each common encoding recognised, ours never called anything else."""

from __future__ import annotations

import json
import shutil

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.core.errors import DataLayoutError
from practicum_work.core.mask_encoding import (
    AMBIGUOUS,
    BINARY_01,
    BLANK,
    CLASS_IDS,
    IDS,
    INDICES,
    MIXED,
    PALETTE_INDICES,
    RGB,
    TRIMAP,
    TRIMAP_FILE,
    UNKNOWN,
    ZERO_255,
    ZERO_255_FILE,
    EncodingTally,
    MaskEncodingError,
    MaskSummary,
    detect_mask_encoding,
    require_class_ids,
    value_kind,
)
from practicum_work.core.mask_palettes import voc_colour
from tests.core.encoded_masks import write_encoded_dataset


@pytest.fixture(scope='module')
def encoded(tiny_dataset, tmp_path_factory):
    """The tiny dataset of class ids in every other encoding: {encoding: root}."""
    base = tmp_path_factory.mktemp('encoded')
    roots = {}
    for encoding in ('0-255', '0-1', 'trimap', 'rgb', 'rgb-voc', 'palette-voc'):
        roots[encoding] = base / encoding
        write_encoded_dataset(tiny_dataset, roots[encoding], encoding)
    return roots


def _write_masks(root, masks: dict[str, np.ndarray], split='train'):
    (root / 'labels' / split).mkdir(parents=True, exist_ok=True)
    for stem, mask in masks.items():
        if isinstance(mask, Image.Image):
            mask.save(root / 'labels' / split / f'{stem}.png')
        else:
            cv2.imwrite(str(root / 'labels' / split / f'{stem}.png'), mask)
    return root


def _ids_mask(species: int, seed: int = 0) -> np.ndarray:
    mask = np.zeros((16, 16), np.uint8)
    mask[3 + seed % 4 : 12, 4:12] = species
    mask[2, 4:12] = 255
    return mask


def test_our_data_is_class_ids(tiny_dataset, noisy_dataset):
    for root in (tiny_dataset, noisy_dataset):
        found = detect_mask_encoding(root)
        assert found.encoding == CLASS_IDS and found.usable, found.message
        assert found.convert_command is None
        assert found.files == found.files_found > 0


@pytest.mark.parametrize(
    ('encoding', 'expected', 'from_option'),
    [
        ('0-255', ZERO_255, '--from 0-255 --species SPECIES.csv'),
        ('0-1', BINARY_01, '--from 0-1 --species SPECIES.csv'),
        ('trimap', TRIMAP, '--from trimap --species SPECIES.csv'),
        ('rgb', RGB, '--from rgb'),
        ('rgb-voc', RGB, '--from rgb --palette voc'),
        ('palette-voc', PALETTE_INDICES, '--from palette --palette voc'),
    ],
)
def test_each_encoding_is_recognised_with_its_command(encoded, encoding, expected, from_option):
    root = encoded[encoding]
    found = detect_mask_encoding(root)
    assert found.encoding == expected, found.message
    assert found.convert_command == (
        f'petseg convert-masks --data-root {root} --out {root}_ids {from_option}'
    )
    assert '\n' not in found.message and found.example.startswith('labels/')
    assert found.usable == (expected == BINARY_01)
    assert json.loads(json.dumps(found.to_dict()))['encoding'] == expected


def test_rgb_reports_the_palette_and_the_colours_found(encoded):
    ours = detect_mask_encoding(encoded['rgb'])
    assert ours.palette == 'ours'
    assert {c['name'] for c in ours.colours} >= {'background', 'cat', 'dog'}
    voc = detect_mask_encoding(encoded['rgb-voc'])
    assert voc.palette == 'voc'
    named = {tuple(c['rgb']): c['name'] for c in voc.colours}
    assert named[voc_colour(8)] == 'cat' and named[voc_colour(12)] == 'dog'
    assert '(64, 0, 0) cat' in voc.message


def test_unknown_colours_ask_for_a_palette_file(tmp_path):
    masks = {}
    for i in range(4):
        rgb = np.zeros((16, 16, 3), np.uint8)
        rgb[4:12, 4:12] = (200, 10, 10) if i % 2 else (10, 200, 10)
        masks[f'm{i}'] = rgb
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == RGB and found.palette is None
    assert found.convert_command.endswith('--from rgb --palette PALETTE.json')
    assert 'a palette petseg does not know' in found.message


def test_colours_that_are_voc_classes_but_no_pet_are_not_called_voc(tmp_path):
    """A user's own palette can reuse VOC colours (here bicycle and bottle): suggesting
    ``--palette voc`` would turn every animal into 255; ask for the palette file instead."""
    masks = {}
    for i in range(4):
        rgb = np.zeros((16, 16, 3), np.uint8)
        rgb[4:12, 4:12] = voc_colour(2) if i % 2 else voc_colour(5)
        masks[f'm{i}'] = rgb[..., ::-1]  # OpenCV writes BGR
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == RGB and found.palette is None, found.message
    assert found.convert_command.endswith('--from rgb --palette PALETTE.json')
    assert 'a palette petseg does not know' in found.message


def test_a_cats_only_mask_among_dogs_is_still_class_ids(tmp_path):
    """One mask holding {0, 1} is ambiguous alone; a 2 elsewhere in the dataset decides."""
    masks = {f'cat{i}': _ids_mask(1, i) for i in range(5)} | {'dog0': _ids_mask(2)}
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == CLASS_IDS


def test_0_1_everywhere_is_binary_and_a_convert_masks_marker_says_so(tmp_path):
    root = _write_masks(tmp_path / 'd', {f'm{i}': _ids_mask(1, i) for i in range(4)})
    found = detect_mask_encoding(root)
    assert found.encoding == BINARY_01 and found.usable and found.written_by is None
    assert 'cats only' in found.message and '--from 0-1' in found.convert_command
    marker = {'tool': 'petseg convert-masks', 'binary': True}
    (root / 'conversion.json').write_text(json.dumps(marker))
    found = detect_mask_encoding(root)
    assert found.encoding == BINARY_01 and found.written_by == 'petseg convert-masks --binary'
    assert found.convert_command is None


def test_oxford_style_names_suggest_the_name_convention_explicitly(tmp_path):
    trimap = np.full((16, 16), 2, np.uint8)
    trimap[4:12, 4:12], trimap[3, 4:12] = 1, 3
    masks = {'Bengal_1': trimap, 'Bengal_2': trimap, 'beagle_1': trimap}
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == TRIMAP
    assert found.convert_command.endswith('--from trimap --species-from-name oxford')
    assert 'capitalised = cat' in found.message


def test_palette_pngs_with_our_indices_are_class_ids(tmp_path):
    masks = {}
    for i in range(3):
        image = Image.fromarray(_ids_mask(1 + i % 2, i), mode='P')
        image.putpalette([0, 0, 0, 255, 140, 0, 30, 144, 255] + [0] * 759)
        masks[f'p{i}'] = image
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == CLASS_IDS and 'palette PNGs' in found.message


def test_palette_pngs_with_other_indices_are_matched_by_their_colours(tmp_path):
    masks = {}
    for i in range(3):
        indices = np.where(_ids_mask(1 + i % 2, i) == 1, 5, np.where(_ids_mask(2) == 2, 7, 0))
        image = Image.fromarray(indices.astype(np.uint8), mode='P')
        colours = [[0, 0, 0]] * 256
        colours[5], colours[7] = [255, 140, 0], [30, 144, 255]  # our cat and dog colours
        image.putpalette([v for c in colours for v in c])
        masks[f'p{i}'] = image
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == PALETTE_INDICES and found.palette == 'ours'
    assert found.convert_command.endswith('--from rgb') and 'rgb' in found.convert_from


def test_mixed_encodings_are_named_with_examples(tmp_path):
    masks = {f'ids{i}': _ids_mask(1 + i % 2, i) for i in range(4)}
    masks |= {f'bin{i}': np.where(_ids_mask(1, i) == 1, 255, 0).astype(np.uint8) for i in range(4)}
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == MIXED and not found.usable
    assert 'labels/train/bin0.png' in found.message and 'labels/train/ids0.png' in found.message


def test_a_few_odd_masks_are_listed_not_mixed(tmp_path):
    masks = {f'ids{i}': _ids_mask(1 + i % 2, i) for i in range(12)}
    masks['odd'] = np.where(_ids_mask(1) == 1, 255, 0).astype(np.uint8)
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == CLASS_IDS and 'labels/train/odd.png' in found.message


def test_anti_aliased_0_255_masks(tmp_path):
    masks = {}
    for i in range(3):
        mask = np.zeros((64, 64), np.uint8)
        cv2.circle(mask, (32, 30 + i), 16, 255, -1, lineType=cv2.LINE_AA)  # soft edges
        masks[f'soft{i}'] = mask
    found = detect_mask_encoding(_write_masks(tmp_path, masks))
    assert found.encoding == ZERO_255


def test_nothing_to_learn_and_no_masks(tmp_path):
    blank = _write_masks(
        tmp_path / 'blank', {f'b{i}': np.zeros((8, 8), np.uint8) for i in range(3)}
    )
    found = detect_mask_encoding(blank)
    assert found.encoding == UNKNOWN and 'no mask holds a foreground value' in found.message
    (tmp_path / 'none' / 'labels' / 'train').mkdir(parents=True)
    found = detect_mask_encoding(tmp_path / 'none')
    assert found.encoding == UNKNOWN and found.files == 0 and 'no masks found' in found.message
    with pytest.raises(DataLayoutError, match='does not exist'):
        detect_mask_encoding(tmp_path / 'missing')


def test_a_sample_reads_fewer_files_and_says_so(encoded):
    found = detect_mask_encoding(encoded['0-255'], max_files=5)
    assert found.files == 5 and found.files_found == 16
    assert found.encoding == ZERO_255 and 'sampled' in found.message


def test_splits_restrict_the_masks_read(encoded):
    found = detect_mask_encoding(encoded['trimap'], splits=['val'])
    assert found.files == 4 and all('/val/' in f for fs in found.examples.values() for f in fs)


@pytest.mark.parametrize(
    ('values', 'kind'),
    [
        ({0: 10, 1: 5}, IDS),
        ({0: 10, 2: 5, 255: 1}, IDS),
        ({0: 100, 1: 5, 128: 1}, IDS),  # a stray value in class ids
        ({1: 5, 2: 5}, AMBIGUOUS),
        ({0: 10}, BLANK),
        ({0: 10, 255: 5}, ZERO_255_FILE),
        ({1: 5, 2: 10, 3: 2}, TRIMAP_FILE),
        ({0: 10, 8: 5, 255: 1}, INDICES),
    ],
)
def test_one_mask_kinds(values, kind):
    assert value_kind(values) == kind


def test_the_tally_streams_and_matches_the_reader(encoded):
    """A tool that reads the masks anyway (eda) adds summaries itself: same result."""
    tally = EncodingTally(encoded['trimap'])
    for path in sorted(encoded['trimap'].glob('labels/*/*.png')):
        mask = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        values, counts = np.unique(mask, return_counts=True)
        file = path.relative_to(encoded['trimap']).as_posix()
        tally.add(MaskSummary(file, 'L', values=dict(zip(values.tolist(), counts.tolist()))))
    assert tally.result().encoding == TRIMAP
    unreadable = EncodingTally()
    unreadable.add(MaskSummary('labels/train/x.png', problem='zero-byte file'))
    assert 'no readable mask' in unreadable.result().message


def test_the_converted_copy_of_a_source_is_ours_again(encoded, tmp_path):
    """A dataset is judged by its masks, not by a conversion.json copied from elsewhere."""
    copy = tmp_path / 'copy'
    shutil.copytree(encoded['rgb'], copy)
    (copy / 'conversion.json').write_text(json.dumps({'tool': 'petseg convert-masks'}))
    assert detect_mask_encoding(copy).encoding == RGB


def test_require_class_ids_passes_ours_and_names_the_fix_otherwise(tiny_dataset, encoded):
    """The call for training's preflight and fix-labels: one line, a file, the command."""
    assert require_class_ids(tiny_dataset).encoding == CLASS_IDS
    assert require_class_ids(encoded['0-1']).encoding == BINARY_01  # usable, caller may warn
    with pytest.raises(MaskEncodingError) as raised:
        require_class_ids(encoded['0-255'], splits=['train', 'val'])
    message = str(raised.value)
    assert message.startswith(f'the masks of {encoded["0-255"]} are not class ids: 0/255 masks')
    assert f'(e.g. {encoded["0-255"]}/labels/train/' in message and '\n' not in message
    assert message.endswith(
        f'convert them: petseg convert-masks --data-root {encoded["0-255"]} --out '
        f'{encoded["0-255"]}_ids --from 0-255 --species SPECIES.csv'
    )
    assert raised.value.encoding.encoding == ZERO_255
