"""What a review looks at: the flagged samples of a fix-labels plan, an eda report or a
label-quality report, each with its evidence and what the tool proposes.

Every report holds its findings as the one record (:class:`~practicum_work.core.findings.
Finding`: eda's ``items``, label-quality's ``findings.json``, the plan's items' ``findings``);
:func:`review_items` turns findings into review items, whichever tool made them. A plan adds
its decisions (the status, the mask changes ``accept`` applies).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from pathlib import Path

from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.core.findings import (
    DROP,
    RELABEL,
    SEVERITIES,
    SWAP,
    USE_PROPOSAL,
    Finding,
    strongest_action,
)
from practicum_work.core.layout import IMAGE_DIR, IMAGE_SUFFIXES, MASK_DIR, MASK_SUFFIX, split_dirs
from practicum_work.data.checks.label_quality import LabelQuality
from practicum_work.data.label_fix.human_decisions import (
    SPECIES_CHANGES,
    proposed_species_changes,
    suggested_action,
)
from practicum_work.data.label_fix.saved_plan import read_plan_items

DECISIONS_FILE = 'decisions.json'
# A finding's proposed action -> what ``accept`` means in review (human_decisions.ACTIONS).
_SUGGESTION = {DROP: 'drop', RELABEL: 'relabel', SWAP: 'swap', USE_PROPOSAL: 'accept'}


@dataclass
class ReviewItem:
    """One sample to decide about (paths relative to the data root)."""

    id: str
    split: str
    stem: str
    image: str | None
    mask: str | None
    status: str  # the tool's decision (plan), worst severity (eda), flag (label-quality)
    issues: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    evidence: dict = field(default_factory=dict)
    suggestion: str = 'keep'  # what `accept` means (an action of human_decisions.ACTIONS)
    changes: list[dict] = field(default_factory=list)  # what `accept` does to the mask
    proposal_file: str | None = None  # label-quality: the proposed mask

    @property
    def proposal(self) -> str:
        """What ``accept`` does, in words."""
        if self.proposal_file:
            return 'use the proposed mask'
        if self.suggestion == 'swap':
            parts = sum(c['type'] == 'swap_component' for c in self.changes)
            return f'swap cat \u2194 dog in {parts} part(s)' if parts else 'swap cat \u2194 dog'
        fixes = sorted({c['type'].replace('_', ' ') for c in self.changes})
        if self.suggestion == 'keep' and fixes:
            return f'keep it, fixing: {", ".join(fixes)}'
        return {'drop': 'drop it', 'relabel': 'mark it for relabelling'}.get(
            self.suggestion, 'keep it'
        )

    def to_json(self) -> dict:
        """The item as the page gets it (its fields as they are: a page of thousands of items
        is serialised at once, and a deep copy of each took ~0.2 ms)."""
        return {**{f.name: getattr(self, f.name) for f in fields(self)}, 'proposal': self.proposal}


@dataclass
class ReviewSource:
    """A report folder and the dataset it describes."""

    kind: str  # 'plan' | 'eda' | 'label-quality'
    folder: Path
    data_root: Path
    items: list[ReviewItem]
    _by_id: dict[str, ReviewItem] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for item in self.items:  # the items are fixed once loaded
            self._by_id.setdefault(item.id, item)

    @property
    def decisions_path(self) -> Path:
        """decisions.json, next to the report."""
        return self.folder / DECISIONS_FILE

    def item(self, item_id: str) -> ReviewItem | None:
        """The item called ``item_id``, or None (a dict lookup: every picture asks)."""
        return self._by_id.get(item_id)


def _species_evidence(evidence: dict) -> dict:
    regions = evidence.get('species') or []
    shown: dict = {}
    if regions:
        worst = max(regions, key=lambda r: r.get('p_other_species', 0))
        shown['P(other species)'] = worst.get('p_other_species')
        shown['labelled'] = worst.get('label')
        if 'judged_by_fold' in worst:
            shown['judged by fold'] = worst['judged_by_fold']
        if 'p_cat_or_dog' in worst:
            shown['P(cat or dog)'] = worst['p_cat_or_dog']
    for name, count in (evidence.get('class_pixels') or {}).items():
        if count:
            shown[f'{name} pixels'] = count
    if 'image_size' in evidence:
        shown['image size'] = 'x'.join(str(v) for v in evidence['image_size'])
    if evidence.get('mask_size') and evidence.get('mask_size') != evidence.get('image_size'):
        shown['mask size'] = 'x'.join(str(v) for v in evidence['mask_size'])
    return shown


def _unflagged(entry: dict) -> bool:
    """A plan item the review does not ask about."""
    return entry['decision'] in ('keep', 'left_out')


def _plan_items(plan: dict) -> list[ReviewItem]:
    items = []
    for entry in plan['items']:
        if _unflagged(entry):
            continue
        suggestion = suggested_action(entry['decision'], entry['issues'], entry['reasons'])
        changes = list(entry['changes'])
        if suggestion == 'swap' and not any(c['type'] in SPECIES_CHANGES for c in changes):
            changes += proposed_species_changes(entry['evidence'])
        items.append(
            ReviewItem(
                id=f'{entry["split"]}/{entry["stem"]}',
                split=entry['split'],
                stem=entry['stem'],
                image=entry['image'],
                mask=entry['mask'],
                status=entry['decision'],
                issues=list(entry['issues']),
                reasons=list(entry['reasons']),
                evidence=_species_evidence(entry['evidence']),
                suggestion=suggestion,
                changes=changes,
            )
        )
    # automatic decisions first (plan order), then the reviews, strongest evidence first
    order = {item_id: n for n, item_id in enumerate(plan.get('review_order', []))}
    items.sort(key=lambda item: order.get(item.id, -1))
    return items


def _files_by_stem(root: Path, split: str) -> tuple[dict[str, str], dict[str, str]]:
    """``({stem: image}, {stem: mask})`` of one split, paths relative to ``root`` (an
    ambiguous stem keeps its first image in name order)."""
    image_dir, mask_dir = split_dirs(root, split)
    found: list[dict[str, str]] = []
    for folder, suffixes in ((image_dir, IMAGE_SUFFIXES), (mask_dir, (MASK_SUFFIX,))):
        files: dict[str, str] = {}
        if folder.is_dir():
            for path in sorted(folder.iterdir()):
                if path.suffix.lower() in suffixes and not path.name.startswith('.'):
                    files.setdefault(path.stem, path.relative_to(root).as_posix())
        found.append(files)
    return found[0], found[1]


def _evidence_view(findings: list[Finding]) -> dict:
    """The findings' evidence as the page shows it: one row per figure (later wins)."""
    shown: dict = {}
    for finding in findings:
        for name, value in finding.evidence.items():
            if isinstance(value, dict):
                value = ', '.join(f'{k}: {v}' for k, v in value.items())
            elif isinstance(value, list):
                value = 'x'.join(map(str, value))
            shown[name.replace('_', ' ')] = value
    return shown


def review_items(
    findings: list[Finding], data_root: Path, report_dir: Path | None = None
) -> list[ReviewItem]:
    """One item per sample with findings (first-seen order), with its image and its mask
    whichever file a finding names (a mask finding is judged against the photo).

    Findings without a stem are about a split, the dataset or a file that is no sample, and
    have no item. The status is the worst severity; ``accept`` means the strongest proposed
    action (a proposed mask only when its file, relative to ``report_dir``, exists).
    """
    grouped: dict[tuple[str, str], list[Finding]] = {}
    for finding in findings:
        if finding.stem is not None:
            grouped.setdefault((finding.split, finding.stem), []).append(finding)
    listed = {split: _files_by_stem(data_root, split) for split in {s for s, _ in grouped}}
    items = []
    for (split, stem), found in grouped.items():
        files = [f.file for f in found if f.file]
        images, masks = listed[split]
        image = next((f for f in files if f.startswith(f'{IMAGE_DIR}/')), images.get(stem))
        mask = next((f for f in files if f.startswith(f'{MASK_DIR}/')), masks.get(stem))
        proposal = next((f.evidence['proposal'] for f in found if f.evidence.get('proposal')), None)
        if proposal is not None and report_dir is not None:
            proposal = report_dir / proposal
        proposal_file = str(proposal) if proposal and Path(proposal).is_file() else None
        suggestion = _SUGGESTION.get(strongest_action(found), 'keep')
        if suggestion == 'accept' and proposal_file is None:
            suggestion = 'keep'
        items.append(
            ReviewItem(
                id=f'{split}/{stem}',
                split=split,
                stem=stem,
                image=image,
                mask=mask,
                status=min((f.severity for f in found), key=SEVERITIES.index),
                issues=[f.kind for f in found],
                reasons=[f.message for f in found],
                evidence=_evidence_view(found),
                suggestion=suggestion,
                proposal_file=proposal_file,
            )
        )
    return items


def _eda_items(report: dict, data_root: Path, path: Path) -> list[ReviewItem]:
    """The samples an eda report flags (its items are findings)."""
    if report['items'] and 'kind' not in report['items'][0]:
        raise PetsegError(f'{path} was written by an older petseg eda: run petseg eda again')
    return review_items([Finding.from_json(item) for item in report['items']], data_root)


def _label_quality_items(folder: Path, data_root: Path) -> list[ReviewItem]:
    """The images label-quality flags: ``findings.json`` beside the scores (an older report:
    made from its scores.json)."""
    if (folder / 'findings.json').is_file():
        findings = [Finding.from_json(f) for f in _read_json(folder / 'findings.json')]
    else:
        findings = LabelQuality.findings(_read_json(folder / 'scores.json'), folder)
    items = review_items(findings, data_root, folder)
    flagged = {(f.split, f.stem): f.evidence.get('flagged') for f in findings}
    for item in items:
        item.status = 'flagged' if flagged[(item.split, item.stem)] else 'meets the flag rule'
    return items


def _read_plan(path: Path) -> dict:
    """plan.json with only the items a review shows (read a chunk at a time: the plan of a
    large dataset is mostly samples kept as they are)."""
    try:
        head, items = read_plan_items(path, lambda item: None if _unflagged(item) else item)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, KeyError, TypeError) as err:
        raise PetsegError(f'{path}: cannot be read as a fix-labels plan ({err})') from err
    return {**head, 'items': items}


def _read_json(path: Path) -> dict | list:
    try:
        return json.loads(path.read_text(encoding='utf-8'))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PetsegError(f'{path}: cannot be read as JSON ({err})') from err


def load_source(path: str | Path) -> ReviewSource:
    """The review of ``path``: a fix-labels plan folder (plan.json), an eda folder (report.json)
    or a label-quality folder (``report/scores.json``)."""
    folder = Path(path)
    if folder.is_file():
        folder = folder.parent
    if not folder.is_dir():
        raise DataLayoutError(f'{path} does not exist (a fix-labels --dry-run plan folder?)')
    if (folder / 'plan.json').is_file():
        plan = _read_plan(folder / 'plan.json')
        return ReviewSource('plan', folder, Path(plan['data_root']), _plan_items(plan))
    if (folder / 'report.json').is_file():
        report = _read_json(folder / 'report.json')
        root = Path(report['data_root'])
        items = _eda_items(report, root, folder / 'report.json')
        return ReviewSource('eda', folder, root, items)
    report_dir = folder / 'report' if (folder / 'report' / 'scores.json').is_file() else folder
    if (report_dir / 'scores.json').is_file() and (report_dir / 'summary.json').is_file():
        summary = _read_json(report_dir / 'summary.json')
        root = Path(summary['data_root'])
        return ReviewSource(
            'label-quality', report_dir, root, _label_quality_items(report_dir, root)
        )
    raise DataLayoutError(
        f'{folder} holds no plan.json (fix-labels --dry-run), report.json (eda) or '
        'report/scores.json (label-quality)'
    )
