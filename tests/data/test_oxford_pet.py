"""convert-oxford-pet on a small fixture in the exact Oxford-IIIT Pet format."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from practicum_work.cli import main
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.data.oxford_pet import carve_val, convert_oxford_pet, read_annotation_file

HEADER = (
    '#Image CLASS-ID SPECIES BREED ID\n#ID: 1:37 Class ids\n#SPECIES: 1:Cat 2:Dog\n'
    '#BREED ID: 1-25:Cat 1:12:Dog\n'
)
# name, CLASS-ID, SPECIES, BREED-ID, split, (height, width)
PETS = [
    ('Abyssinian_1', 1, 1, 1, 'trainval', (120, 160)),
    ('Abyssinian_2', 1, 1, 1, 'trainval', (100, 100)),
    ('Bengal_7', 6, 1, 6, 'trainval', (90, 140)),
    ('beagle_3', 11, 2, 3, 'trainval', (160, 120)),
    ('beagle_4', 11, 2, 3, 'trainval', (80, 80)),
    ('beagle_5', 11, 2, 3, 'trainval', (64, 96)),
    ('Bengal_9', 6, 1, 6, 'test', (96, 96)),
    ('pug_12', 30, 2, 19, 'test', (150, 100)),
]


def _trimap(height: int, width: int) -> np.ndarray:
    """Background 2 everywhere, a pet (1) rectangle with a 2-px border (3)."""
    trimap = np.full((height, width), 2, np.uint8)
    trimap[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = 3
    trimap[height // 4 + 2 : 3 * height // 4 - 2, width // 4 + 2 : 3 * width // 4 - 2] = 1
    return trimap


def make_oxford_fixture(root: Path) -> Path:
    """images/*.jpg, annotations/{list,trainval,test}.txt, annotations/trimaps/*.png."""
    (root / 'images').mkdir(parents=True)
    (root / 'annotations' / 'trimaps').mkdir(parents=True)
    rng = np.random.default_rng(0)
    lines = {'list': [], 'trainval': [], 'test': []}
    for name, class_id, species, breed, split, (h, w) in PETS:
        image = rng.integers(0, 256, (h, w, 3), np.uint8)
        cv2.imwrite(str(root / 'images' / f'{name}.jpg'), image)
        cv2.imwrite(str(root / 'annotations' / 'trimaps' / f'{name}.png'), _trimap(h, w))
        line = f'{name} {class_id} {species} {breed}'
        lines['list'].append(line)
        lines[split].append(line)
    (root / 'annotations' / 'list.txt').write_text(HEADER + '\n'.join(lines['list']) + '\n')
    for split in ('trainval', 'test'):
        (root / 'annotations' / f'{split}.txt').write_text('\n'.join(lines[split]) + '\n')
    return root


@pytest.fixture
def oxford(tmp_path) -> Path:
    return make_oxford_fixture(tmp_path / 'oxford-iiit-pet')


def test_conversion_layout_labels_and_sizes(oxford, tmp_path):
    out = tmp_path / 'oxford_pets'
    summary = convert_oxford_pet(
        oxford, out, size=64, val_fraction=0.34, workers=1, show_progress=False
    )
    assert sum(summary.counts.values()) == len(PETS) and summary.counts['test'] == 2
    assert summary.left_out == []
    for name, _, species, _, split, (h, w) in PETS:
        found = [
            s for s in ('train', 'val', 'test') if (out / 'labels' / s / f'{name}.png').exists()
        ]
        assert len(found) == 1
        assert (found[0] == 'test') == (split == 'test')
        mask = cv2.imread(str(out / 'labels' / found[0] / f'{name}.png'), cv2.IMREAD_UNCHANGED)
        image = cv2.imread(str(out / 'img' / found[0] / f'{name}.jpg'))
        assert mask.ndim == 2 and image.shape[:2] == mask.shape
        assert max(mask.shape) == 64
        assert mask.shape[0] / mask.shape[1] == pytest.approx(h / w, rel=0.05)
        assert set(np.unique(mask)) == {0, species, 255}  # nearest: no blended values
    assert json.loads((out / 'conversion.json').read_text())['counts'] == summary.counts


def test_border_as_pet(oxford, tmp_path):
    convert_oxford_pet(
        oxford, tmp_path / 'o', size=200, border='pet', workers=1, show_progress=False
    )
    mask = cv2.imread(str(tmp_path / 'o/labels/test/pug_12.png'), cv2.IMREAD_UNCHANGED)
    assert set(np.unique(mask)) == {0, 2}


def test_val_split_is_deterministic_and_per_breed():
    records = read_annotation_file_from(PETS)
    train_a, val_a = carve_val(records, 0.34, seed=0)
    _, val_b = carve_val(records, 0.34, seed=0)
    assert [r.name for r in val_a] == [r.name for r in val_b]
    assert len(val_a) == 2  # one of 3 beagles, one of 2 Abyssinians; 1 Bengal rounds to 0
    assert {r.class_id for r in val_a} == {1, 11}
    assert len(train_a) + len(val_a) == len(records)
    seeds = {tuple(r.name for r in carve_val(records, 0.34, seed=s)[1]) for s in range(10)}
    assert len(seeds) > 1


def read_annotation_file_from(pets):
    from practicum_work.data.oxford_pet import PetRecord

    return [PetRecord(n, c, s) for n, c, s, _, split, _ in pets if split == 'trainval']


def test_missing_files_and_bad_lines_are_named(oxford, tmp_path):
    with pytest.raises(DataLayoutError, match='does not exist'):
        convert_oxford_pet(tmp_path / 'nowhere', tmp_path / 'o')
    (oxford / 'annotations' / 'test.txt').unlink()
    with pytest.raises(DataLayoutError, match=r'test\.txt is missing'):
        convert_oxford_pet(oxford, tmp_path / 'o')
    bad = oxford / 'annotations' / 'trainval.txt'
    bad.write_text('Abyssinian_1 1 3 1\n')
    with pytest.raises(PetsegError, match=r'trainval\.txt:1: SPECIES must be 1'):
        read_annotation_file(bad)
    bad.write_text('# comment\nAbyssinian_1 x\n')
    with pytest.raises(PetsegError, match=r'trainval\.txt:2: expected'):
        read_annotation_file(bad)


def test_missing_image_is_left_out_and_listed(oxford, tmp_path):
    (oxford / 'images' / 'beagle_4.jpg').unlink()
    summary = convert_oxford_pet(oxford, tmp_path / 'o', size=32, workers=1, show_progress=False)
    assert len(summary.left_out) == 1 and 'beagle_4.jpg is missing' in summary.left_out[0]
    assert sum(summary.counts.values()) == len(PETS) - 1


def test_cli_workers_atomic_output_and_overwrite(oxford, tmp_path, capsys):
    out = tmp_path / 'oxford_pets'
    argv = ['convert-oxford-pet', '--src', str(oxford), '--out', str(out), '--size', '48']
    assert main([*argv, '--workers', '2']) == 0
    assert 'wrote' in capsys.readouterr().out
    one = {p.relative_to(out): p.read_bytes() for p in out.rglob('*.png')}
    assert main(argv) == 2 and '--overwrite' in capsys.readouterr().err
    assert main([*argv, '--workers', '1', '--overwrite']) == 0
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob('*.png')} == one
    assert main(['convert-oxford-pet', '--src', str(oxford), '--out', str(oxford / 'x')]) == 2
    assert 'inside the input' in capsys.readouterr().err


def test_existing_output_is_refused(oxford, tmp_path):
    (tmp_path / 'o').mkdir()
    with pytest.raises(OutputExistsError):
        convert_oxford_pet(oxford, tmp_path / 'o', workers=1, show_progress=False)


def test_torchvision_download_root_is_accepted_as_src(tmp_path):
    # torchvision.datasets.OxfordIIITPet(root, download=True) writes root/oxford-iiit-pet/.
    make_oxford_fixture(tmp_path / 'tv' / 'oxford-iiit-pet')
    out = tmp_path / 'out'
    summary = convert_oxford_pet(tmp_path / 'tv', out, size=64, workers=1, show_progress=False)
    assert sum(summary.counts.values()) == len(PETS)
    assert summary.src.endswith('oxford-iiit-pet')


def test_download_uses_torchvision_and_converts(tmp_path, monkeypatch, capsys):
    import torchvision.datasets as tv_datasets

    calls = []

    def fake_download(self):  # torchvision's own downloader, without the network
        calls.append(Path(self.root))
        make_oxford_fixture(Path(self.root) / 'oxford-iiit-pet')

    monkeypatch.setattr(tv_datasets.OxfordIIITPet, '_download', fake_download)
    argv = ['convert-oxford-pet', '--download', str(tmp_path / 'tv'), '--out', str(tmp_path / 'o')]
    assert main([*argv, '--size', '64', '--workers', '1']) == 0
    assert calls == [tmp_path / 'tv']
    assert (tmp_path / 'o' / 'conversion.json').is_file()
    assert 'oxford-iiit-pet' in capsys.readouterr().out
    # Already downloaded: torchvision checks the folders and fetches nothing.
    monkeypatch.setattr(tv_datasets.OxfordIIITPet, '_download', lambda self: calls.append('x'))
    argv[-1] = str(tmp_path / 'o2')
    assert main([*argv, '--size', '64', '--workers', '1']) == 0
    assert calls[-1] == 'x' and (tmp_path / 'o2' / 'conversion.json').is_file()


def test_download_offline_is_one_line_and_leaves_nothing(tmp_path, monkeypatch, capsys):
    import urllib.error

    import torchvision.datasets.utils as tv_utils

    def no_network(*args, **kwargs):
        raise urllib.error.URLError('[Errno -2] Name or service not known')

    # No network in tests: the first request torchvision makes fails as it does offline.
    monkeypatch.setattr(tv_utils, '_get_redirect_url', no_network)
    argv = ['convert-oxford-pet', '--download', str(tmp_path / 'tv'), '--out', str(tmp_path / 'o')]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and 'cannot download Oxford-IIIT Pet' in err[0]
    assert 'URLError' in err[0] and '--src' in err[0]
    assert not (tmp_path / 'tv').exists() and not (tmp_path / 'o').exists()


def _add_unlisted(oxford: Path) -> None:
    """Two images with trimaps that no annotation file lists, as in the real archive."""
    for name in ('Sphynx_77', 'pug_99'):
        cv2.imwrite(str(oxford / 'images' / f'{name}.jpg'), np.zeros((40, 60, 3), np.uint8))
        cv2.imwrite(str(oxford / 'annotations' / 'trimaps' / f'{name}.png'), _trimap(40, 60))


def test_unlisted_images_are_left_out_with_a_reason_and_one_line(oxford, tmp_path, capsys):
    _add_unlisted(oxford)
    out = tmp_path / 'out'
    argv = ['convert-oxford-pet', '--src', str(oxford), '--out', str(out), '--workers', '1']
    assert main(argv) == 0
    printed = capsys.readouterr().out
    lines = [line for line in printed.splitlines() if 'not listed' in line]
    assert len(lines) == 1 and 'Sphynx_77' in lines[0] and '--include-unlisted' in lines[0]
    record = json.loads((out / 'conversion.json').read_text())
    reasons = {entry.split(':')[0]: entry for entry in record['left_out']}
    assert set(reasons) == {'images/Sphynx_77.jpg', 'images/pug_99.jpg'}
    assert 'not listed in annotations/trainval.txt or test.txt' in reasons['images/pug_99.jpg']
    assert sum(record['counts'].values()) == len(PETS)


def test_unlisted_images_are_converted_only_when_asked(oxford, tmp_path):
    _add_unlisted(oxford)
    summary = convert_oxford_pet(
        oxford, tmp_path / 'out', size=64, include_unlisted=True, workers=1, show_progress=False
    )
    assert summary.left_out == [] and summary.counts['train'] + summary.counts['val'] == 8
    assert summary.unlisted == {'Sphynx_77': 'cat (file name)', 'pug_99': 'dog (file name)'}
    cat = cv2.imread(str(tmp_path / 'out/labels/train/Sphynx_77.png'), cv2.IMREAD_UNCHANGED)
    dog = cv2.imread(str(tmp_path / 'out/labels/train/pug_99.png'), cv2.IMREAD_UNCHANGED)
    assert set(np.unique(cat)) == {0, 1, 255} and set(np.unique(dog)) == {0, 2, 255}
