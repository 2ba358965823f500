"""Train (or reuse) the model of one fold: the fold machinery of label-quality and cross-validate.

A fold model is the user's config trained, with a short-run schedule, on every sample except
the fold's members; its folder holds the config, the stem lists, the checkpoint and
``fold.json`` with a fingerprint of what defines it (training samples and their bytes, the
resolved config, the options). A rerun with the same fingerprint reuses the checkpoint.

What every fold shares is read once per run (:func:`read_fold_source`): the user's config and
the bytes of every sample. Each fold model trains in a process of its own,
``python -m practicum_work.train`` (MMEngine names a Runner's logger, visualizer and message
hub ``<config name>_<start second>`` in one global table, every fold's config is
``config.py``, and ClearML allows one task per process; the process also gives its memory back).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from practicum_work import train
from practicum_work.core.atomic import atomic_write_text
from practicum_work.core.config import load_config
from practicum_work.core.errors import PetsegError
from practicum_work.core.tool_runner import run_module_logged
from practicum_work.label_quality.fold_config import fold_training_config
from practicum_work.label_quality.folds import (
    file_digests,
    fingerprint,
    samples_digest,
    write_stem_lists,
)


@dataclass
class FoldSource:
    """What every fold model of a run starts from, read once."""

    config: Any  # the user's MMEngine Config (each fold copies it)
    config_text: str  # its resolved text, with its _base_ files: part of each fingerprint
    data_root: Path
    digests: dict[str, str]  # split/stem -> sha256 of its image and mask (folds.file_digests)


def read_fold_source(
    config: str | Path, data_root: str | Path, files: dict[str, tuple[Path, ...]]
) -> FoldSource:
    """Read ``config`` and hash the ``files`` of every sample (``split/stem`` -> paths) once."""
    cfg = load_config(config)
    return FoldSource(cfg, cfg.pretty_text, Path(data_root), file_digests(files))


@dataclass
class FoldModel:
    """A trained fold model and the samples it held out."""

    index: int
    config: Path
    checkpoint: Path
    heldout_lists: dict[str, Path]
    reused: bool


def train_fold_model(
    index: int,
    folds: int,
    members: list[str],
    all_ids: list[str],
    source: FoldSource,
    fold_dir: Path,
    options: dict[str, Any],
) -> FoldModel:
    """Train fold ``index`` on ``all_ids`` minus ``members`` (or reuse it); see the module."""
    fold_dir.mkdir(parents=True, exist_ok=True)
    heldout = set(members)
    train_ids = [i for i in all_ids if i not in heldout]
    key = fingerprint(
        sorted(train_ids),
        samples_digest(source.digests, train_ids),  # edited masks or images: retrain
        source.config_text,
        sorted(options.items()),
    )
    checkpoint = fold_dir / f'iter_{options["train_cfg.max_iters"]}.pth'
    heldout_lists = write_stem_lists(members, fold_dir, 'heldout')
    marker = fold_dir / 'fold.json'
    reusable = checkpoint.is_file() and marker.is_file()
    if reusable and json.loads(marker.read_text()).get('fingerprint') == key:
        return FoldModel(index, fold_dir / 'config.py', checkpoint, heldout_lists, True)
    train_lists = write_stem_lists(train_ids, fold_dir, 'train')
    cfg = fold_training_config(source.config, source.data_root, train_lists, fold_dir, options)
    cfg.dump(str(fold_dir / 'config.py'))
    # --overwrite: a model of the fold's earlier data (or a broken run) moves to
    # <fold_dir>/previous_runs/ instead of mixing with the new one.
    run_module_logged(
        train.MODULE,
        train.command_line(fold_dir / 'config.py', overwrite=True),
        fold_dir / 'train.log',
        f'fold {index + 1}/{folds}: train',
    )
    if not checkpoint.is_file():
        raise PetsegError(f'fold {index} finished without {checkpoint}; see {fold_dir}/train.log')
    atomic_write_text(marker, json.dumps({'fingerprint': key, 'train_samples': len(train_ids)}))
    return FoldModel(index, fold_dir / 'config.py', checkpoint, heldout_lists, False)
