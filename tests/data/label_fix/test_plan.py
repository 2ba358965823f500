"""Plan decisions per sample: left out, drop, review, fix, keep; the test split is report-only."""

from __future__ import annotations

from practicum_work.core.findings import CHECKS
from practicum_work.data.checks import load_checks
from practicum_work.data.checks.foreground import foreground_problem
from practicum_work.data.label_fix.plan import plan_item, summarise
from practicum_work.data.label_fix.sample_scan import SampleScan
from practicum_work.data.label_fix.settings import MaskPolicies
from practicum_work.data.label_fix.swap_detection import SpeciesVerdict

COUNTS = {'background': 90, 'cat': 10, 'dog': 0, 'ignore': 0, 'stray': 0}
load_checks()


def _scan(split: str = 'train', kinds=(), **changes) -> SampleScan:
    """A scanned sample whose checks found ``kinds`` (names of registered kinds)."""
    scan = SampleScan(split, f'{split}_0001', f'img/{split}/x.jpg', f'labels/{split}/x.png')
    scan.image_size = scan.mask_size = (10, 10)
    scan.image_mode, scan.mask_mode = 'RGB', 'L'
    scan.counts = dict(COUNTS)
    for key, value in changes.items():
        setattr(scan, key, value)
    scan.findings = [CHECKS.finding(kind, split, scan.stem, kind, file=scan.mask) for kind in kinds]
    if scan.problem:
        scan.findings.insert(0, CHECKS.finding(scan.problem, split, scan.stem, scan.problem_detail))
    return scan


SWAP = SpeciesVerdict(
    'swap', 'looks like a dog (P=0.95), labelled cat', [{'p_other_species': 0.95}]
)


def test_clean_sample_is_kept():
    item = plan_item(_scan(), SpeciesVerdict('keep', 'agrees'), MaskPolicies())
    assert (item.decision, item.changes, item.flagged) == ('keep', [], False)


def test_unusable_sample_is_left_out_with_its_reason():
    scan = _scan(problem='truncated_image', problem_detail='img/train/x.jpg: truncated')
    item = plan_item(scan, None, MaskPolicies())
    assert item.decision == 'left_out' and item.reasons == ['img/train/x.jpg: truncated']
    assert item.issues == ['truncated_image'] and item.findings[0]['action'] == 'drop'


def test_format_problems_are_fixed():
    scan = _scan(kinds=('palette_mask', 'stray_values'), mask_mode='P', stray={3: 4, 128: 1})
    item = plan_item(scan, None, MaskPolicies())
    assert item.decision == 'fix'
    assert [c['type'] for c in item.changes] == ['normalise_mode', 'stray_values']
    assert item.changes[1] == {'type': 'stray_values', 'values': [3, 128], 'pixels': 5, 'to': 255}
    assert set(item.issues) == {'palette_mask', 'stray_values'}
    assert {f['action'] for f in item.findings} == {'fix'}
    scan = _scan(kinds=('stray_values',), stray={3: 4})
    background = plan_item(scan, None, MaskPolicies(stray_policy='background'))
    assert background.changes[0]['to'] == 0


def test_size_mismatch_is_dropped_or_resized_on_request():
    scan = _scan(kinds=('size_mismatch',), size_mismatch=True, mask_size=(8, 8))
    assert plan_item(scan, None, MaskPolicies()).decision == 'drop'
    resized = plan_item(scan, None, MaskPolicies(size_policy='resize'))
    assert resized.decision == 'fix'
    assert resized.changes == [{'type': 'resize_nearest', 'from': [8, 8], 'to': [10, 10]}]


def test_empty_or_tiny_masks_are_dropped_or_listed_for_relabelling():
    scan = _scan(foreground_problem='tiny_mask')
    kind, message, evidence = foreground_problem({0: 90 * 90 - 10, 1: 10}, 0.008)  # tiny < 65
    scan.findings = [CHECKS.finding(kind, 'train', scan.stem, message, evidence=evidence)]
    dropped = plan_item(scan, None, MaskPolicies())
    assert dropped.decision == 'drop' and 'only 10 cat/dog pixels' in dropped.reasons[0]
    assert 'tiny below 65' in dropped.reasons[0] and dropped.findings[0]['action'] == 'drop'
    listed = plan_item(scan, None, MaskPolicies(empty_policy='review'))
    assert listed.decision == 'review' and listed.changes == []
    assert listed.findings[0]['action'] == 'relabel'


def test_swap_in_train_is_applied_with_its_evidence():
    item = plan_item(_scan(), SWAP, MaskPolicies())
    assert item.decision == 'fix' and item.changes == [{'type': 'swap_species'}]
    assert item.evidence['species'] == [{'p_other_species': 0.95}]
    assert 'species_swap' in item.issues
    swap = next(f for f in item.findings if f['kind'] == 'species_swap')
    assert swap['action'] == 'swap' and swap['severity'] == 'warning'


def test_test_split_is_report_only_unless_opted_in():
    reported = plan_item(_scan('test'), SWAP, MaskPolicies())
    assert reported.decision == 'review' and reported.changes == []
    assert '--fix-test' in reported.reasons[-1]
    assert {f['action'] for f in reported.findings} == {'review'}
    empty = _scan('test', kinds=('empty_mask',), foreground_problem='empty_mask')
    assert plan_item(empty, None, MaskPolicies()).decision == 'review'
    opted_in = plan_item(_scan('test'), SWAP, MaskPolicies(fix_test=True))
    assert opted_in.decision == 'fix' and opted_in.changes == [{'type': 'swap_species'}]


def test_review_keeps_safe_format_fixes():
    verdict = SpeciesVerdict('review', 'species uncertain')
    item = plan_item(_scan(kinds=('rgb_mask',), mask_mode='RGB'), verdict, MaskPolicies())
    assert item.decision == 'review'
    assert item.changes == [{'type': 'normalise_mode', 'from': 'RGB', 'to': 'L'}]


def test_summary_counts_per_split_in_data_flow_order():
    items = [
        plan_item(_scan('train'), SWAP, MaskPolicies()),
        plan_item(_scan('train'), None, MaskPolicies()),
        plan_item(_scan('val', kinds=('empty_mask',)), None, MaskPolicies()),
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
        plan_item(_scan(), SWAP, MaskPolicies()),  # a fix: not on the review list
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

    items = [_review('a', 0.55), plan_item(_scan(), SWAP, MaskPolicies()), _review('b', 0.9)]
    plan = {'data_root': str(tmp_path), 'settings': {}, 'review_order': review_order(items),
            'items': [asdict(i) for i in items]}  # fmt: skip
    (tmp_path / 'plan.json').write_text(json.dumps(plan))
    shown = [item.id for item in load_source(tmp_path).items]
    assert shown == ['train/train_0001', 'train/b', 'train/a']
