"""Human decisions about flagged samples (``decisions.json``, written by ``petseg review``).

The file::

    {"petseg_decisions": 1,
     "dataset": {"name": "pets_noisy", "data_root": "/abs/data/pets_noisy",
                 "source": "plan", "source_path": "/abs/work_dirs/label_fix/pets_noisy"},
     "decisions": {"train/train_0007": {"action": "swap", "at": "2026-12-01T22:10:03+00:00",
                                         "history": [...], "mask_file": null}}}

Actions: ``accept`` (what the tool proposed: the plan's suggested change, for an uncertain
species the swap of the suspect components, or a label-quality proposal mask), ``keep`` (the
labels as they are; format fixes still apply), ``swap`` (cat <-> dog in the whole mask),
``drop`` (left out of the cleaned copy), ``relabel`` (kept, listed for relabelling and exported
by ``fix-labels --relabel-export``). ``fix-labels --decisions`` lets each human decision
override the automatic one for its sample and records, per change, who decided it and when. A
file for another dataset, or naming a sample the plan does not have, is a clear error.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from practicum_work.core.atomic import atomic_write_text
from practicum_work.core.errors import DataLayoutError, PetsegError

ACTIONS: tuple[str, ...] = ('accept', 'keep', 'swap', 'drop', 'relabel')
FORMAT_CHANGES = frozenset({'normalise_mode', 'stray_values', 'resize_nearest'})
SPECIES_CHANGES = frozenset({'swap_species', 'swap_component'})
FORMAT_VERSION = 1


def now() -> str:
    """The time of a decision, ISO 8601 in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def empty_document(name: str, data_root: Path, source: str, source_path: Path) -> dict:
    """A decisions document without decisions, for ``data_root``."""
    return {
        'petseg_decisions': FORMAT_VERSION,
        'dataset': {
            'name': name,
            'data_root': str(Path(data_root).resolve()),
            'source': source,
            'source_path': str(Path(source_path).resolve()),
        },
        'decisions': {},
    }


def read_decisions(path: str | Path) -> dict:
    """A decisions document, checked for shape; a missing or broken file is a clear error."""
    path = Path(path)
    if not path.is_file():
        raise DataLayoutError(f'decisions file {path} does not exist (petseg review writes it)')
    try:
        document = json.loads(path.read_text(encoding='utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PetsegError(f'{path}: not a decisions file ({err})') from err
    if not isinstance(document, dict) or document.get('petseg_decisions') != FORMAT_VERSION:
        raise PetsegError(f'{path}: not a petseg decisions file (no "petseg_decisions": 1)')
    for item_id, decision in document.get('decisions', {}).items():
        if decision.get('action') not in ACTIONS:
            raise PetsegError(
                f'{path}: {item_id} has action {decision.get("action")!r} '
                f'(one of {", ".join(ACTIONS)})'
            )
    return document


def write_decisions(path: str | Path, document: dict) -> None:
    """Write the document atomically (a reader never sees half a file)."""
    atomic_write_text(path, json.dumps(document, indent=2, ensure_ascii=False) + '\n')


def check_dataset(document: dict, data_root: Path, known: set[str], path: Path) -> None:
    """Refuse decisions made for another dataset or naming samples ``known`` does not hold."""
    dataset = document.get('dataset', {})
    theirs = Path(dataset.get('data_root', '')).resolve()
    if theirs != Path(data_root).resolve() and dataset.get('name') != Path(data_root).name:
        raise PetsegError(
            f'{path} holds decisions for dataset {dataset.get("name")!r} ({theirs}), not for '
            f'{data_root}'
        )
    unknown = sorted(set(document.get('decisions', {})) - known)
    if unknown:
        more = f' and {len(unknown) - 1} more' if len(unknown) > 1 else ''
        raise PetsegError(
            f'{path} decides about {unknown[0]}{more}, which {data_root} does not hold'
        )


def suggested_action(decision: str, issues: list[str], reasons: list[str]) -> str:
    """What the tool proposes for a sample, as one of ``ACTIONS`` (``accept`` means this)."""
    if decision == 'drop':
        return 'drop'
    if decision == 'fix':
        return 'swap' if 'species_swap' in issues else 'keep'
    if decision == 'review':
        if 'species_review' in issues:
            return 'swap'
        if any(r.startswith('drop suggested') for r in reasons):
            return 'drop'
        if {'empty_mask', 'tiny_mask'} & set(issues):
            return 'relabel'
    return 'keep'


def proposed_species_changes(evidence: dict) -> list[dict]:
    """The cat/dog swap a review sample's evidence points to.

    Judged per connected component (a mask holding both species): swap only the components
    that look like the other species; judged as one image: swap the whole mask.
    """
    regions = evidence.get('species') or []
    parts = [r for r in regions if r.get('scope') == 'component' and 'seed_xy' in r]
    if not parts:
        return [{'type': 'swap_species'}]
    return [
        {'type': 'swap_component', 'label': r['label'], 'seed_xy': list(r['seed_xy'])}
        for r in parts
        if r.get('p_other_species', 0) > 0.5
    ] or [{'type': 'swap_species'}]


def _usable_size_changes(item) -> list[dict]:
    """A resize for a mismatched mask the plan would drop: what a human keeping it implies."""
    if 'size_mismatch' not in item.issues or any(
        c['type'] == 'resize_nearest' for c in item.changes
    ):
        return []
    evidence = item.evidence
    return [{'type': 'resize_nearest', 'from': evidence['mask_size'], 'to': evidence['image_size']}]


def apply_human_decision(item, decision: dict) -> None:
    """Let ``decision`` (one entry of a decisions file) override the plan's ``item``."""
    action, at = decision['action'], decision.get('at') or now()
    item_id = f'{item.split}/{item.stem}'
    if item.decision == 'left_out' and action != 'drop':
        raise PetsegError(
            f'{item_id} cannot be trained on ({"; ".join(item.reasons)}): it can only be dropped'
        )
    automatic = item.changes
    fixes = [c for c in automatic if c['type'] in FORMAT_CHANGES] + _usable_size_changes(item)
    species = [c for c in automatic if c['type'] in SPECIES_CHANGES]
    chosen = action
    if action == 'accept':
        chosen = suggested_action(item.decision, item.issues, item.reasons)
    if action == 'accept' and decision.get('mask_file'):
        item.decision, changes = 'fix', [{'type': 'replace_mask', 'file': decision['mask_file']}]
    elif chosen == 'drop':
        item.decision, changes = 'drop', []
    elif chosen == 'swap':
        swap = [{'type': 'swap_species'}]  # `s`: the whole mask
        if action == 'accept':  # the tool's proposal: what it would swap, or what it suspects
            swap = species or proposed_species_changes(item.evidence)
        item.decision, changes = 'fix', fixes + swap
    elif chosen == 'relabel':
        item.decision, changes = 'review', fixes
        item.issues.append('needs_relabelling')
    else:  # keep
        item.decision, changes = ('fix' if fixes else 'keep'), fixes
    item.changes = [{**c, 'decided_by': 'human', 'decided_at': at} for c in changes]
    item.reasons.append(f'human decision: {action}' + (f' ({chosen})' if chosen != action else ''))
    item.decided_by, item.decided_at = 'human', at


def apply_decisions_file(items: list, path: str | Path, data_root: Path) -> dict:
    """Apply every decision of the file at ``path`` to the plan ``items``; return the document."""
    path = Path(path)
    document = read_decisions(path)
    by_id = {f'{i.split}/{i.stem}': i for i in items}
    check_dataset(document, data_root, set(by_id), path)
    for item in items:
        for change in item.changes:
            change.setdefault('decided_by', 'automatic')
    for item_id, decision in sorted(document['decisions'].items()):
        apply_human_decision(by_id[item_id], decision)
    return document
