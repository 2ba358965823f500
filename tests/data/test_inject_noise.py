"""petseg inject-noise on a dataset that is not demo data: rates, ground truth, safety."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.cli import main
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.data.inject_noise import inject_noise
from practicum_work.data.noise_injection import NOISE_TYPES, noise_file_for, type_counts
from tests.conftest import write_toy_dataset

QUIET = dict(workers=1, show_progress=False)


def _digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob('*') if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def _real_like(root: Path) -> Path:
    """Toy animals with an ignore border (as converted trimaps have), some PNG images."""
    write_toy_dataset(root, {'train': 24, 'val': 14, 'test': 4}, size=64)
    for mask_path in sorted(root.glob('labels/*/*.png')):
        mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
        ring = cv2.dilate((mask > 0).astype(np.uint8), np.ones((5, 5), np.uint8)) & (mask == 0)
        mask[ring > 0] = 255
        cv2.imwrite(str(mask_path), mask)
    for image_path in sorted(root.glob('img/*/*_000[13].jpg')):
        cv2.imwrite(str(image_path.with_suffix('.png')), cv2.imread(str(image_path)))
        image_path.unlink()
    return root


@pytest.fixture(scope='module')
def real_like(tmp_path_factory) -> Path:
    return _real_like(tmp_path_factory.mktemp('src') / 'pets')


@pytest.fixture(scope='module')
def injected(real_like, tmp_path_factory):
    before = _digest(real_like)
    out = tmp_path_factory.mktemp('out') / 'pets_noisy'
    summary = inject_noise(real_like, out, seed=3, **QUIET)
    assert _digest(real_like) == before  # the source is never modified
    return out, summary, json.loads(noise_file_for(out).read_text())


def _mask(path: Path) -> np.ndarray:
    return np.array(Image.open(path))


def test_default_preset_rates_and_ground_truth(injected, real_like):
    out, summary, truth = injected
    assert truth['preset'] == 'default' and truth['seed'] == 3
    assert truth['source'] == str(real_like) and truth['noisy_splits'] == ['train', 'val']
    assert noise_file_for(out) == out.parent / 'pets_noisy.noise.json'
    for split, n in (('train', 24), ('val', 14)):
        types = [i['type'] for i in truth['items'] if i['split'] == split]
        assert {t: types.count(t) for t in NOISE_TYPES} == type_counts(n)
        stems = [i['stem'] for i in truth['items'] if i['split'] == split]
        assert len(stems) == len(set(stems))  # one fault per image
        assert summary.counts[split] == truth['counts'][split]
    assert not [i for i in truth['items'] if i['split'] == 'test']
    assert truth['not_eligible'] == []


def test_only_the_listed_files_differ(injected, real_like):
    out, _, truth = injected
    touched = {(item['split'], item['stem']) for item in truth['items']}
    for path in sorted(p for p in real_like.rglob('*') if p.is_file()):
        rel = path.relative_to(real_like)
        if (rel.parts[1], path.stem) not in touched:
            assert (out / rel).read_bytes() == path.read_bytes(), rel


def test_each_fault_is_in_the_files(injected, real_like):
    out, _, truth = injected
    for item in truth['items']:
        rel = item['files'][0]
        kind = item['type']
        if kind in ('swap', 'empty_mask', 'tiny_mask', 'stray_values'):
            before, after = _mask(real_like / rel), _mask(out / rel)
        if kind == 'swap':
            expected = np.where(before == 1, 2, np.where(before == 2, 1, before))
            assert np.array_equal(after, expected) and (after == 255).sum() == (before == 255).sum()
        elif kind == 'empty_mask':
            assert np.isin(before, (1, 2)).any() and not np.isin(after, (1, 2)).any()
        elif kind == 'tiny_mask':
            kept = np.isin(after, (1, 2))
            assert 1 <= kept.sum() <= 9 and np.array_equal(after[kept], before[kept])
        elif kind == 'stray_values':
            changed = after != before
            assert changed.any() and set(np.unique(after[changed])) <= {3, 128, 254}
        elif kind == 'truncated_image':
            data = (out / rel).read_bytes()
            assert (real_like / rel).read_bytes().startswith(data)
            assert not data.endswith(b'\xff\xd9') and b'IEND' not in data[-12:]
        elif kind == 'grayscale_image':
            assert Image.open(out / rel).mode == 'L'  # same name, so the same file format
        elif kind == 'image_without_mask':
            assert not list((out / 'labels' / item['split']).glob(f'{item["stem"]}.png'))
        elif kind == 'mask_without_image':
            assert not list((out / 'img' / item['split']).glob(f'{item["stem"]}.*'))
        elif kind == 'palette_mask':
            assert Image.open(out / rel).mode == 'P'
            assert np.array_equal(_mask(out / rel), _mask(real_like / rel))
        elif kind == 'rgb_mask':
            assert Image.open(out / rel).mode == 'RGB'
        elif kind == 'size_mismatch':
            image = next((out / 'img' / item['split']).glob(f'{item["stem"]}.*'))
            assert _mask(out / rel).shape != np.array(Image.open(image)).shape[:2]
        assert item['detail']


def test_same_seed_same_bytes_any_workers_and_swaps_only(real_like, injected, tmp_path):
    out, _, truth = injected
    again = tmp_path / 'again'
    inject_noise(real_like, again, seed=3, workers=2, show_progress=False)
    assert _digest(again) == _digest(out)
    assert json.loads(noise_file_for(again).read_text())['items'] == truth['items']
    swaps = tmp_path / 'swaps'
    inject_noise(real_like, swaps, preset='swaps-only', seed=3, **QUIET)
    items = json.loads(noise_file_for(swaps).read_text())['items']
    assert {i['type'] for i in items} == {'swap'}
    assert len([i for i in items if i['split'] == 'train']) == type_counts(24, 'swaps-only')['swap']


def test_broken_source_samples_are_not_eligible(real_like, tmp_path):
    source = tmp_path / 'src'
    _real_like(source)
    broken = source / 'img' / 'train' / 'train_0000.jpg'
    broken.write_bytes(broken.read_bytes()[:200])
    inject_noise(source, tmp_path / 'out', seed=0, **QUIET)
    truth = json.loads(noise_file_for(tmp_path / 'out').read_text())
    assert len(truth['not_eligible']) == 1 and 'train_0000' in truth['not_eligible'][0]
    assert 'train_0000' not in {i['stem'] for i in truth['items']}
    copied = tmp_path / 'out' / 'img' / 'train' / 'train_0000.jpg'
    assert copied.read_bytes() == broken.read_bytes()


def test_refusals_write_nothing(real_like, injected, tmp_path):
    out, _, _ = injected
    with pytest.raises(OutputExistsError):
        inject_noise(real_like, out, **QUIET)
    noise_file_for(tmp_path / 'fresh').write_text('{}')
    with pytest.raises(OutputExistsError, match=r'noise\.json'):
        inject_noise(real_like, tmp_path / 'fresh', **QUIET)
    assert not (tmp_path / 'fresh').exists()
    with pytest.raises(PetsegError, match='inside the input'):
        inject_noise(real_like, real_like / 'noisy', **QUIET)
    with pytest.raises(DataLayoutError, match="split 'holdout'"):
        inject_noise(real_like, tmp_path / 'x', splits=('holdout',), **QUIET)
    with pytest.raises(PetsegError, match='unknown noise preset'):
        inject_noise(real_like, tmp_path / 'y', preset='heavy', **QUIET)
    assert not (tmp_path / 'x').exists() and not (tmp_path / 'y').exists()


def test_cli_prints_counts_and_refuses_an_existing_output(real_like, tmp_path, capsys):
    argv = ['inject-noise', '--data-root', str(real_like), '--out', str(tmp_path / 'n')]
    assert main([*argv, '--workers', '1', '--preset', 'labels-only']) == 0
    printed = capsys.readouterr().out
    assert 'injected into train (5 of 24 images): swap 2' in printed
    assert str(noise_file_for(tmp_path / 'n')) in printed
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'already exists' in err[0]


def test_a_split_too_small_for_the_preset_names_inject_noise_options(tmp_path, capsys):
    """6 val images cannot take one of each default fault: the hint names --preset and
    --splits (inject-noise has no --noise option; that is demo-data's)."""
    source = tmp_path / 'small'
    write_toy_dataset(source, {'train': 24, 'val': 6}, size=64)
    argv = ['inject-noise', '--data-root', str(source), '--out', str(tmp_path / 'n')]
    assert main([*argv, '--workers', '1']) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "split 'val'" in err
    assert '--noise' not in err and '--preset labels-only' in err and '--splits train' in err
    assert not (tmp_path / 'n').exists()
    for fix in (['--preset', 'labels-only'], ['--splits', 'train']):  # the hints work
        out = tmp_path / f'n{len(fix[1])}'
        assert main([*argv[:-1], str(out), *fix, '--workers', '1']) == 0
