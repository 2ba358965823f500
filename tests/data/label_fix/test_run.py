"""fix-labels end to end: swaps found and fixed, broken files handled, input never modified."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.data.label_fix import run as pipeline
from practicum_work.data.label_fix.contact_sheet import THUMB, render_row
from practicum_work.data.label_fix.plan import PlanItem
from practicum_work.data.label_fix.run import FixLabelsSettings, build_plan, run_fix_labels

SWAPPED = {('train', 'train_0002'), ('train', 'train_0005'), ('val', 'val_0001')}


def _digest(root: Path) -> str:
    h = hashlib.sha256()
    for path in sorted(root.rglob('*')):
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return h.hexdigest()


def _settings(root: Path, **kwargs) -> FixLabelsSettings:
    return FixLabelsSettings(data_root=root, folds=4, workers=1, show_progress=False, **kwargs)


def test_swaps_are_fixed_in_a_cleaned_copy_and_the_input_is_untouched(toy_dataset, tmp_path):
    before = _digest(toy_dataset)
    out = tmp_path / 'pets_toy_clean_v1'
    result = run_fix_labels(_settings(toy_dataset, out=out), log=lambda _: None)
    assert _digest(toy_dataset) == before
    swapped = {
        (i.split, i.stem) for i in result.plan.items if {'type': 'swap_species'} in i.changes
    }
    assert swapped == SWAPPED
    test_item = next(i for i in result.plan.items if i.stem == 'test_0003')
    assert test_item.decision == 'review' and test_item.changes == []  # report-only split
    for split, stem in SWAPPED:
        source = cv2.imread(str(toy_dataset / 'labels' / split / f'{stem}.png'), 0)
        cleaned = cv2.imread(str(out / 'labels' / split / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        assert cleaned.ndim == 2
        assert np.array_equal(cleaned == 1, source == 2)
        assert np.array_equal(cleaned == 2, source == 1)
    kept = out / 'labels/train/train_0000.png'
    assert kept.stat().st_ino == (toy_dataset / 'labels/train/train_0000.png').stat().st_ino
    manifest = json.loads((out / 'manifest.json').read_text())
    assert {(c['split'], c['stem']) for c in manifest['changes']} >= SWAPPED
    stats = manifest['statistics']
    for split in ('train', 'val', 'test'):
        assert stats['after'][split]['masks'] == stats['before'][split]['masks']
    moved = sum(
        c['evidence']['class_pixels']['cat'] - c['class_pixels_after']['cat']
        for c in manifest['changes']
        if c['split'] == 'train'
    )
    b, a = stats['before']['train']['class_pixels'], stats['after']['train']['class_pixels']
    assert b['cat'] - a['cat'] == moved and a['cat'] + a['dog'] == b['cat'] + b['dog']


def test_dry_run_writes_plan_and_contact_sheet_only(toy_dataset, tmp_path):
    before = _digest(toy_dataset)
    plan_dir = tmp_path / 'plan'
    result = run_fix_labels(_settings(toy_dataset, dry_run=True, plan_dir=plan_dir), lambda _: None)
    assert _digest(toy_dataset) == before
    text = (plan_dir / 'plan.json').read_text()
    assert text == json.dumps(result.plan.to_json(), indent=2) + '\n'  # written item by item
    plan = json.loads(text)
    assert len(plan['items']) == 38
    assert all({'decision', 'reasons', 'evidence'} <= set(i) for i in plan['items'])
    species = [i['evidence']['species'][0] for i in plan['items'] if i['stem'] == 'train_0002']
    assert species[0]['p_other_species'] >= 0.8 and 'judged_by_fold' in species[0]
    flagged = [i for i in plan['items'] if i['decision'] != 'keep']
    sheets = sorted(plan_dir.glob('contact_sheet_*.png'))
    assert result.contact_sheets == sheets
    heights = [Image.open(p).size[1] for p in sheets]
    rows = [render_row((toy_dataset, PlanItem(**item))) for item in flagged]
    assert all(row.shape[0] > THUMB for row in rows)  # tiles, caption and legend
    assert sum(heights) == sum(row.shape[0] + 2 for row in rows)  # one row per flagged sample


def test_plan_is_the_same_for_any_number_of_workers(toy_dataset):
    one = build_plan(_settings(toy_dataset, dry_run=True), log=lambda _: None)
    settings = _settings(toy_dataset, dry_run=True)
    settings.workers = 2
    two = build_plan(settings, log=lambda _: None)
    assert json.dumps(one.to_json()) == json.dumps(two.to_json())


def test_descriptors_stream_to_disk_and_the_plan_is_the_same(toy_dataset, monkeypatch):
    from practicum_work.data.label_fix import descriptor_store

    in_memory = build_plan(_settings(toy_dataset, dry_run=True), log=lambda _: None)
    held = []
    classify = pipeline._classify

    def spy(settings, scans, imagenet, store, log):
        held.append([scan.features for scan in scans])
        return classify(settings, scans, imagenet, store, log)

    monkeypatch.setattr(pipeline, '_classify', spy)
    monkeypatch.setattr(descriptor_store, 'IN_MEMORY_BYTES', 0)  # a large dataset: blocks
    monkeypatch.setattr(descriptor_store, 'BLOCK_ROWS', 5)
    from_disk = build_plan(_settings(toy_dataset, dry_run=True), log=lambda _: None)
    assert held and all(features is None for features in held[0])  # no scan keeps them
    assert json.dumps(from_disk.to_json()) == json.dumps(in_memory.to_json())


def _corrupt(root: Path) -> None:
    """Broken files of every kind in a copy of the tiny demo dataset."""
    labels, images = root / 'labels' / 'train', root / 'img' / 'train'
    mask = cv2.imread(str(labels / 'train_0000.png'), 0)
    cv2.imwrite(str(labels / 'train_0000.png'), np.repeat(mask[..., None], 3, axis=2))
    mask = cv2.imread(str(labels / 'train_0001.png'), 0)
    palette = Image.frombytes('P', mask.shape[::-1], mask.tobytes())
    palette.putpalette([v for i in range(256) for v in (255 - i, i, 9)])
    palette.save(labels / 'train_0001.png')
    mask = cv2.imread(str(labels / 'train_0002.png'), 0)
    mask[:4, :4] = 128
    cv2.imwrite(str(labels / 'train_0002.png'), mask)
    mask = cv2.imread(str(labels / 'train_0005.png'), 0)
    cv2.imwrite(str(labels / 'train_0005.png'), mask[:-8, :-8])
    data = (images / 'train_0006.jpg').read_bytes()
    (images / 'train_0006.jpg').write_bytes(data[: len(data) // 3])
    (labels / 'train_0007.png').unlink()
    (images / 'train_0004.jpg').unlink()
    cv2.imwrite(str(root / 'labels/val/val_0000.png'), np.zeros((64, 64), np.uint8))


def test_broken_files_each_get_their_decision(tiny_dataset, tmp_path):
    root = tmp_path / 'pets_broken'
    shutil.copytree(tiny_dataset, root)
    for n in range(8, 12):  # sound samples enough that the copy keeps most of train
        for kind, suffix in (('img', '.jpg'), ('labels', '.png')):
            shutil.copy2(root / kind / 'train' / f'train_0006{suffix}',
                         root / kind / 'train' / f'train_{n:04d}{suffix}')  # fmt: skip
    _corrupt(root)
    messages: list[str] = []
    out = tmp_path / 'clean'
    result = run_fix_labels(_settings(root, out=out), log=messages.append)
    items = {(i.split, i.stem): i for i in result.plan.items}
    expect = {
        ('train', 'train_0000'): ('fix', 'rgb_mask'),
        ('train', 'train_0001'): ('fix', 'palette_mask'),
        ('train', 'train_0002'): ('fix', 'stray_values'),
        ('train', 'train_0005'): ('drop', 'size_mismatch'),
        ('train', 'train_0006'): ('left_out', 'truncated_image'),
        ('train', 'train_0007'): ('left_out', 'image_without_mask'),
        ('train', 'train_0004'): ('left_out', 'mask_without_image'),
        ('val', 'val_0000'): ('drop', 'empty_mask'),
    }
    for key, (decision, issue) in expect.items():
        assert items[key].decision == decision, key
        assert issue in items[key].issues, key
    # Too few animals for 4-fold cross-validation here: said once, recorded, nothing guessed.
    assert any('species check skipped' in m for m in messages)
    assert 'skipped' in result.plan.classifier
    for stem in ('train_0000', 'train_0001', 'train_0002'):
        cleaned = Image.open(out / 'labels/train' / f'{stem}.png')
        assert cleaned.mode == 'L'
        assert set(np.unique(np.array(cleaned))) <= {0, 1, 2, 255}
    original = cv2.imread(str(tiny_dataset / 'labels/train/train_0001.png'), 0)
    assert np.array_equal(cv2.imread(str(out / 'labels/train/train_0001.png'), 0), original)
    for split, stem in [k for k, (d, _) in expect.items() if d in ('drop', 'left_out')]:
        assert not list((out / 'img' / split).glob(f'{stem}.*'))
        assert not (out / 'labels' / split / f'{stem}.png').exists()
    manifest = json.loads((out / 'manifest.json').read_text())
    left_out = ['train/train_0004', 'train/train_0006', 'train/train_0007']
    assert sorted(manifest['left_out']) == left_out
    assert manifest['statistics']['before']['train']['class_pixels']['stray'] == 16
    assert manifest['statistics']['after']['train']['class_pixels']['stray'] == 0


def test_resize_policy_keeps_a_mismatched_mask(tiny_dataset, tmp_path):
    root = tmp_path / 'pets_small_mask'
    shutil.copytree(tiny_dataset, root)
    mask = cv2.imread(str(root / 'labels/train/train_0000.png'), 0)
    cv2.imwrite(str(root / 'labels/train/train_0000.png'), mask[::2, ::2])
    settings = _settings(root, out=tmp_path / 'c', size_policy='resize')
    run_fix_labels(settings, log=lambda _: None)
    resized = cv2.imread(str(tmp_path / 'c/labels/train/train_0000.png'), 0)
    assert resized.shape == (64, 64) and set(np.unique(resized)) <= set(np.unique(mask))


def test_outputs_are_refused_inside_or_around_the_input_or_when_they_exist(toy_dataset, tmp_path):
    with pytest.raises(PetsegError, match='inside the input'):
        build_plan(_settings(toy_dataset, out=toy_dataset / 'clean'))
    with pytest.raises(PetsegError, match='contains the input'):
        build_plan(_settings(toy_dataset, out=toy_dataset.parent))
    (tmp_path / 'exists').mkdir()
    with pytest.raises(OutputExistsError, match='--overwrite'):
        build_plan(_settings(toy_dataset, out=tmp_path / 'exists'))
    with pytest.raises(DataLayoutError, match='does not exist'):
        build_plan(_settings(tmp_path / 'missing', out=tmp_path / 'o'))
    with pytest.raises(PetsegError, match='--out is required'):
        build_plan(_settings(toy_dataset))


def test_imagenet_without_weights_says_so_once_and_uses_self(toy_dataset, monkeypatch):
    from practicum_work.data.label_fix import species_classifier_imagenet as imagenet

    def unavailable(*_args, **_kwargs):
        raise imagenet.WeightsUnavailableError('the Hugging Face hub cannot be reached')

    monkeypatch.setattr(imagenet, 'load_imagenet_classifier', unavailable)
    messages: list[str] = []
    plan = build_plan(_settings(toy_dataset, dry_run=True, classifier='imagenet'), messages.append)
    assert len(messages) == 1 and 'using the self classifier' in messages[0]
    assert plan.classifier['requested'] == 'imagenet' and plan.classifier['used'] == 'self'
    assert plan.settings['swap_threshold'] == pipeline.DEFAULT_SWAP_THRESHOLD['self']
