"""Train (or reuse) the model of one fold: the fold machinery of label-quality and cross-validate.

A fold model is the user's config trained, with a short-run schedule, on every sample except
the fold's members; its folder holds the config, the stem lists, the checkpoint and
``fold.json`` with a fingerprint of what defines it (training samples and their bytes, the
resolved config, the options). A rerun with the same fingerprint reuses the checkpoint.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from practicum_work.core.atomic import atomic_write_text
from practicum_work.core.config import load_config
from practicum_work.core.errors import PetsegError
from practicum_work.core.tool_runner import repo_path, run_tool_logged
from practicum_work.label_quality.fold_config import fold_training_config
from practicum_work.label_quality.folds import fingerprint, samples_digest, write_stem_lists


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
    config: Path,
    data_root: Path,
    fold_dir: Path,
    options: dict[str, Any],
) -> FoldModel:
    """Train fold ``index`` on ``all_ids`` minus ``members`` (or reuse it); see the module."""
    fold_dir.mkdir(parents=True, exist_ok=True)
    heldout = set(members)
    train_ids = [i for i in all_ids if i not in heldout]
    key = fingerprint(
        sorted(train_ids),
        samples_digest(data_root, train_ids),  # edited masks or images: retrain
        load_config(config).pretty_text,  # with its _base_ files
        sorted(options.items()),
    )
    checkpoint = fold_dir / f'iter_{options["train_cfg.max_iters"]}.pth'
    heldout_lists = write_stem_lists(members, fold_dir, 'heldout')
    marker = fold_dir / 'fold.json'
    reusable = checkpoint.is_file() and marker.is_file()
    if reusable and json.loads(marker.read_text()).get('fingerprint') == key:
        return FoldModel(index, fold_dir / 'config.py', checkpoint, heldout_lists, True)
    train_lists = write_stem_lists(train_ids, fold_dir, 'train')
    cfg = fold_training_config(config, data_root, train_lists, fold_dir, options)
    cfg.dump(str(fold_dir / 'config.py'))
    # --overwrite: a model of the fold's earlier data (or a broken run) moves to
    # <fold_dir>/previous_runs/ instead of mixing with the new one.
    run_tool_logged(
        [str(repo_path('tools/train.py')), str(fold_dir / 'config.py'), '--overwrite'],
        fold_dir / 'train.log',
        f'fold {index + 1}/{folds}: train',
    )
    if not checkpoint.is_file():
        raise PetsegError(f'fold {index} finished without {checkpoint}; see {fold_dir}/train.log')
    atomic_write_text(marker, json.dumps({'fingerprint': key, 'train_samples': len(train_ids)}))
    return FoldModel(index, fold_dir / 'config.py', checkpoint, heldout_lists, False)
