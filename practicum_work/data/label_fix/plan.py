"""The plan: one decision per sample with its reasons, the mask changes and the evidence.

Decisions, strongest first: ``left_out`` (unusable: unpaired or unreadable), ``drop`` (not in
the cleaned copy), ``review`` (kept as it is, listed for a person to relabel), ``fix`` (kept with
the listed mask changes), ``keep``. Splits in ``report_only`` (the test split unless
``--fix-test``) are never swapped or dropped: such a decision becomes ``review``.

An item's ``findings`` are the registered checks' records (:mod:`practicum_work.core.findings`,
the names eda uses) and the species verdict's, each with the action this plan takes for it
(by the policies of :class:`~.settings.MaskPolicies`); ``issues`` are their kinds.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field, replace

from practicum_work.core.classes import IGNORE_INDEX
from practicum_work.core.findings import DROP, FIX, RELABEL, REVIEW, SWAP, Finding
from practicum_work.data.checks import load_checks
from practicum_work.data.checks.mask_mode import MaskMode
from practicum_work.data.label_fix.sample_scan import SampleScan
from practicum_work.data.label_fix.settings import MaskPolicies
from practicum_work.data.label_fix.swap_detection import SpeciesVerdict

DECISIONS: tuple[str, ...] = ('keep', 'fix', 'review', 'drop', 'left_out')
# the kinds of a mask stored in another mode than L: the copy writes it as L
_MODE_KINDS = frozenset(kind.name for kind in MaskMode.kinds)


@dataclass
class PlanItem:
    """The decision about one sample. Paths are relative to the data root."""

    split: str
    stem: str
    image: str | None
    mask: str | None
    decision: str = 'keep'
    issues: list[str] = field(default_factory=list)  # the kinds of ``findings``
    reasons: list[str] = field(default_factory=list)
    findings: list[dict] = field(default_factory=list)  # Finding.to_json(), with this plan's action
    changes: list[dict] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    decided_by: str = 'automatic'  # or 'human' (fix-labels --decisions)
    decided_at: str | None = None
    fingerprints: dict = field(default_factory=dict)  # 'image'/'mask': size and digest

    @classmethod
    def from_json(cls, data: dict) -> PlanItem:
        """An item of plan.json (keys this version does not know are left out)."""
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    @property
    def flagged(self) -> bool:
        """Anything other than an untouched keep."""
        return self.decision != 'keep'


def _evidence(scan: SampleScan) -> dict:
    evidence: dict = {}
    if scan.image_size is not None:
        evidence['image_size'] = list(scan.image_size)
        evidence['image_mode'] = scan.image_mode
    if scan.mask_size is not None:
        evidence['mask_size'] = list(scan.mask_size)
        evidence['mask_mode'] = scan.mask_mode
    if scan.counts:
        evidence['class_pixels'] = dict(scan.counts)
    if scan.stray:
        evidence['stray_values'] = {str(v): n for v, n in scan.stray.items()}
    return evidence


@dataclass
class _Pending:
    """What a plan item collects before its decision: drops, reviews, species changes."""

    drop: list[str] = field(default_factory=list)
    review: list[str] = field(default_factory=list)
    species_changes: list[dict] = field(default_factory=list)


def _format_fixes(item, scan: SampleScan, found: list[Finding], policies, pending) -> None:
    """Mask mode, stray values and size: fixed in the copy (or the sample dropped)."""
    for finding in found:
        if finding.kind in _MODE_KINDS:
            finding.action = FIX
            item.reasons.append(
                f'mask stored as mode {scan.mask_mode}; written as single-channel L'
            )
            item.changes.append({'type': 'normalise_mode', 'from': scan.mask_mode, 'to': 'L'})
        elif finding.kind == 'stray_values':
            finding.action = FIX
            target = IGNORE_INDEX if policies.stray_policy == 'ignore' else 0
            values = ', '.join(f'{v} ({n} px)' for v, n in scan.stray.items())
            item.reasons.append(f'values outside 0, 1, 2, 255: {values} -> {target}')
            item.changes.append(
                {
                    'type': 'stray_values',
                    'values': sorted(scan.stray),
                    'pixels': sum(scan.stray.values()),
                    'to': target,
                }
            )
        elif finding.kind == 'size_mismatch':
            (mw, mh), (iw, ih) = scan.mask_size, scan.image_size
            if policies.size_policy == 'resize':
                finding.action = FIX
                item.reasons.append(f'mask {mw}x{mh} resized to the image {iw}x{ih} (nearest)')
                item.changes.append({'type': 'resize_nearest', 'from': [mw, mh], 'to': [iw, ih]})
            else:
                finding.action = DROP
                pending.drop.append(f'mask {mw}x{mh} != image {iw}x{ih}')


def _foreground(found: list[Finding], policies: MaskPolicies, pending: _Pending) -> None:
    """Empty or tiny masks (judged after the format fixes): dropped or sent to review."""
    for finding in found:
        if finding.kind in ('empty_mask', 'tiny_mask'):
            drop = policies.empty_policy == 'drop'
            finding.action = DROP if drop else RELABEL
            (pending.drop if drop else pending.review).append(finding.message)


def _species(item, scan: SampleScan, verdict, found: list[Finding], pending: _Pending) -> None:
    """The species verdict: a swap (whole mask or components), a review, or nothing."""
    if verdict is None:
        return
    item.evidence['species'] = verdict.regions
    kind = None
    if verdict.action == 'swap':
        kind = 'species_swap'
        pending.species_changes.append({'type': 'swap_species'})
    elif verdict.action == 'swap_components':
        kind = 'species_swap'
        pending.species_changes += [
            {'type': 'swap_component', **c} for c in verdict.swap_components
        ]
    elif verdict.action == 'review':
        kind = 'species_review'
        pending.review.append(verdict.reason)
    if kind is not None:
        p_other = [r['p_other_species'] for r in verdict.regions if 'p_other_species' in r]
        evidence = {'p_other_species': max(p_other)} if p_other else {}
        found.append(
            load_checks().finding(
                kind, scan.split, scan.stem, verdict.reason, file=scan.mask, evidence=evidence
            )
        )
    if pending.species_changes:
        item.reasons.append(f'cat<->dog swap: {verdict.reason}')


def _report_only(item, verdict, split: str, found: list[Finding], pending: _Pending) -> None:
    """In a report-only split (test) suggested swaps and drops become reviews."""
    note = f'{split} split is report-only (--fix-test applies it)'
    if pending.species_changes:
        pending.review.append(f'swap suggested, not applied: {verdict.reason}; {note}')
        pending.species_changes = []
        item.reasons.pop()
    pending.review += [f'drop suggested, not applied: {text}; {note}' for text in pending.drop]
    pending.drop = []
    for finding in found:
        if finding.action in (DROP, SWAP):
            finding.action = REVIEW


def _decide(item: PlanItem, pending: _Pending) -> None:
    """drop > review > fix > keep."""
    item.changes += pending.species_changes
    if pending.drop:
        item.decision = 'drop'
        item.reasons += pending.drop + pending.review
        item.changes = []
    elif pending.review:
        item.decision = 'review'
        item.reasons += pending.review
    elif item.changes:
        item.decision = 'fix'


def plan_item(scan: SampleScan, verdict: SpeciesVerdict | None, policies: MaskPolicies) -> PlanItem:
    """Decide about one scanned sample; ``verdict`` is None when its species were not judged."""
    item = PlanItem(scan.split, scan.stem, scan.image, scan.mask, evidence=_evidence(scan))
    item.fingerprints = dict(scan.fingerprints)
    found = [replace(f, evidence=dict(f.evidence)) for f in scan.findings]
    if scan.problem is not None:
        item.decision = 'left_out'
        item.reasons.append(scan.problem_detail)
    else:
        pending = _Pending()
        _format_fixes(item, scan, found, policies, pending)
        _foreground(found, policies, pending)
        _species(item, scan, verdict, found, pending)
        if scan.split in policies.report_only_splits:
            _report_only(item, verdict, scan.split, found, pending)
        _decide(item, pending)
    item.findings = [f.to_json() for f in found]
    item.issues = [f.kind for f in found]
    return item


def summarise(items: list[PlanItem]) -> dict:
    """Counts of decisions per split and of issues, for the plan, the manifest and the CLI."""
    splits = list(dict.fromkeys(i.split for i in items))
    decisions = {
        split: dict(Counter(i.decision for i in items if i.split == split)) for split in splits
    }
    for counts in decisions.values():
        for decision in DECISIONS:
            counts.setdefault(decision, 0)
    return {
        'samples': len(items),
        'decisions': {s: {d: decisions[s][d] for d in DECISIONS} for s in splits},
        'issues': dict(sorted(Counter(x for i in items for x in i.issues).items())),
    }


def review_strength(item: PlanItem) -> float:
    """How strong the evidence of a review item is, 0..1: a rule's finding (an empty or tiny
    mask, a drop the test split only suggests) counts 1; a species doubt its P(other species)."""
    species = 'species_review' in item.issues or 'species_swap' in item.issues
    if not species or any(r.startswith('drop suggested') for r in item.reasons):
        return 1.0
    regions = item.evidence.get('species') or []
    return max((r.get('p_other_species', 0.0) for r in regions), default=0.0)


def review_order(items: list[PlanItem]) -> list[str]:
    """The ids (``split/stem``) of the items sent to review, strongest evidence first."""
    position = {id(item): n for n, item in enumerate(items)}
    chosen = [i for i in items if i.decision == 'review']
    chosen.sort(key=lambda i: (-review_strength(i), position[id(i)]))
    return [f'{i.split}/{i.stem}' for i in chosen]


def item_to_json(item: PlanItem) -> dict:
    """A plan item as plain JSON data."""
    return asdict(item)
