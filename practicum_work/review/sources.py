"""What a review looks at: the flagged samples of a fix-labels plan, an eda report or a
label-quality report, each with its evidence and what the tool proposes.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.core.layout import IMAGE_SUFFIXES, MASK_SUFFIX, split_dirs
from practicum_work.data.label_fix.human_decisions import (
    SPECIES_CHANGES,
    proposed_species_changes,
    suggested_action,
)

DECISIONS_FILE = 'decisions.json'


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
        """The item as the page gets it."""
        return {**asdict(self), 'proposal': self.proposal}


@dataclass
class ReviewSource:
    """A report folder and the dataset it describes."""

    kind: str  # 'plan' | 'eda' | 'label-quality'
    folder: Path
    data_root: Path
    items: list[ReviewItem]

    @property
    def decisions_path(self) -> Path:
        """decisions.json, next to the report."""
        return self.folder / DECISIONS_FILE

    def item(self, item_id: str) -> ReviewItem | None:
        """The item called ``item_id``, or None."""
        return next((i for i in self.items if i.id == item_id), None)


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


def _plan_items(plan: dict) -> list[ReviewItem]:
    items = []
    for entry in plan['items']:
        if entry['decision'] in ('keep', 'left_out'):
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


def _eda_items(report: dict, data_root: Path) -> list[ReviewItem]:
    """One item per flagged sample, with its image and its mask whichever file the finding
    names (a mask finding is judged against the photo)."""
    grouped: dict[tuple[str, str], list[dict]] = {}
    for entry in report['items']:
        if entry.get('stem') is not None and entry['anomaly_type'] != 'unexpected_file':
            grouped.setdefault((entry['split'], entry['stem']), []).append(entry)
    listed = {split: _files_by_stem(data_root, split) for split in {s for s, _ in grouped}}
    items = []
    for (split, stem), found in grouped.items():
        severity = 'error' if any(f['severity'] == 'error' for f in found) else 'warning'
        types = [f['anomaly_type'] for f in found]
        files = [f['file'] for f in found if f.get('file')]
        images, masks = listed[split]
        image = next((f for f in files if f.startswith('img/')), images.get(stem))
        mask = next((f for f in files if f.startswith('labels/')), masks.get(stem))
        suggestion = 'drop' if severity == 'error' else 'keep'
        if {'empty_mask', 'tiny_mask'} & set(types):
            suggestion = 'relabel'
        items.append(
            ReviewItem(
                f'{split}/{stem}',
                split,
                stem,
                image,
                mask,
                severity,
                types,
                [f['message'] for f in found],
                {},
                suggestion,
            )
        )
    return items


def _label_quality_items(folder: Path, scores: list[dict]) -> list[ReviewItem]:
    items = []
    for entry in scores:
        if not entry.get('meets_flag_rule'):
            continue
        name = f'{entry["split"]}_{entry["stem"]}.png'
        proposal = folder / 'proposals' / name
        evidence = {
            'score': entry['score'],
            'contradicted share': entry['contradicted_share'],
            'dominant contradiction': entry['dominant_contradiction'],
            'fold': entry['fold'],
            'rank': entry['rank'],
        }
        items.append(
            ReviewItem(
                id=f'{entry["split"]}/{entry["stem"]}',
                split=entry['split'],
                stem=entry['stem'],
                image=f'img/{entry["split"]}/{Path(entry["image"]).name}',
                mask=f'labels/{entry["split"]}/{entry["stem"]}.png',
                status='flagged' if entry['flagged'] else 'meets the flag rule',
                issues=[entry['dominant_contradiction'] or 'contradiction'],
                reasons=[
                    f'{entry["contradicted_share"]:.1%} of the pixels confidently '
                    f'contradicted ({entry["dominant_contradiction"]})'
                ],
                evidence=evidence,
                suggestion='accept' if proposal.is_file() else 'keep',
                proposal_file=str(proposal) if proposal.is_file() else None,
            )
        )
    return items


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
        plan = _read_json(folder / 'plan.json')
        return ReviewSource('plan', folder, Path(plan['data_root']), _plan_items(plan))
    if (folder / 'report.json').is_file():
        report = _read_json(folder / 'report.json')
        root = Path(report['data_root'])
        return ReviewSource('eda', folder, root, _eda_items(report, root))
    report_dir = folder / 'report' if (folder / 'report' / 'scores.json').is_file() else folder
    if (report_dir / 'scores.json').is_file() and (report_dir / 'summary.json').is_file():
        summary = _read_json(report_dir / 'summary.json')
        scores = _read_json(report_dir / 'scores.json')
        items = _label_quality_items(report_dir, scores)
        return ReviewSource('label-quality', report_dir, Path(summary['data_root']), items)
    raise DataLayoutError(
        f'{folder} holds no plan.json (fix-labels --dry-run), report.json (eda) or '
        'report/scores.json (label-quality)'
    )
