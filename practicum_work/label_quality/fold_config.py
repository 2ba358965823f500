"""Build the config of one fold: the user's config trained on the fold's training samples."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from mmengine.config import Config

from practicum_work.core.config import load_config


def fold_training_config(
    config: str | Path | Config,
    data_root: str | Path,
    train_lists: dict[str, Path],
    work_dir: Path,
    options: dict[str, Any],
) -> Config:
    """``config`` with its train set replaced by the listed samples of each split.

    ``config``: a file, or a ``Config`` read once for every fold (copied here, not changed).
    ``train_lists`` maps a split to a stem list (PetSegDataset's ``ann_file``); several
    splits become a ``ConcatDataset``. ``options`` are ``--cfg-options`` style overrides
    (e.g. :func:`practicum_work.core.config.short_run_options`).
    """
    cfg = load_config(config, options, data_root)
    template = cfg.train_dataloader.dataset
    datasets = []
    for split, listing in sorted(train_lists.items()):
        dataset = copy.deepcopy(template)
        dataset.data_prefix = dict(img_path=f'img/{split}', seg_map_path=f'labels/{split}')
        dataset.ann_file = str(Path(listing).resolve())
        datasets.append(dataset)
    cfg.train_dataloader.dataset = (
        datasets[0] if len(datasets) == 1 else dict(type='ConcatDataset', datasets=datasets)
    )
    cfg.work_dir = str(work_dir)
    return cfg
