"""``run_eda`` on a dataset of bad inputs: every one found, the input untouched, outputs valid."""

from __future__ import annotations

import json
import shutil

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.core.findings import CHECKS
from practicum_work.data.eda.run import run_eda

UNICODE_STEM = 'chat été 01'
UNICODE_FLAGGED = 'собака пустая 02'
# (split, stem) -> the kind of finding it must produce
EXPECTED = {
    ('train', 'zero'): 'unreadable_image',
    ('train', 'zero_mask'): 'unreadable_mask',
    ('train', 'trunc'): 'truncated_image',
    ('train', 'text'): 'unreadable_image',
    ('train', 'm16'): 'mask_16bit',
    ('train', 'rgba'): 'image_mode',
    ('train', 'gray'): 'grayscale_image',
    ('train', 'rgbmask'): 'rgb_mask',
    ('train', 'palmask'): 'palette_mask',
    ('train', 'size'): 'size_mismatch',
    ('train', 'stray'): 'stray_values',
    ('train', 'empty'): 'empty_mask',
    ('train', UNICODE_FLAGGED): 'empty_mask',
    ('train', 'lonely'): 'image_without_mask',
    ('train', 'orphan'): 'mask_without_image',
    ('train', 'good_0_copy'): 'duplicate_image',
    ('val', 'v0'): 'image_without_mask',
    ('extra', 'x0'): 'mask_without_image',
}


def _labels(seed=0, shape=(64, 64)):
    mask = np.zeros(shape, np.uint8)
    mask[10:40, 12:30] = 1 + seed % 2
    return mask


def _image(seed=0, shape=(64, 64)):
    return np.random.default_rng(seed).integers(0, 256, (*shape, 3), dtype=np.uint8)


def make_bad_dataset(root):
    """One file per bad input of the brief, plus clean pairs and a split without labels."""
    img, lab = root / 'img' / 'train', root / 'labels' / 'train'
    img.mkdir(parents=True)
    lab.mkdir(parents=True)
    for i, stem in enumerate(
        [
            'good_0',
            'good_1',
            'trunc',
            'gray',
            'rgbmask',
            'palmask',
            'm16',
            'size',
            'stray',
            'empty',
            'lonely',
            UNICODE_STEM,
            'zero_mask',
        ]
    ):
        cv2.imwrite(str(img / f'{stem}.jpg'), _image(i))
        cv2.imwrite(str(lab / f'{stem}.png'), _labels(i))
    shutil.copy(img / 'good_0.jpg', img / 'good_0_copy.jpg')
    cv2.imwrite(str(lab / 'good_0_copy.png'), _labels(0))
    data = (img / 'trunc.jpg').read_bytes()
    (img / 'trunc.jpg').write_bytes(data[: len(data) // 2])
    (img / 'zero.jpg').write_bytes(b'')
    cv2.imwrite(str(lab / 'zero.png'), _labels())
    (lab / 'zero_mask.png').write_bytes(b'')
    (img / 'text.png').write_text('this is a text file named .png\n')
    cv2.imwrite(str(lab / 'text.png'), _labels())
    cv2.imwrite(str(img / 'rgba.png'), np.dstack([_image(23), np.full((64, 64), 200, np.uint8)]))
    cv2.imwrite(str(lab / 'rgba.png'), _labels())
    cv2.imwrite(str(img / 'gray.jpg'), _image(3)[..., 0])
    cv2.imwrite(str(lab / 'rgbmask.png'), np.dstack([_labels()] * 3))
    palette = Image.frombytes('P', (64, 64), _labels().tobytes())
    palette.putpalette([0, 0, 0, 255, 140, 0, 30, 144, 255] + [0] * 759)
    palette.save(lab / 'palmask.png')
    cv2.imwrite(str(lab / 'm16.png'), _labels().astype(np.uint16))
    cv2.imwrite(str(lab / 'size.png'), _labels(shape=(32, 48)))
    stray = _labels()
    stray[50:55, 50:55] = 128
    cv2.imwrite(str(lab / 'stray.png'), stray)
    cv2.imwrite(str(lab / 'empty.png'), np.zeros((64, 64), np.uint8))
    cv2.imwrite(str(img / f'{UNICODE_FLAGGED}.jpg'), _image(21))
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(lab / f'{UNICODE_FLAGGED}.png')
    (lab / 'lonely.png').unlink()
    cv2.imwrite(str(lab / 'orphan.png'), _labels())
    (img / 'notes.txt').write_text('labelling notes')
    (root / 'img' / 'val').mkdir()
    cv2.imwrite(str(root / 'img' / 'val' / 'v0.jpg'), _image(22))
    (root / 'labels' / 'extra').mkdir()  # a split with masks only
    cv2.imwrite(str(root / 'labels' / 'extra' / 'x0.png'), _labels())
    return root


@pytest.fixture(scope='module')
def scanned(tmp_path_factory, digest):
    """The bad dataset, scanned once: (root, out, report, digest before, digest after)."""
    base = tmp_path_factory.mktemp('bad')
    root = make_bad_dataset(base / 'bad data')
    before = digest(root)
    result = run_eda(root, out=base / 'eda out', overlays=2, workers=1, show_progress=False)
    return root, result.out, result.report, before, digest(root)


def test_the_input_is_never_modified(scanned):
    _, _, _, before, after = scanned
    assert before == after


def test_every_bad_input_gives_its_finding(scanned):
    _, _, report, _, _ = scanned
    found = {(i['split'], i['stem'], i['kind']) for i in report['items']}
    for (split, stem), kind in EXPECTED.items():
        assert (split, stem, kind) in found, (split, stem, kind)
    unexpected = [i for i in report['items'] if i['kind'] == 'unexpected_file']
    assert [(i['split'], i['stem'], i['file']) for i in unexpected] == [
        ('train', None, 'img/train/notes.txt')  # a file, not a sample
    ]
    missing = [i for i in report['items'] if i['kind'] == 'missing_folder']
    assert [i['file'] for i in missing] == ['labels/val', 'img/extra']
    flagged_clean = [i for i in report['items'] if i['stem'] in ('good_0', 'good_1', UNICODE_STEM)]
    assert flagged_clean == []
    dup = next(i for i in report['items'] if i['kind'] == 'duplicate_image')
    assert 'img/train/good_0.jpg' in dup['message']


def test_report_schema(scanned):
    _, out, report, _, _ = scanned
    assert json.loads((out / 'report.json').read_text(encoding='utf-8')) == report
    assert {'summary', 'statistics', 'items', 'splits', 'settings', 'overlays', 'plots'} <= set(
        report
    )
    summary = report['summary']
    assert set(summary['by_severity']) == {'error', 'warning', 'info'}
    assert sum(summary['by_severity'].values()) == len(report['items']) == summary['items']
    assert sum(summary['by_kind'].values()) == len(report['items'])
    for item in report['items']:
        assert set(item) >= {'kind', 'severity', 'split', 'stem', 'file', 'message'}
        assert set(item) >= {'evidence', 'action'}
        assert item['severity'] == CHECKS.kind(item['kind']).severity
        assert item['severity'] == report['kinds'][item['kind']]['severity']
        assert item['split'] in ('train', 'val', 'extra') and item['message']
    assert report['splits'] == ['train', 'val', 'extra']
    train = report['statistics']['train']
    assert {'class_pixel_share', 'images_with_class', 'foreground_share', 'image_sizes'} <= set(
        train
    )
    assert train['ignore_pixels'] == 0 and train['stray_pixels'] == 25
    assert train['image_channels']['1'] == 1 and train['image_channels']['4'] == 1


def test_overlays_and_plots_are_valid_pngs(scanned, png_ok):
    _, out, report, _, _ = scanned
    items = [i for i in report['items'] if i['stem'] is not None]
    overlays = {i['overlay'] for i in items}
    assert len(overlays) == len({(i['split'], i['stem']) for i in items})
    assert None not in overlays
    assert 'overlay' not in next(i for i in report['items'] if i['kind'] == 'unexpected_file')
    assert len(report['overlays']['random']) == 2  # train: 2 random; val has no pair
    for rel in overlays | set(report['overlays']['random']):
        assert png_ok(out / rel), rel
    assert f'overlays/train/{UNICODE_FLAGGED}.png' in overlays
    assert sorted(report['plots']) == sorted(p.name for p in out.glob('*.png'))
    for name in report['plots']:
        assert png_ok(out / name)
    assert not list(out.parent.glob('.*tmp*'))


def test_flagged_overlays_are_capped_errors_first(scanned, tmp_path):
    root, _, full, _, _ = scanned
    capped = run_eda(root, out=tmp_path / 'capped', overlays=0, flagged_overlays=2, workers=1,
                     show_progress=False).report  # fmt: skip
    drawn = {i['overlay'] for i in capped['items'] if i.get('overlay')}
    assert len(drawn) == 2 == len(capped['overlays']['flagged'])
    severities = {i['severity'] for i in capped['items'] if i.get('overlay') in drawn}
    assert severities == {'error'}  # errors are drawn first
    all_flagged = {i['overlay'] for i in full['items'] if i.get('overlay')}
    pending = capped['overlays']['flagged_not_drawn']
    assert len(pending) == len(all_flagged) - 2 and capped['settings']['flagged_overlays'] == '2'
    assert full['overlays']['flagged_not_drawn'] == []


def test_empty_dataset_runs_and_reports_empty_splits(tmp_path):
    for sub in ('img/train', 'labels/train'):
        (tmp_path / 'empty' / sub).mkdir(parents=True)
    report = run_eda(tmp_path / 'empty', out=tmp_path / 'o', show_progress=False).report
    assert [i['kind'] for i in report['items']] == ['empty_split']
    assert report['statistics']['train']['files']['pairs'] == 0


@pytest.mark.parametrize(
    ('layout', 'message'),
    [(None, 'does not exist'), ([], 'no splits'), (['img'], 'no splits')],
)
def test_a_scan_that_cannot_run_is_one_clear_error(tmp_path, layout, message):
    root = tmp_path / 'root'
    if layout is not None:
        root.mkdir()
        for sub in layout:
            (root / sub).mkdir()
    with pytest.raises(DataLayoutError, match=message):
        run_eda(root, out=tmp_path / 'o', show_progress=False)
    assert not (tmp_path / 'o').exists()


def test_unknown_split_existing_output_and_output_inside_input(tmp_path, digest):
    root = make_bad_dataset(tmp_path / 'data')
    before = digest(root)
    with pytest.raises(DataLayoutError, match="split 'test' not found"):
        run_eda(root, out=tmp_path / 'o', splits=['train', 'test'], show_progress=False)
    (tmp_path / 'o').mkdir()
    with pytest.raises(OutputExistsError, match='--overwrite'):
        run_eda(root, out=tmp_path / 'o', splits=['val'], show_progress=False)
    run_eda(root, out=tmp_path / 'o', splits=['extra'], overwrite=True, show_progress=False)
    assert (tmp_path / 'o' / 'report.json').is_file()
    with pytest.raises(PetsegError, match='inside the input'):
        run_eda(root, out=root / 'eda', overwrite=True, show_progress=False)
    with pytest.raises(PetsegError, match='contains the input'):
        run_eda(root, out=tmp_path, overwrite=True, show_progress=False)
    assert digest(root) == before
