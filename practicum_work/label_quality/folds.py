"""Deterministic k-fold assignment of samples (``split/stem`` ids) for out-of-fold scoring."""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from practicum_work.core.folds import assign_folds


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


def file_digests(files: dict[str, tuple[Path, ...]]) -> dict[str, str]:
    """sha256 of each sample's files (its image and mask bytes), by ``split/stem`` id.

    Read once per run; :func:`samples_digest` combines them for each fold.
    """
    digests = {}
    for sample_id, paths in files.items():
        digest = hashlib.sha256()
        for path in paths:
            digest.update(hashlib.sha256(Path(path).read_bytes()).digest())
        digests[sample_id] = digest.hexdigest()
    return digests


def samples_digest(digests: dict[str, str], sample_ids: list[str]) -> str:
    """One sha256 of the files of ``sample_ids`` (ids and :func:`file_digests`, in id order).

    Part of a fold model's fingerprint, so that a rerun after masks (or images) were edited
    retrains instead of reusing models trained on the old files.
    """
    digest = hashlib.sha256()
    for sample_id in sorted(set(sample_ids)):
        digest.update(f'{sample_id}\0{digests[sample_id]}\0'.encode())
    return digest.hexdigest()
