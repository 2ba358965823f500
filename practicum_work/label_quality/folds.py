"""Deterministic k-fold assignment of samples (``split/stem`` ids) for out-of-fold scoring."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from practicum_work.core.folds import assign_folds
from practicum_work.core.layout import pair_split


def fold_members(sample_ids: list[str], k: int, seed: int = 0) -> list[list[str]]:
    """Split ``sample_ids`` into ``k`` folds of near-equal size (``core.folds``), sorted."""
    if k < 2:
        raise ValueError('at least 2 folds are needed')
    if len(sample_ids) < k:
        raise ValueError(f'{len(sample_ids)} samples cannot make {k} folds')
    ids = np.array(sorted(sample_ids))
    fold = assign_folds(ids, k, seed)
    return [sorted(ids[fold == i].tolist()) for i in range(k)]


def write_stem_lists(sample_ids: list[str], folder: Path, prefix: str) -> dict[str, Path]:
    """Write one ``<prefix>_<split>.txt`` (one stem per line) per split; return them by split."""
    by_split: dict[str, list[str]] = {}
    for sample_id in sample_ids:
        split, stem = sample_id.split('/', 1)
        by_split.setdefault(split, []).append(stem)
    paths = {}
    for split, stems in sorted(by_split.items()):
        path = folder / f'{prefix}_{split}.txt'
        path.write_text('\n'.join(sorted(stems)) + '\n', encoding='utf-8')
        paths[split] = path
    return paths


def fingerprint(*parts: object) -> str:
    """A short hash of what defines a fold model (members, config, schedule)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
    return digest.hexdigest()[:16]


def samples_digest(data_root: Path, sample_ids: list[str]) -> str:
    """sha256 of the image and mask bytes of ``sample_ids`` (``split/stem``), in order.

    Part of a fold model's fingerprint, so that a rerun after masks (or images) were edited
    retrains instead of reusing models trained on the old files.
    """
    wanted = set(sample_ids)
    files: dict[str, tuple[Path, Path]] = {}
    for split in sorted({sample_id.split('/', 1)[0] for sample_id in sample_ids}):
        for pair in pair_split(data_root, split).pairs:
            if f'{split}/{pair.stem}' in wanted:
                files[f'{split}/{pair.stem}'] = (pair.image_path, pair.mask_path)
    digest = hashlib.sha256()
    for sample_id in sorted(wanted):
        digest.update(sample_id.encode())
        for path in files.get(sample_id, ()):
            digest.update(path.read_bytes())
    return digest.hexdigest()
