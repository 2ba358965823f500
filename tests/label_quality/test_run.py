"""petseg label-quality end to end on a tiny dataset: out-of-fold, reuse, report, clean_v2."""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.data.demo_data import generate_demo_dataset
from practicum_work.label_quality.run import LabelQualitySettings, run_label_quality
from tests.conftest import REPO_ROOT

CONFIG = REPO_ROOT / 'configs/hyp1_segformer_b0.py'
SETTINGS = dict(folds=2, iters=2, crop=64, batch_size=2, workers=0, worst_k=3)


def _tree_digest(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob('*') if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope='module')
def noisy_tiny(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp('lq') / 'pets'
    generate_demo_dataset(
        root, n_train=8, n_val=2, n_test=2, size=64, workers=1, show_progress=False
    )
    swapped = root / 'labels/train/train_0002.png'
    mask = cv2.imread(str(swapped), cv2.IMREAD_UNCHANGED)
    cv2.imwrite(str(swapped), np.choose(mask, [0, 2, 1]).astype(np.uint8))
    (root / 'labels/train/train_0005.png').write_text('not a png')  # unreadable: not scored
    palette = root / 'labels/train/train_0003.png'  # class ids in a palette PNG: scored as ids
    indexed = Image.fromarray(cv2.imread(str(palette), cv2.IMREAD_UNCHANGED), mode='P')
    indexed.putpalette([0, 0, 0, 255, 128, 0, 0, 128, 255] + [0] * (253 * 3))
    indexed.save(palette)
    return root


@pytest.mark.slow
def test_every_image_is_scored_by_a_model_that_never_saw_it(noisy_tiny, tmp_path):
    source_before = _tree_digest(noisy_tiny)
    out = tmp_path / 'lq'
    settings = LabelQualitySettings(  # flag all; write proposals whatever the models' quality
        **SETTINGS, confidence=0.0, flag_share=0.0, allow_weak_models=True
    )
    report = run_label_quality(noisy_tiny, CONFIG, out, settings, propose_out=tmp_path / 'v2')
    assert _tree_digest(noisy_tiny) == source_before  # the source is never touched
    scored = {image.stem: image for image in report.images}
    assert set(scored) == {f'train_{i:04d}' for i in range(8)} - {'train_0005'}
    assert report.not_scored == {'train/train_0005': 'mask unreadable (UnidentifiedImageError)'}
    for image in report.images:  # out-of-fold: held out by its fold, absent from its training
        fold = out / 'folds' / f'fold_{image.fold}'
        assert image.stem in (fold / 'heldout_train.txt').read_text().split()
        assert image.stem not in (fold / 'train_train.txt').read_text().split()
        assert 0.0 <= image.score <= 1.0
    assert [image.rank for image in report.images] == list(range(1, 8))
    assert [image.score for image in report.images] == sorted(i.score for i in report.images)
    rows = list(csv.DictReader((out / 'report/scores.csv').open()))
    assert [row['stem'] for row in rows] == [image.stem for image in report.images]
    assert len(list((out / 'report/panels').glob('worst_*.png'))) == 3
    assert len(list((out / 'report/issue_maps').glob('*.png'))) == 7
    manifest = json.loads((tmp_path / 'v2/manifest.json').read_text())
    assert manifest['changed_masks'] == len(report.flagged)
    assert 'train_0003' in {image.stem for image in report.flagged}
    for change in manifest['changes']:  # counted on class ids, palette masks included
        pairs = [key.split('->') for key in change['changed_pixels']]
        assert all(int(a) in (0, 1, 2, 255) and int(b) in (0, 1, 2) for a, b in pairs)
    assert (tmp_path / 'v2/img/test/test_0000.jpg').is_file()
    summary = json.loads((out / 'report/summary.json').read_text())
    assert summary['heldout_iou'] == report.heldout_iou
    assert set(report.heldout_iou) == {'background', 'cat', 'dog'}
    _review_accepts_a_proposal(noisy_tiny, out, tmp_path)


def _review_accepts_a_proposal(root: Path, out: Path, tmp_path: Path) -> None:
    """petseg review of the report: accepting a flagged image's proposal puts it in the copy."""
    from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels
    from practicum_work.review.server import ReviewApp
    from practicum_work.review.sources import load_source

    source = load_source(out)
    assert source.kind == 'label-quality' and source.data_root == root
    item = next(i for i in source.items if i.stem == 'train_0003')
    assert item.suggestion == 'accept' and Path(item.proposal_file).is_file()
    app = ReviewApp(source)
    app.listen_on(8765)
    page = {
        'Host': '127.0.0.1:8765',
        'X-Petseg-Token': app.token,
        'Content-Type': 'application/json',
    }
    answer = app.handle(
        'POST', '/api/decide', b'{"id": "train/train_0003", "action": "accept"}', page
    )
    assert answer.status == 200, answer.body
    clean = tmp_path / 'pets_clean'
    settings = FixLabelsSettings(
        data_root=root, out=clean, decisions=source.decisions_path, classifier='self', folds=2,
        workers=1, show_progress=False,
    )  # fmt: skip
    run_fix_labels(settings, log=lambda _: None)
    proposal = cv2.imread(item.proposal_file, cv2.IMREAD_UNCHANGED)
    copied = cv2.imread(str(clean / 'labels/train/train_0003.png'), cv2.IMREAD_UNCHANGED)
    assert np.array_equal(copied, proposal)
    manifest = json.loads((clean / 'manifest.json').read_text())
    change = next(c for c in manifest['changes'] if c['stem'] == 'train_0003')
    assert change['decided_by'] == 'human' and change['changes'][0]['type'] == 'replace_mask'


@pytest.mark.slow
def test_propose_is_refused_when_the_fold_models_are_weak(noisy_tiny, tmp_path):
    out, proposal = tmp_path / 'lq', tmp_path / 'v2'
    settings = LabelQualitySettings(**SETTINGS, flag_share=0.0, min_model_iou=1.01)  # all weak
    with pytest.raises(PetsegError, match=r'fold models are weak: held-out IoU .*background'):
        run_label_quality(noisy_tiny, CONFIG, out, settings, propose_out=proposal)
    assert not proposal.exists()  # refused: nothing written
    summary = json.loads((out / 'report/summary.json').read_text())  # the report is kept
    assert summary['weak_classes'][0] == 'background'
    assert 'fold models are weak' in summary['flags_withheld']
    assert (summary['flagged'], summary['meets_flag_rule']) == (0, 7)  # ranked, none flagged
    assert not list((out / 'report/proposals').iterdir())
    allowed = LabelQualitySettings(**{**settings.__dict__, 'allow_weak_models': True})
    again = run_label_quality(
        noisy_tiny, CONFIG, out, allowed, propose_out=proposal, overwrite=True
    )
    assert again.folds_reused == 2 and again.weak_classes == summary['weak_classes']
    assert len(again.flagged) == 7 and all(image.meets_flag_rule for image in again.images)
    manifest = json.loads((proposal / 'manifest.json').read_text())
    assert manifest['changed_masks'] == 7
    assert len(list((out / 'report/proposals').glob('train_*.png'))) == 7


@pytest.mark.slow
def test_rerun_reuses_fold_models_and_refuses_an_existing_report(noisy_tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # a folder of the user's, not the clone: a relative out works
    out = Path('lq')
    settings = LabelQualitySettings(**SETTINGS)
    first = run_label_quality(noisy_tiny, CONFIG, out, settings)
    assert (first.folds_trained, first.folds_reused) == (2, 0)
    assert [t['train_s'] > 0 for t in first.fold_times] == [True, True]
    assert sum(t['images'] for t in first.fold_times) == len(first.images)
    with pytest.raises(OutputExistsError):
        run_label_quality(noisy_tiny, CONFIG, out, settings)
    again = run_label_quality(noisy_tiny, CONFIG, out, settings, overwrite=True)
    assert (again.folds_trained, again.folds_reused) == (0, 2)
    assert [t['train_s'] for t in again.fold_times] == [None, None]  # reused: no training
    assert [i.score for i in again.images] == [i.score for i in first.images]


@pytest.mark.slow
def test_an_edited_mask_retrains_the_fold_that_trained_on_it(noisy_tiny, tmp_path):
    root = tmp_path / 'pets'
    shutil.copytree(noisy_tiny, root)
    out = tmp_path / 'lq'
    settings = LabelQualitySettings(**SETTINGS)
    first = run_label_quality(root, CONFIG, out, settings)
    edited = root / 'labels/train/train_0001.png'
    mask = cv2.imread(str(edited), cv2.IMREAD_UNCHANGED)
    cv2.imwrite(str(edited), np.choose(mask, [0, 2, 1]).astype(np.uint8))  # a species fix
    again = run_label_quality(root, CONFIG, out, settings, overwrite=True)
    held_out_by = {image.stem: image.fold for image in first.images}['train_0001']
    retrained = [t['fold'] for t in again.fold_times if t['train_s'] is not None]
    assert retrained == [1 - held_out_by]  # the other fold trained on it; its own fold did not


def test_too_few_samples_and_missing_inputs_are_clear_errors(tmp_path):
    with pytest.raises(PetsegError, match='does not exist'):
        run_label_quality(tmp_path / 'none', CONFIG, tmp_path / 'out')
    root = tmp_path / 'small'
    generate_demo_dataset(
        root, n_train=2, n_val=1, n_test=1, size=32, workers=1, show_progress=False
    )
    with pytest.raises(PetsegError, match='cannot make 5 folds'):
        run_label_quality(root, CONFIG, tmp_path / 'out')
    shutil.rmtree(root)
