"""Samples marked for relabelling go out to an annotation tool's format and come back validated."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.data.label_fix.human_decisions import empty_document, write_decisions
from practicum_work.data.label_fix.relabel_export import import_relabelled
from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels
from tests.conftest import run_tool

MARKED = ('train/train_0007', 'train/train_0009')  # empty and tiny masks


@pytest.fixture
def export(review_plan, tmp_path) -> tuple[Path, Path]:
    root, plan = review_plan
    document = empty_document(root.name, root, 'plan', plan)
    for item_id in MARKED:
        document['decisions'][item_id] = {'action': 'relabel', 'at': '2026-12-01T10:00:00+00:00'}
    write_decisions(tmp_path / 'decisions.json', document)
    folder = tmp_path / 'relabel'
    settings = FixLabelsSettings(
        data_root=root, dry_run=True, plan_dir=tmp_path / 'plan', decisions=tmp_path /
        'decisions.json', relabel_export=folder, classifier='self', folds=4, workers=1,
        show_progress=False,
    )  # fmt: skip
    run_fix_labels(settings, log=lambda _: None)
    return root, folder


def test_export_holds_palette_masks_and_a_cvat_segmentation_mask_archive(export):
    root, folder = export
    index = json.loads((folder / 'relabel.json').read_text())
    names = [s['name'] for s in index['samples']]
    assert names == ['train__train_0007', 'train__train_0009']
    for name, item_id in zip(names, MARKED):
        split, stem = item_id.split('/')
        palette = Image.open(folder / 'masks' / f'{name}.png')
        assert palette.mode == 'P'
        given = cv2.imread(str(root / 'labels' / split / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        assert np.array_equal(np.asarray(palette), given)
        assert palette.getpalette()[3:9] == [255, 140, 0, 30, 144, 255]  # cat, dog colours
        assert (folder / 'images' / f'{name}.jpg').is_file()
    with zipfile.ZipFile(folder / 'cvat_segmentation_mask_1.1.zip') as archive:
        members = set(archive.namelist())
    assert {'labelmap.txt', 'ImageSets/Segmentation/default.txt'} <= members
    assert {f'SegmentationClass/{n}.png' for n in names} <= members
    labelmap = (folder / 'labelmap.txt').read_text().splitlines()
    assert 'cat:255,140,0::' in labelmap and 'dog:30,144,255::' in labelmap


def _correct(folder: Path, name: str, value: int) -> np.ndarray:
    path = folder / 'masks' / f'{name}.png'
    mask = np.asarray(Image.open(path)).copy()
    mask[20:70, 20:70] = value
    image = Image.frombytes('P', mask.shape[::-1], mask.tobytes())
    image.putpalette(Image.open(path).getpalette())
    image.save(path)
    return mask


def test_corrected_masks_come_back_in_a_new_copy_and_the_source_is_untouched(export, tmp_path):
    root, folder = export
    before = (root / 'labels/train/train_0007.png').read_bytes()
    fixed = _correct(folder, 'train__train_0007', 2)
    out = tmp_path / 'pets_review_clean_v2'
    result = run_tool('-m', 'practicum_work.cli', 'import-relabelled', str(folder),
                      '--data-root', str(root), '--out', str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert '2 masks replaced' in result.stdout
    assert np.array_equal(cv2.imread(str(out / 'labels/train/train_0007.png'), -1), fixed)
    assert (root / 'labels/train/train_0007.png').read_bytes() == before
    assert (out / 'img/train/train_0000.jpg').is_file()
    with pytest.raises(OutputExistsError):
        import_relabelled(folder, root, out)


def test_cvat_colour_masks_are_read_when_the_palette_mask_is_gone(export, tmp_path):
    root, folder = export
    (folder / 'masks' / 'train__train_0009.png').unlink()
    colour = np.zeros((96, 96, 3), np.uint8)
    colour[10:30, 10:30] = (255, 140, 0)  # cat, RGB
    cv2.imwrite(str(folder / 'SegmentationClass/train__train_0009.png'), colour[..., ::-1])
    out = tmp_path / 'v2'
    import_relabelled(folder, root, out)
    mask = cv2.imread(str(out / 'labels/train/train_0009.png'), -1)
    assert (mask == 1).sum() == 400 and set(np.unique(mask)) == {0, 1}


@pytest.mark.parametrize(
    ('damage', 'message'),
    [('value', r'values \[9\] are outside'), ('size', '48x48 but the image')],
)
def test_bad_corrections_are_refused_naming_the_file(export, tmp_path, damage, message):
    root, folder = export
    path = folder / 'masks' / 'train__train_0007.png'
    if damage == 'value':
        _correct(folder, 'train__train_0007', 9)
    else:
        Image.open(path).resize((48, 48), Image.NEAREST).save(path)
    with pytest.raises(PetsegError, match=message) as err:
        import_relabelled(folder, root, tmp_path / 'v2')
    assert 'train__train_0007.png' in str(err.value)
    assert not (tmp_path / 'v2').exists()


def test_an_export_inside_the_dataset_is_refused(review_plan, tmp_path):
    root, _plan = review_plan
    settings = FixLabelsSettings(
        data_root=root, dry_run=True, plan_dir=tmp_path / 'plan', relabel_export=root / 'x',
        classifier='self', folds=4, workers=1, show_progress=False,
    )  # fmt: skip
    with pytest.raises(PetsegError):
        run_fix_labels(settings, log=lambda _: None)
    assert not (root / 'x').exists()
