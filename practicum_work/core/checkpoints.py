"""Checkpoints: which one of a work dir to use, and which names are remote.

MMEngine writes ``iter_<N>.pth``, ``best_mDice_iter_<N>.pth`` (CheckpointHook's
``save_best='mDice'``) and ``last_checkpoint`` (a text file naming the latest); iterations are
compared as numbers (``iter_1000`` is after ``iter_500``).
"""

from __future__ import annotations

import re
from pathlib import Path

# Checkpoint names MMEngine (and mmcv's loaders) fetch from elsewhere.
REMOTE_PREFIXES: tuple[str, ...] = (
    'http://',
    'https://',
    'open-mmlab://',
    'openmmlab://',
    'mmcls://',
    'torchvision://',
    's3://',
)
_BEST = re.compile(r'^best_mDice_iter_(\d+)\.pth$')
_ITER = re.compile(r'^iter_(\d+)\.pth$')


def is_remote(checkpoint: str | Path) -> bool:
    """Whether ``checkpoint`` names a download rather than a local file."""
    return str(checkpoint).startswith(REMOTE_PREFIXES)


def _latest(work_dir: Path, pattern: re.Pattern) -> Path | None:
    found = [(int(m.group(1)), p) for p in work_dir.glob('*.pth') if (m := pattern.match(p.name))]
    return max(found)[1] if found else None


def best_iteration(checkpoint: str | Path) -> int | None:
    """N of a ``best_mDice_iter_<N>.pth`` checkpoint, else None."""
    match = _BEST.match(Path(checkpoint).name)
    return int(match.group(1)) if match else None


def pick_checkpoint(work_dir: str | Path) -> Path | None:
    """The best-by-mDice checkpoint (the latest iteration of them), else the latest one.

    The latest is the file ``last_checkpoint`` names (MMEngine's ``find_latest_checkpoint``)
    when it still exists, else the highest ``iter_<N>.pth``; None when there is none.
    """
    from mmengine.runner import find_latest_checkpoint

    work_dir = Path(work_dir)
    best = _latest(work_dir, _BEST)
    if best is not None:
        return best
    named = (
        find_latest_checkpoint(str(work_dir)) if (work_dir / 'last_checkpoint').is_file() else None
    )
    if named:
        candidate = Path(named)
        candidate = candidate if candidate.is_absolute() else work_dir / candidate.name
        if not candidate.is_file():
            candidate = work_dir / candidate.name
        if candidate.is_file():
            return candidate
    return _latest(work_dir, _ITER)
