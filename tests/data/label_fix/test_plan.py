"""Plan decisions per sample: left out, drop, review, fix, keep; the test split is report-only."""

from __future__ import annotations

from practicum_work.data.label_fix.plan import PolicySettings, plan_item, summarise
from practicum_work.data.label_fix.sample_scan import SampleScan
from practicum_work.data.label_fix.swap_detection import SpeciesVerdict

COUNTS = {'background': 90, 'cat': 10, 'dog': 0, 'ignore': 0, 'stray': 0}


def _scan(split: str = 'train', **changes) -> SampleScan:
    scan = SampleScan(split, f'{split}_0001', f'img/{split}/x.jpg', f'labels/{split}/x.png')
    scan.image_size = scan.mask_size = (10, 10)
    scan.image_mode, scan.mask_mode = 'RGB', 'L'
    scan.counts = dict(COUNTS)
    for key, value in changes.items():
        setattr(scan, key, value)
    return scan


SWAP = SpeciesVerdict(
    'swap', 'looks like a dog (P=0.95), labelled cat', [{'p_other_species': 0.95}]
)


def test_clean_sample_is_kept():
    item = plan_item(_scan(), SpeciesVerdict('keep', 'agrees'), PolicySettings())
    assert (item.decision, item.changes, item.flagged) == ('keep', [], False)


def test_unusable_sample_is_left_out_with_its_reason():
    scan = _scan(problem='image_unreadable', problem_detail='img/train/x.jpg: truncated')
    item = plan_item(scan, None, PolicySettings())
    assert item.decision == 'left_out' and item.reasons == ['img/train/x.jpg: truncated']


def test_format_problems_are_fixed():
    item = plan_item(_scan(mask_mode='P', stray={3: 4, 128: 1}), None, PolicySettings())
    assert item.decision == 'fix'
    assert [c['type'] for c in item.changes] == ['normalise_mode', 'stray_values']
    assert item.changes[1] == {'type': 'stray_values', 'values': [3, 128], 'pixels': 5, 'to': 255}
    assert set(item.issues) == {'palette_mask', 'stray_values'}
    background = plan_item(_scan(stray={3: 4}), None, PolicySettings(stray_policy='background'))
    assert background.changes[0]['to'] == 0


def test_size_mismatch_is_dropped_or_resized_on_request():
    scan = _scan(size_mismatch=True, mask_size=(8, 8))
    assert plan_item(scan, None, PolicySettings()).decision == 'drop'
    resized = plan_item(scan, None, PolicySettings(size_policy='resize'))
    assert resized.decision == 'fix'
    assert resized.changes == [{'type': 'resize_nearest', 'from': [8, 8], 'to': [10, 10]}]


def test_empty_or_tiny_masks_are_dropped_or_listed_for_relabelling():
    scan = _scan(foreground_problem='tiny_mask')
    dropped = plan_item(scan, None, PolicySettings(), min_fg_pixels=64)
    assert dropped.decision == 'drop' and '10 cat/dog pixels (< 64)' in dropped.reasons[0]
    listed = plan_item(scan, None, PolicySettings(empty_policy='review'), min_fg_pixels=64)
    assert listed.decision == 'review' and listed.changes == []


def test_swap_in_train_is_applied_with_its_evidence():
    item = plan_item(_scan(), SWAP, PolicySettings())
    assert item.decision == 'fix' and item.changes == [{'type': 'swap_species'}]
    assert item.evidence['species'] == [{'p_other_species': 0.95}]
    assert 'species_swap' in item.issues


def test_test_split_is_report_only_unless_opted_in():
    reported = plan_item(_scan('test'), SWAP, PolicySettings())
    assert reported.decision == 'review' and reported.changes == []
    assert '--fix-test' in reported.reasons[-1]
    empty = plan_item(_scan('test', foreground_problem='empty_mask'), None, PolicySettings())
    assert empty.decision == 'review'
    opted_in = plan_item(_scan('test'), SWAP, PolicySettings(report_only_splits=()))
    assert opted_in.decision == 'fix' and opted_in.changes == [{'type': 'swap_species'}]


def test_review_keeps_safe_format_fixes():
    verdict = SpeciesVerdict('review', 'species uncertain')
    item = plan_item(_scan(mask_mode='RGB'), verdict, PolicySettings())
    assert item.decision == 'review'
    assert item.changes == [{'type': 'normalise_mode', 'from': 'RGB', 'to': 'L'}]


def test_summary_counts_per_split_in_data_flow_order():
    items = [
        plan_item(_scan('train'), SWAP, PolicySettings()),
        plan_item(_scan('train'), None, PolicySettings()),
        plan_item(_scan('val', foreground_problem='empty_mask'), None, PolicySettings()),
    ]
    summary = summarise(items)
    assert list(summary['decisions']) == ['train', 'val']
    assert summary['decisions']['train']['fix'] == 1 and summary['decisions']['train']['keep'] == 1
    assert summary['decisions']['val']['drop'] == 1
    assert summary['issues'] == {'empty_mask': 1, 'species_swap': 1}


def _review(stem: str, p_other: float | None, issue: str = 'species_review', **kwargs):
    from practicum_work.data.label_fix.plan import PlanItem

    evidence = {} if p_other is None else {'species': [{'p_other_species': p_other}]}
    return PlanItem('train', stem, f'img/train/{stem}.jpg', f'labels/train/{stem}.png',
                    'review', issues=[issue], evidence=evidence, **kwargs)  # fmt: skip


def test_reviews_are_ordered_strongest_evidence_first():
    from practicum_work.data.label_fix.plan import review_order

    items = [
        _review('a', 0.55),
        plan_item(_scan(), SWAP, PolicySettings()),  # a fix: not on the review list
        _review('b', 0.93),
        _review('c', None, 'empty_mask'),  # a rule's finding: certain
        _review('d', 0.71),
        _review('e', 0.93),
    ]
    assert review_order(items) == ['train/c', 'train/b', 'train/e', 'train/d', 'train/a']


def test_the_review_page_shows_automatic_decisions_then_reviews_by_evidence(tmp_path):
    import json
    from dataclasses import asdict

    from practicum_work.data.label_fix.plan import review_order
    from practicum_work.review.sources import load_source

    items = [_review('a', 0.55), plan_item(_scan(), SWAP, PolicySettings()), _review('b', 0.9)]
    plan = {'data_root': str(tmp_path), 'settings': {}, 'review_order': review_order(items),
            'items': [asdict(i) for i in items]}  # fmt: skip
    (tmp_path / 'plan.json').write_text(json.dumps(plan))
    shown = [item.id for item in load_source(tmp_path).items]
    assert shown == ['train/train_0001', 'train/b', 'train/a']
