"""Human decisions (decisions.json) override the plan item by item and reach the cleaned copy."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest

from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix.human_decisions import (
    empty_document,
    read_decisions,
    suggested_action,
    write_decisions,
)
from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels


def _decisions(path: Path, root: Path, plan: Path, decided: dict[str, str]) -> Path:
    document = empty_document(root.name, root, 'plan', plan)
    for item_id, action in decided.items():
        document['decisions'][item_id] = {'action': action, 'at': '2026-12-01T10:00:00+00:00'}
    write_decisions(path, document)
    return path


def _clean(root: Path, out: Path, decisions: Path | None, **kwargs):
    settings = FixLabelsSettings(
        data_root=root, out=out, decisions=decisions, classifier='self', folds=4, workers=1,
        show_progress=False, **kwargs,
    )  # fmt: skip
    return run_fix_labels(settings, log=lambda _: None)


def _mask(root: Path, split: str, stem: str) -> np.ndarray:
    return cv2.imread(str(root / 'labels' / split / f'{stem}.png'), cv2.IMREAD_UNCHANGED)


@pytest.mark.parametrize(
    ('decision', 'issues', 'reasons', 'expected'),
    [
        ('fix', ['species_swap'], [], 'swap'),
        ('fix', ['stray_values'], [], 'keep'),
        ('drop', ['empty_mask'], [], 'drop'),
        ('review', ['species_review'], [], 'swap'),
        ('review', ['size_mismatch'], ['drop suggested: mask 48x48 != image 96x96'], 'drop'),
        ('review', ['tiny_mask'], [], 'relabel'),
        ('keep', [], [], 'keep'),
    ],
)
def test_what_accept_means_follows_the_plan(decision, issues, reasons, expected):
    assert suggested_action(decision, issues, reasons) == expected


def test_human_decisions_override_the_automatic_ones_in_the_copy(review_plan, tmp_path):
    root, plan = review_plan
    decided = {
        'train/train_0002': 'keep',  # the tool would swap it: the person says it is right
        'train/train_0005': 'accept',  # swap, as proposed
        'val/val_0003': 'swap',  # the tool was unsure
        'train/train_0007': 'relabel',  # the tool would drop the empty mask
        'train/train_0010': 'keep',  # mask of another size: kept, resized to its image
        'train/train_0011': 'drop',  # a sample the tool did not flag at all
    }
    decisions = _decisions(tmp_path / 'decisions.json', root, plan, decided)
    out = tmp_path / 'pets_review_clean_v1'
    result = _clean(root, out, decisions)

    assert np.array_equal(_mask(out, 'train', 'train_0002'), _mask(root, 'train', 'train_0002'))
    for split, stem in (('train', 'train_0005'), ('val', 'val_0003')):
        given, cleaned = _mask(root, split, stem), _mask(out, split, stem)
        assert np.array_equal(cleaned == 1, given == 2) and np.array_equal(cleaned == 2, given == 1)
    assert (out / 'labels/train/train_0007.png').is_file()  # kept for relabelling, not dropped
    assert _mask(out, 'train', 'train_0010').shape == (96, 96)
    assert not (out / 'labels/train/train_0011.png').exists()
    assert (out / 'labels/train/train_0009.png').exists() is False  # automatic drop stands

    manifest = json.loads((out / 'manifest.json').read_text())
    by_id = {f'{c["split"]}/{c["stem"]}': c for c in manifest['changes']}
    assert set(decided) <= set(by_id)
    for item_id in decided:
        assert by_id[item_id]['decided_by'] == 'human', item_id
        assert by_id[item_id]['decided_at'] == '2026-12-01T10:00:00+00:00'
    swap = by_id['train/train_0005']['changes']
    assert swap and all(c['decided_by'] == 'human' for c in swap)
    automatic = by_id['train/train_0008']  # stray values, nobody decided
    assert automatic['decided_by'] == 'automatic'
    assert all(c['decided_by'] == 'automatic' for c in automatic['changes'])
    assert 'train/train_0007' in manifest['review']
    assert result.plan.settings['decisions'] == str(decisions)


def test_decisions_of_another_dataset_are_refused(review_plan, tmp_path):
    root, plan = review_plan
    other = tmp_path / 'other_pets'
    other.mkdir()
    decisions = _decisions(tmp_path / 'd.json', other, plan, {'train/train_0002': 'keep'})
    with pytest.raises(PetsegError, match=r"for dataset 'other_pets'"):
        _clean(root, tmp_path / 'out', decisions)
    assert not (tmp_path / 'out').exists()


def test_a_decision_about_an_unknown_sample_is_an_error_naming_it(review_plan, tmp_path):
    root, plan = review_plan
    decisions = _decisions(tmp_path / 'd.json', root, plan, {'train/no_such_image': 'keep'})
    with pytest.raises(PetsegError, match='train/no_such_image'):
        _clean(root, tmp_path / 'out', decisions)


def test_unknown_actions_and_broken_files_are_clear_errors(tmp_path):
    path = tmp_path / 'decisions.json'
    path.write_text('{"petseg_decisions": 1, "decisions": {"train/a": {"action": "burn"}}}')
    with pytest.raises(PetsegError, match="train/a has action 'burn'"):
        read_decisions(path)
    path.write_text('{"petseg_decisions": 1, "decis')
    with pytest.raises(PetsegError, match='not a decisions file'):
        read_decisions(path)
    with pytest.raises(PetsegError, match='does not exist'):
        read_decisions(tmp_path / 'missing.json')


def test_a_sample_that_cannot_be_trained_on_can_only_be_dropped(tmp_path):
    from tests.conftest import make_review_dataset

    root = make_review_dataset(tmp_path / 'pets_review')
    (root / 'labels/train/train_0012.png').unlink()  # image without mask: left out
    decisions = _decisions(tmp_path / 'd.json', root, tmp_path, {'train/train_0012': 'keep'})
    with pytest.raises(PetsegError, match='train/train_0012 cannot be trained on'):
        _clean(root, tmp_path / 'out', decisions)


def test_accepting_an_uncertain_mixed_mask_swaps_only_the_suspect_component():
    from practicum_work.data.label_fix.human_decisions import apply_human_decision
    from practicum_work.data.label_fix.plan import PlanItem

    regions = [
        {'label': 'cat', 'scope': 'component', 'seed_xy': [3, 1], 'p_other_species': 0.2},
        {'label': 'cat', 'scope': 'component', 'seed_xy': [40, 9], 'p_other_species': 0.97},
    ]
    item = PlanItem('train', 'a', 'img/train/a.jpg', 'labels/train/a.png', 'review',
                    issues=['species_review'], evidence={'species': regions})  # fmt: skip
    apply_human_decision(item, {'action': 'accept', 'at': 't'})
    assert item.decision == 'fix'
    assert [(c['type'], c['seed_xy']) for c in item.changes] == [('swap_component', [40, 9])]
    whole = PlanItem('train', 'b', 'img/train/b.jpg', 'labels/train/b.png', 'review',
                     issues=['species_review'], evidence={'species': regions})  # fmt: skip
    apply_human_decision(whole, {'action': 'swap', 'at': 't'})  # `s`: the whole mask
    assert [c['type'] for c in whole.changes] == ['swap_species']
