"""The plan: one decision per sample with its reasons, the mask changes and the evidence.

Decisions, strongest first: ``left_out`` (unusable: unpaired or unreadable), ``drop`` (not in
the cleaned copy), ``review`` (kept as it is, listed for a person to relabel), ``fix`` (kept with
the listed mask changes), ``keep``. Splits in ``report_only`` (the test split unless
``--fix-test``) are never swapped or dropped: such a decision becomes ``review``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from practicum_work.core.classes import IGNORE_INDEX
from practicum_work.data.label_fix.mask_policies import (
    EMPTY_POLICIES,
    MIXED_POLICIES,
    SIZE_POLICIES,
    STRAY_POLICIES,
)
from practicum_work.data.label_fix.sample_scan import SampleScan
from practicum_work.data.label_fix.swap_detection import SpeciesVerdict

DECISIONS: tuple[str, ...] = ('keep', 'fix', 'review', 'drop', 'left_out')
MODE_ISSUES = {'P': 'palette_mask', 'RGB': 'rgb_mask', 'RGBA': 'rgb_mask', 'LA': 'rgb_mask'}


@dataclass(frozen=True)
class PolicySettings:
    """What to do with each kind of problem (see ``petseg fix-labels --help``)."""

    empty_policy: str = 'drop'
    stray_policy: str = 'ignore'
    size_policy: str = 'drop'
    mixed_policy: str = 'review'
    report_only_splits: tuple[str, ...] = ('test',)

    def __post_init__(self) -> None:
        for value, allowed in (
            (self.empty_policy, EMPTY_POLICIES),
            (self.stray_policy, STRAY_POLICIES),
            (self.size_policy, SIZE_POLICIES),
            (self.mixed_policy, MIXED_POLICIES),
        ):
            if value not in allowed:
                raise ValueError(f'policy {value!r} is not one of {allowed}')


@dataclass
class PlanItem:
    """The decision about one sample. Paths are relative to the data root."""

    split: str
    stem: str
    image: str | None
    mask: str | None
    decision: str = 'keep'
    issues: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
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


def _format_fixes(item: PlanItem, scan: SampleScan, policies: PolicySettings, pending) -> None:
    """Mask mode, stray values and size: fixed in the copy (or the sample dropped)."""
    if scan.mask_mode != 'L':
        item.issues.append(MODE_ISSUES.get(scan.mask_mode, 'mask_mode'))
        item.reasons.append(f'mask stored as mode {scan.mask_mode}; written as single-channel L')
        item.changes.append({'type': 'normalise_mode', 'from': scan.mask_mode, 'to': 'L'})
    if scan.stray:
        target = IGNORE_INDEX if policies.stray_policy == 'ignore' else 0
        values = ', '.join(f'{v} ({n} px)' for v, n in scan.stray.items())
        item.issues.append('stray_values')
        item.reasons.append(f'values outside 0, 1, 2, 255: {values} -> {target}')
        item.changes.append(
            {
                'type': 'stray_values',
                'values': sorted(scan.stray),
                'pixels': sum(scan.stray.values()),
                'to': target,
            }
        )
    if scan.size_mismatch:
        (mw, mh), (iw, ih) = scan.mask_size, scan.image_size
        item.issues.append('size_mismatch')
        if policies.size_policy == 'resize':
            item.reasons.append(f'mask {mw}x{mh} resized to the image {iw}x{ih} (nearest)')
            item.changes.append({'type': 'resize_nearest', 'from': [mw, mh], 'to': [iw, ih]})
        else:
            pending.drop.append(f'mask {mw}x{mh} != image {iw}x{ih}')


def _foreground(item, scan: SampleScan, policies, min_fg_pixels, pending: _Pending) -> None:
    """Empty or tiny masks: dropped or sent to review (``empty_policy``)."""
    if scan.foreground_problem is None:
        return
    item.issues.append(scan.foreground_problem)
    fg = scan.counts.get('cat', 0) + scan.counts.get('dog', 0)
    text = (
        'mask has no cat or dog pixel'
        if scan.foreground_problem == 'empty_mask'
        else f'mask has only {fg} cat/dog pixels (< {min_fg_pixels})'
    )
    (pending.drop if policies.empty_policy == 'drop' else pending.review).append(text)


def _species(item: PlanItem, verdict: SpeciesVerdict | None, pending: _Pending) -> None:
    """The species verdict: a swap (whole mask or components), a review, or nothing."""
    if verdict is None:
        return
    item.evidence['species'] = verdict.regions
    if verdict.action == 'swap':
        item.issues.append('species_swap')
        pending.species_changes.append({'type': 'swap_species'})
    elif verdict.action == 'swap_components':
        item.issues.append('species_swap')
        pending.species_changes += [
            {'type': 'swap_component', **c} for c in verdict.swap_components
        ]
    elif verdict.action == 'review':
        item.issues.append('species_review')
        pending.review.append(verdict.reason)
    if pending.species_changes:
        item.reasons.append(f'cat<->dog swap: {verdict.reason}')


def _report_only(item: PlanItem, verdict, split: str, pending: _Pending) -> None:
    """In a report-only split (test) suggested swaps and drops become reviews."""
    note = f'{split} split is report-only (--fix-test applies it)'
    if pending.species_changes:
        pending.review.append(f'swap suggested, not applied: {verdict.reason}; {note}')
        pending.species_changes = []
        item.reasons.pop()
    pending.review += [f'drop suggested, not applied: {text}; {note}' for text in pending.drop]
    pending.drop = []


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


def plan_item(
    scan: SampleScan,
    verdict: SpeciesVerdict | None,
    policies: PolicySettings,
    min_fg_pixels: int | None = None,
) -> PlanItem:
    """Decide about one scanned sample; ``verdict`` is None when its species were not judged."""
    item = PlanItem(scan.split, scan.stem, scan.image, scan.mask, evidence=_evidence(scan))
    item.fingerprints = dict(scan.fingerprints)
    if scan.problem is not None:
        item.decision = 'left_out'
        item.issues.append(scan.problem)
        item.reasons.append(scan.problem_detail)
        return item
    if scan.image_mode == 'L':
        item.issues.append('grayscale_image')  # information only: loaders convert to RGB
    pending = _Pending()
    _format_fixes(item, scan, policies, pending)
    _foreground(item, scan, policies, min_fg_pixels, pending)
    _species(item, verdict, pending)
    if scan.split in policies.report_only_splits:
        _report_only(item, verdict, scan.split, pending)
    _decide(item, pending)
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
