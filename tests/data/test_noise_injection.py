"""Injected demo noise: every type present, really in the files, deterministic, test clean."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from practicum_work.cli import main
from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.data.demo_data import generate_demo_dataset
from practicum_work.data.noise_injection import (
    NOISE_TYPES,
    STRAY_VALUES,
    noise_file_for,
    type_counts,
)

SMALL = dict(seed=0, n_train=14, n_val=14, n_test=4, size=64, show_progress=False)


def _files(root):
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob('*.*')
        if p.suffix in ('.jpg', '.png')
    }


@pytest.fixture(scope='module')
def twins(tmp_path_factory):
    """The same seed rendered clean and with the default noise."""
    base = tmp_path_factory.mktemp('noise')
    generate_demo_dataset(base / 'clean', noise='none', workers=1, **SMALL)
    generate_demo_dataset(base / 'noisy', noise='default', workers=1, **SMALL)
    truth = json.loads(noise_file_for(base / 'noisy').read_text())
    return base / 'clean', base / 'noisy', truth


def _mask(root, rel):
    return np.array(Image.open(root / rel))


def test_every_type_in_every_noisy_split_at_the_documented_counts(twins):
    _, _, truth = twins
    assert truth['preset'] == 'default' and truth['seed'] == 0
    for split in ('train', 'val'):
        types = [i['type'] for i in truth['items'] if i['split'] == split]
        assert {t: types.count(t) for t in NOISE_TYPES} == type_counts(14)
        stems = [i['stem'] for i in truth['items'] if i['split'] == split]
        assert len(stems) == len(set(stems))  # one fault per image
        assert all(s.startswith(f'{split}_') and len(s) == len(split) + 5 for s in stems)
    assert not [i for i in truth['items'] if i['split'] == 'test']
    assert type_counts(200)['swap'] == 20 and type_counts(60)['stray_values'] == 1


def test_only_the_listed_files_differ_and_the_test_split_is_clean(twins):
    clean, noisy, truth = twins
    clean_files, noisy_files = _files(clean), _files(noisy)
    touched = {
        f'{d}/{i["split"]}/{i["stem"]}.{e}'
        for i in truth['items']
        for d, e in (('img', 'jpg'), ('labels', 'png'))
    }
    for rel, data in clean_files.items():
        if rel not in touched:
            assert noisy_files[rel] == data, rel
    assert all(rel.split('/')[1] != 'test' for rel in touched)


def test_each_fault_is_really_in_the_files(twins):
    clean, noisy, truth = twins
    seen = set()
    for item in truth['items']:
        split, stem, kind = item['split'], item['stem'], item['type']
        image_rel, mask_rel = f'img/{split}/{stem}.jpg', f'labels/{split}/{stem}.png'
        before = _mask(clean, mask_rel)
        if kind == 'swap':
            assert len(set(np.unique(before)) - {0}) == 1
            expected = np.where(before == 1, 2, np.where(before == 2, 1, before))
            assert np.array_equal(_mask(noisy, mask_rel), expected)
        elif kind == 'empty_mask':
            assert before.any() and not _mask(noisy, mask_rel).any()
        elif kind == 'tiny_mask':
            after = _mask(noisy, mask_rel)
            assert 1 <= np.count_nonzero(after) <= 9 < np.count_nonzero(before)
            assert np.array_equal(after[after > 0], before[after > 0])
        elif kind == 'stray_values':
            after = _mask(noisy, mask_rel)
            changed = after != before
            assert changed.any() and set(np.unique(after[changed])) <= set(STRAY_VALUES)
        elif kind == 'size_mismatch':
            assert _mask(noisy, mask_rel).shape != np.array(Image.open(noisy / image_rel)).shape[:2]
        elif kind == 'truncated_image':
            data = (noisy / image_rel).read_bytes()
            assert (clean / image_rel).read_bytes().startswith(data)
            assert not data.endswith(b'\xff\xd9')
            with Image.open(noisy / image_rel) as image, pytest.raises(OSError, match='truncated'):
                image.load()
        elif kind == 'image_without_mask':
            assert (noisy / image_rel).is_file() and not (noisy / mask_rel).exists()
        elif kind == 'mask_without_image':
            assert (noisy / mask_rel).is_file() and not (noisy / image_rel).exists()
        elif kind == 'rgb_mask':
            after = np.array(Image.open(noisy / mask_rel))
            assert Image.open(noisy / mask_rel).mode == 'RGB'
            assert all(np.array_equal(after[..., c], before) for c in range(3))
        elif kind == 'palette_mask':
            assert Image.open(noisy / mask_rel).mode == 'P'
            assert np.array_equal(_mask(noisy, mask_rel), before)
        elif kind == 'grayscale_image':
            assert Image.open(noisy / image_rel).mode == 'L'
        seen.add(kind)
        assert all(not f.startswith('/') for f in item['files']) and item['detail']
    assert seen == set(NOISE_TYPES)


def test_same_seed_same_bytes_for_any_workers_other_seed_other_noise(tmp_path, twins):
    _, noisy, truth = twins
    generate_demo_dataset(tmp_path / 'again', noise='default', workers=2, **SMALL)
    assert _files(tmp_path / 'again') == _files(noisy)
    assert json.loads(noise_file_for(tmp_path / 'again').read_text()) == truth
    other = dict(SMALL, seed=1)
    generate_demo_dataset(tmp_path / 'other', noise='default', workers=1, **other)
    other_truth = json.loads(noise_file_for(tmp_path / 'other').read_text())
    assert [(i['stem'], i['type']) for i in other_truth['items']] != [
        (i['stem'], i['type']) for i in truth['items']
    ]


def test_ground_truth_is_refused_and_replaced_with_the_dataset(tmp_path):
    out = tmp_path / 'd'
    tiny = dict(SMALL, n_train=12, n_val=12, n_test=1, size=32)
    generate_demo_dataset(out, noise='default', **tiny)
    with pytest.raises(OutputExistsError):
        generate_demo_dataset(out, noise='default', **tiny)
    generate_demo_dataset(out, noise='default', overwrite=True, **dict(tiny, seed=5))
    assert json.loads(noise_file_for(out).read_text())['seed'] == 5
    generate_demo_dataset(out, noise='none', overwrite=True, **tiny)
    assert not noise_file_for(out).exists()  # a stale ground truth never outlives its dataset
    noise_file_for(tmp_path / 'e').write_text('{}')
    with pytest.raises(OutputExistsError, match=r'e\.noise\.json'):
        generate_demo_dataset(tmp_path / 'e', noise='none', **tiny)
    assert not (tmp_path / 'e').exists()


def test_too_small_a_split_is_a_clear_error(tmp_path):
    with pytest.raises(PetsegError, match='--noise none'):
        generate_demo_dataset(tmp_path / 'd', noise='default', **dict(SMALL, n_train=6))
    assert not (tmp_path / 'd').exists()


def test_cli_defaults_to_noise_and_prints_the_counts(tmp_path, capsys):
    out = tmp_path / 'd'
    args = ['demo-data', '--out', str(out), '--n-train', '12', '--n-val', '12', '--n-test', '2']
    assert main([*args, '--size', '32', '--workers', '1']) == 0
    printed = capsys.readouterr().out
    assert 'injected into train (11 images)' in printed and 'truncated_image 1' in printed
    assert str(noise_file_for(out)) in printed
    assert main([*args, '--size', '32']) == 2  # exists, no --overwrite
