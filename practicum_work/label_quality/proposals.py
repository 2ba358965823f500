"""Proposed mask corrections: out-of-fold prediction where confident, given label elsewhere."""

from __future__ import annotations

import numpy as np

from practicum_work.label_quality.scoring import CONTRADICTION_CODES


def propose_mask(probs: np.ndarray, label: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """The given ``label`` with every confidently contradicted pixel set to the model's class.

    ``codes`` is the image's issue map (scoring.issue_map); ignored pixels (255) stay ignored.
    """
    contradicted = np.isin(codes, list(CONTRADICTION_CODES.values()))
    proposal = label.copy()
    proposal[contradicted] = probs.argmax(axis=0)[contradicted].astype(label.dtype)
    return proposal


def changed_pixels(before: np.ndarray, after: np.ndarray) -> dict[str, int]:
    """Counts of changed pixels by ``'<from>-><to>'`` class ids."""
    changed = before != after
    if not changed.any():
        return {}
    pairs = before[changed].astype(np.int64) * 256 + after[changed].astype(np.int64)
    values, counts = np.unique(pairs, return_counts=True)
    return {f'{v // 256}->{v % 256}': int(c) for v, c in zip(values, counts)}
