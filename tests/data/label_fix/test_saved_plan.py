"""``fix-labels --apply PLAN``: the reviewed plan applied exactly, without judging again; a plan
made on other data or with other options is refused."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import cv2
import pytest

from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix import run as pipeline
from practicum_work.data.label_fix import sample_scan
from practicum_work.data.label_fix.human_decisions import empty_document, write_decisions
from practicum_work.data.label_fix.run import (
    FixLabelsSettings,
    apply_saved_plan,
    run_fix_labels,
)

DECIDED = {
    'train/train_0002': {'action': 'keep', 'at': '2026-01-01T00:00:00+00:00'},  # tool: swap
    'val/val_0003': {'action': 'drop', 'at': '2026-01-01T00:00:01+00:00'},
}


def _settings(root: Path, **kwargs) -> FixLabelsSettings:
    return FixLabelsSettings(data_root=root, folds=4, workers=1, show_progress=False, **kwargs)


@pytest.fixture(scope='module')
def reviewed(toy_dataset, tmp_path_factory) -> tuple[Path, Path]:
    """(a private copy of the toy dataset, its dry-run folder with a person's decisions)."""
    base = tmp_path_factory.mktemp('saved')
    root = base / 'pets_toy'
    shutil.copytree(toy_dataset, root)
    plan_dir = base / 'plan'
    run_fix_labels(_settings(root, dry_run=True, plan_dir=plan_dir), log=lambda _: None)
    document = empty_document('pets_toy', root, 'plan', plan_dir)
    document['decisions'] = DECIDED
    write_decisions(plan_dir / 'decisions.json', document)
    return root, plan_dir


def _apply(plan_dir: Path, out: Path, **kwargs) -> pipeline.FixLabelsResult:
    settings = FixLabelsSettings(apply=plan_dir, out=out, workers=1, show_progress=False, **kwargs)
    return apply_saved_plan(settings, log=lambda _: None)


def _tree(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob('*'))
        if p.is_file() and p.name != 'manifest.json'
    }


def test_apply_gives_the_copy_of_the_full_run_without_judging_again(
    reviewed, tmp_path, monkeypatch
):
    root, plan_dir = reviewed
    full = tmp_path / 'full'
    decisions = plan_dir / 'decisions.json'
    run_fix_labels(_settings(root, out=full, decisions=decisions), log=lambda _: None)

    def forbidden(*_args, **_kwargs):
        raise AssertionError('--apply must not scan or classify again')

    for name in ('judge_species', '_scan_all', 'build_plan'):
        monkeypatch.setattr(pipeline, name, forbidden)
    monkeypatch.setattr(sample_scan, 'scan_sample', forbidden)
    started = time.perf_counter()
    result = _apply(plan_dir, tmp_path / 'applied')
    assert time.perf_counter() - started < 5
    assert _tree(tmp_path / 'applied') == _tree(full)
    ours = json.loads((tmp_path / 'applied' / 'manifest.json').read_text())
    theirs = json.loads((full / 'manifest.json').read_text())
    for key in ('changes', 'dropped', 'left_out', 'review', 'statistics', 'summary'):
        assert ours[key] == theirs[key], key
    assert ours['applied_plan'] == str(plan_dir / 'plan.json')
    assert ours['settings']['decisions'] == str(decisions)
    human = {f'{i.split}/{i.stem}': i for i in result.plan.items if i.decided_by == 'human'}
    assert set(human) == set(DECIDED)
    assert human['train/train_0002'].decision == 'keep'  # the person's word, not the swap
    assert human['val/val_0003'].decision == 'drop'


def test_a_changed_dataset_is_refused(reviewed, tmp_path):
    root, plan_dir = reviewed
    changed = tmp_path / 'pets_toy'
    shutil.copytree(root, changed)
    mask = changed / 'labels/train/train_0011.png'
    pixels = cv2.imread(str(mask), cv2.IMREAD_UNCHANGED)
    pixels[0, 0] = 1 if pixels[0, 0] == 0 else 0
    cv2.imwrite(str(mask), pixels)
    with pytest.raises(PetsegError, match=r'labels/train/train_0011.png changed'):
        _apply(plan_dir, tmp_path / 'a', data_root=changed)
    cv2.imwrite(str(mask), cv2.imread(str(root / 'labels/train/train_0011.png'), 0))
    shutil.copy2(changed / 'img/val/val_0002.jpg', changed / 'img/val/val_0099.jpg')
    shutil.copy2(changed / 'labels/val/val_0002.png', changed / 'labels/val/val_0099.png')
    with pytest.raises(PetsegError, match=r'val/val_0099 is new'):
        _apply(plan_dir, tmp_path / 'b', data_root=changed)
    for rel in ('img/val/val_0099.jpg', 'labels/val/val_0099.png', 'labels/test/test_0000.png'):
        (changed / rel).unlink()
    with pytest.raises(PetsegError, match=r'test/test_0000 is (gone|new)'):
        _apply(plan_dir, tmp_path / 'c', data_root=changed)
    assert not any((tmp_path / name).exists() for name in 'abc')


def test_other_options_are_refused_the_plan_s_own_are_accepted(reviewed, tmp_path):
    _, plan_dir = reviewed
    with pytest.raises(PetsegError, match=r'--swap-threshold 0.9 differs .*swap_threshold: 0.95'):
        _apply(plan_dir, tmp_path / 'a', swap_threshold=0.9)
    with pytest.raises(PetsegError, match=r'--empty-policy review differs'):
        _apply(plan_dir, tmp_path / 'b', empty_policy='review')
    with pytest.raises(PetsegError, match=r'--fix-test differs'):
        _apply(plan_dir, tmp_path / 'c', fix_test=True)
    with pytest.raises(PetsegError, match=r'--folds 3 differs .*folds: 4'):
        _apply(plan_dir, tmp_path / 'e', folds=3)
    same = {'swap_threshold': 0.95, 'folds': 4, 'seed': 0, 'classifier': 'auto'}
    _apply(plan_dir, tmp_path / 'd', **same)
    assert (tmp_path / 'd' / 'manifest.json').is_file()


def test_a_plan_without_fingerprints_or_that_is_missing_is_refused(reviewed, tmp_path):
    _, plan_dir = reviewed
    old = tmp_path / 'old'
    old.mkdir()
    document = json.loads((plan_dir / 'plan.json').read_text())
    for item in document['items']:
        item.pop('fingerprints')
    (old / 'plan.json').write_text(json.dumps(document))
    with pytest.raises(PetsegError, match='no file fingerprints'):
        _apply(old, tmp_path / 'a')
    with pytest.raises(PetsegError, match='does not exist'):
        _apply(tmp_path / 'nowhere', tmp_path / 'b')


def test_a_plan_is_read_a_chunk_at_a_time_as_it_was_written(reviewed, monkeypatch):
    from practicum_work.core.atomic import atomic_write_json_stream
    from practicum_work.data.label_fix import saved_plan

    _, plan_dir = reviewed
    document = json.loads((plan_dir / 'plan.json').read_text())
    monkeypatch.setattr(saved_plan, '_CHUNK', 97)  # items split across many reads
    head, stems = saved_plan.read_plan_items(plan_dir / 'plan.json', lambda i: i['stem'])
    assert head == {k: v for k, v in document.items() if k != 'items'}
    assert stems == [item['stem'] for item in document['items']]
    with monkeypatch.context() as never_whole:
        never_whole.setattr(Path, 'read_text', lambda *a, **k: pytest.fail('read whole'))
        saved_plan.read_plan_items(plan_dir / 'plan.json', lambda i: None)
    # a plan laid out otherwise is read whole, the same way
    other = plan_dir.parent / 'other_layout.json'
    items_first = {
        'items': document['items'],
        **{k: v for k, v in document.items() if k != 'items'},
    }
    other.write_text(json.dumps(items_first))
    again = saved_plan.read_plan_items(
        other, lambda i: i['stem'] if i['decision'] != 'keep' else None
    )
    assert again == (head, [i['stem'] for i in document['items'] if i['decision'] != 'keep'])
    empty = plan_dir.parent / 'empty.json'
    atomic_write_json_stream(empty, head, 'items', [])
    assert saved_plan.read_plan_items(empty, lambda i: i) == (head, [])
