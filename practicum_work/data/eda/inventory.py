"""What a split holds: its listing (for the layout checks) and the jobs to scan (no reading)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from practicum_work.core.errors import DataLayoutError
from practicum_work.core.layout import (
    DEMO_DATA_HINT,
    IMAGE_DIR,
    MASK_DIR,
    MASK_SUFFIX,
    pair_dirs,
    split_dirs,
)
from practicum_work.data.checks.sample import SplitListing
from practicum_work.data.checks.settings import CheckSettings
from practicum_work.data.eda.pairs import PairJob


@dataclass
class SplitInventory:
    """The jobs of one split (pairs, lone images, lone masks) and its listing."""

    listing: SplitListing
    jobs: list[PairJob] = field(default_factory=list)
    paired_stems: list[str] = field(default_factory=list)

    @property
    def split(self) -> str:
        """The split's name."""
        return self.listing.split


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


def inventory_split(root: Path, split: str, settings: CheckSettings) -> SplitInventory:
    """Pair the split by stem (both directions) and list every file to check."""
    image_dir, mask_dir = split_dirs(root, split)
    inventory = SplitInventory(SplitListing(root, split, image_dir, mask_dir))

    def job(stem: str, image: Path | None, mask: Path | None) -> PairJob:
        as_text = (None if p is None else str(p) for p in (image, mask))
        return PairJob(str(root), split, stem, *as_text, settings)

    if not image_dir.is_dir():
        if mask_dir.is_dir():
            masks = sorted(
                p
                for p in mask_dir.iterdir()
                if p.is_file() and p.suffix.lower() == MASK_SUFFIX and not p.name.startswith('.')
            )
            inventory.listing.lone_masks = masks
            inventory.jobs += [job(mask.stem, None, mask) for mask in masks]
    else:
        pairing = pair_dirs(image_dir, mask_dir, split)
        inventory.listing.pairing = pairing
        for pair in pairing.pairs:
            inventory.jobs.append(job(pair.stem, pair.image_path, pair.mask_path))
            inventory.paired_stems.append(pair.stem)
        inventory.jobs += [job(image.stem, image, None) for image in pairing.images_without_mask]
        inventory.jobs += [job(mask.stem, None, mask) for mask in pairing.masks_without_image]
        seen: set[str] = set()
        for image in pairing.ambiguous_images:  # the first image of a stem is checked with the mask
            mask = mask_dir / f'{image.stem}{MASK_SUFFIX}'
            first = image.stem not in seen and mask.is_file()
            seen.add(image.stem)
            inventory.jobs.append(job(image.stem, image, mask if first else None))
    inventory.jobs.sort(key=lambda j: j.stem)  # stable: ambiguous images keep their order
    return inventory
