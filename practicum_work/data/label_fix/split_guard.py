"""A cleaned copy must keep most of every split: emptying one is a sign of a format problem.

Masks saved as 0/255 (the pet stored as 255, "ignore") are all empty to fix-labels, colour
masks unreadable: the plan would drop the whole dataset and the copy train on nothing. When a
split would lose more than ``MAX_DROPPED_SHARE`` of its samples (dropped or left out), fix-labels
refuses to write the copy and a dry run warns; the message names the cause, the mask values
found and, where the masks' encoding is recognised (:mod:`practicum_work.core.mask_encoding`),
the command that converts them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from practicum_work.core.classes import IGNORE_INDEX
from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix.plan import PlanItem

MAX_DROPPED_SHARE = 0.5
NOT_COPIED = ('drop', 'left_out')
CAUSES = {
    'empty_mask': 'no foreground',
    'tiny_mask': 'tiny masks',
    'size_mismatch': 'mask size differs from the image',
    'unreadable_mask': 'masks unreadable',
    'truncated_mask': 'masks truncated',
    'colour_mask': 'colour masks (not class ids)',
    'unreadable_image': 'images unreadable',
    'truncated_image': 'images truncated',
    'image_without_mask': 'images without a mask',
    'mask_without_image': 'masks without an image',
    'ambiguous_image': 'several images per stem',
}
IMAGE_ISSUES = {'unreadable_image', 'truncated_image', 'image_without_mask', 'ambiguous_image'}
PIXEL_VALUES = {'background': 0, 'cat': 1, 'dog': 2, 'ignore': IGNORE_INDEX}
ENCODING_CHECK_FILES = 300


@dataclass
class SplitLoss:
    """The samples of one split that the copy would not hold."""

    split: str
    lost: list[PlanItem]
    total: int

    @property
    def emptied(self) -> bool:
        """Whether the split keeps nothing or less than half."""
        return len(self.lost) > MAX_DROPPED_SHARE * self.total


def split_losses(items: list[PlanItem]) -> list[SplitLoss]:
    """Per split (in plan order), the samples the copy would not hold."""
    splits = list(dict.fromkeys(i.split for i in items))
    losses = []
    for split in splits:
        members = [i for i in items if i.split == split]
        lost = [i for i in members if i.decision in NOT_COPIED]
        losses.append(SplitLoss(split, lost, len(members)))
    return losses


def _values_found(items: list[PlanItem]) -> list[int]:
    values: set[int] = set()
    for item in items:
        pixels = item.evidence.get('class_pixels') or {}
        values |= {PIXEL_VALUES[k] for k, n in pixels.items() if n and k in PIXEL_VALUES}
        values |= {int(v) for v in item.evidence.get('stray_values') or {}}
    return sorted(values)


def _cause(loss: SplitLoss) -> str:
    """The main reason the samples go, with the mask values they hold."""
    human = sum(i.decided_by == 'human' for i in loss.lost)
    automatic = [i for i in loss.lost if i.decided_by != 'human']
    issues = Counter(x for i in automatic for x in i.issues if x in CAUSES)
    parts = [f'{CAUSES[issue]}: {n}' for issue, n in issues.most_common(2)]
    if human:
        parts.append(f'dropped by your decisions: {human}')
    values = _values_found(loss.lost)
    if values:
        parts.append(f'mask values found {", ".join(map(str, values))}')
    first = loss.lost[0]
    example = first.image if set(first.issues) & IMAGE_ISSUES or not first.mask else first.mask
    if example:
        parts.append(f'e.g. {example}')
    return '; '.join(parts) or 'dropped'


def _encoding_hint(root: Path) -> str:
    """What the masks look like as a dataset, and how to convert them (eda otherwise)."""
    from practicum_work.core.mask_encoding import detect_mask_encoding

    try:
        found = detect_mask_encoding(root, max_files=ENCODING_CHECK_FILES)
    except (PetsegError, OSError):  # a hint only: the refusal stands without it
        return '; check the masks with petseg eda'
    if found.usable:
        return '; check the flagged samples with petseg eda or the dry run'
    fix = f': {found.convert_command}' if found.convert_command else ''
    return f'; {found.message}{fix}'


def emptied_split_message(items: list[PlanItem], root: Path) -> str | None:
    """One line naming the first split the copy would (nearly) empty and why; None if none."""
    loss = next((x for x in split_losses(items) if x.emptied), None)
    if loss is None:
        return None
    return (
        f'the cleaned copy would drop {len(loss.lost)} of {loss.total} {loss.split} samples '
        f'({_cause(loss)}){_encoding_hint(root)}'
    )
