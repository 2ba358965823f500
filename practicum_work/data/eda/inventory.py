"""What a split holds: the jobs to scan and the layout findings (listing only, no reading)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from practicum_work.core.errors import DataLayoutError
from practicum_work.core.layout import (
    DEMO_DATA_HINT,
    IMAGE_DIR,
    IMAGE_SUFFIXES,
    MASK_DIR,
    MASK_SUFFIX,
    pair_dirs,
    split_dirs,
)
from practicum_work.data.eda.anomalies import Anomaly
from practicum_work.data.eda.checks import PairJob


@dataclass
class SplitInventory:
    """The jobs of one split (pairs, lone images, lone masks) and its layout anomalies."""

    split: str
    jobs: list[PairJob] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    paired_stems: list[str] = field(default_factory=list)


def available_splits(root: Path) -> list[str]:
    """Split names found under ``root/img`` or ``root/labels`` (train, val, test first)."""
    names: set[str] = set()
    for sub in (IMAGE_DIR, MASK_DIR):
        folder = root / sub
        if folder.is_dir():
            names |= {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith('.')}
    known = [s for s in ('train', 'val', 'test') if s in names]
    return known + sorted(names - set(known))


def resolve_splits(root: Path, requested: list[str] | None) -> list[str]:
    """The splits to scan; clear errors for a missing root, no splits or an unknown split."""
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist ({DEMO_DATA_HINT})')
    found = available_splits(root)
    if not found:
        raise DataLayoutError(
            f'no splits under {root}: expected {root}/{IMAGE_DIR}/<split> and '
            f'{root}/{MASK_DIR}/<split> ({DEMO_DATA_HINT})'
        )
    if requested is None:
        return found
    missing = [s for s in requested if s not in found]
    if missing:
        raise DataLayoutError(
            f'split {missing[0]!r} not found under {root} (neither {IMAGE_DIR}/{missing[0]} '
            f'nor {MASK_DIR}/{missing[0]}); found: {", ".join(found)}'
        )
    return list(dict.fromkeys(requested))


def _unexpected(folder: Path, suffixes: tuple[str, ...], root: Path, split: str) -> list[Anomaly]:
    """Entries the layout ignores: other suffixes and sub-folders (hidden entries skipped)."""
    if not folder.is_dir():
        return []
    found = []
    with os.scandir(folder) as entries:  # no stat per file: the type comes with the listing
        odd = sorted(
            (entry.name, entry.is_dir())
            for entry in entries
            if not entry.name.startswith('.')
            and (entry.is_dir() or os.path.splitext(entry.name)[1].lower() not in suffixes)
        )
    for name, is_dir in odd:
        path = folder / name
        rel = path.relative_to(root).as_posix()
        what = 'folder' if is_dir else 'file'
        message = f'{what} ignored by the layout (expected {", ".join(suffixes)} files)'
        found.append(Anomaly('unexpected_file', split, path.stem, rel, message))
    return found


def inventory_split(root: Path, split: str, tiny_fg_pixels: int) -> SplitInventory:
    """Pair the split by stem (both directions) and list every file to check."""
    image_dir, mask_dir = split_dirs(root, split)
    inventory = SplitInventory(split)
    add = inventory.anomalies.append

    def job(stem: str, image: Path | None, mask: Path | None) -> PairJob:
        as_text = (None if p is None else str(p) for p in (image, mask))
        return PairJob(str(root), split, stem, *as_text, tiny_fg_pixels)

    for folder in (image_dir, mask_dir):
        if not folder.is_dir():
            rel = folder.relative_to(root).as_posix()
            add(Anomaly('missing_folder', split, None, rel, f'folder {rel} does not exist'))
    if not image_dir.is_dir():
        masks = sorted(
            p for p in mask_dir.iterdir() if p.is_file() and p.suffix.lower() == MASK_SUFFIX
        )
        for mask in masks:
            if not mask.name.startswith('.'):
                rel = mask.relative_to(root).as_posix()
                add(Anomaly('mask_without_image', split, mask.stem, rel, 'no image with this stem'))
                inventory.jobs.append(job(mask.stem, None, mask))
    else:
        pairing = pair_dirs(image_dir, mask_dir, split)
        for pair in pairing.pairs:
            inventory.jobs.append(job(pair.stem, pair.image_path, pair.mask_path))
            inventory.paired_stems.append(pair.stem)
        for image in pairing.images_without_mask:
            rel = image.relative_to(root).as_posix()
            add(Anomaly('image_without_mask', split, image.stem, rel, 'no mask with this stem'))
            inventory.jobs.append(job(image.stem, image, None))
        for mask in pairing.masks_without_image:
            rel = mask.relative_to(root).as_posix()
            add(Anomaly('mask_without_image', split, mask.stem, rel, 'no image with this stem'))
            inventory.jobs.append(job(mask.stem, None, mask))
        _add_ambiguous(pairing.ambiguous_images, mask_dir, root, split, inventory, job)
    inventory.anomalies += _unexpected(image_dir, IMAGE_SUFFIXES, root, split)
    inventory.anomalies += _unexpected(mask_dir, (MASK_SUFFIX,), root, split)
    if not inventory.jobs:
        rel = f'{IMAGE_DIR}/{split}'
        add(Anomaly('empty_split', split, None, rel, f'split {split!r} has no images and no masks'))
    inventory.jobs.sort(key=lambda j: j.stem)  # stable: ambiguous images keep their order
    return inventory


def _add_ambiguous(images, mask_dir: Path, root: Path, split: str, inventory, job) -> None:
    """Several images share a stem: each is reported; the first is checked with the mask."""
    by_stem: dict[str, list[Path]] = {}
    for image in images:
        by_stem.setdefault(image.stem, []).append(image)
    for stem, paths in by_stem.items():
        mask = mask_dir / f'{stem}{MASK_SUFFIX}'
        names = ', '.join(p.name for p in paths)
        for i, image in enumerate(paths):
            rel = image.relative_to(root).as_posix()
            message = f'several images share the stem {stem!r}: {names}'
            inventory.anomalies.append(Anomaly('ambiguous_image', split, stem, rel, message))
            inventory.jobs.append(job(stem, image, mask if i == 0 and mask.is_file() else None))
