"""The fold machinery: one config read and one hash of each file per run, a process per fold.

The training process is replaced by a stand-in that writes the checkpoint, so what the parent
reads, starts and reuses is checked in seconds (the slow tests in test_run.py train for real).
"""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import cv2
import numpy as np
import pytest
from mmengine.config import Config

from practicum_work.core.config import short_run_options
from practicum_work.label_quality import fold_models
from practicum_work.label_quality.fold_models import read_fold_source, train_fold_model
from practicum_work.label_quality.folds import fold_members
from practicum_work.label_quality.run import scorable_pairs
from practicum_work.train import MODULE, build_parser
from tests.conftest import HYP1, REPO_ROOT

ITERS = 2


@pytest.fixture
def counted(monkeypatch):
    """Counts of config files read (``Config.fromfile``) and of bytes read, by path."""
    counts = {'configs': 0, 'files': Counter()}
    fromfile, read_bytes = Config.fromfile, Path.read_bytes

    def counting_fromfile(filename, *args, **kwargs):
        counts['configs'] += 1
        return fromfile(filename, *args, **kwargs)

    def counting_read_bytes(path):
        counts['files'][str(path)] += 1
        return read_bytes(path)

    monkeypatch.setattr(Config, 'fromfile', counting_fromfile)
    monkeypatch.setattr(Path, 'read_bytes', counting_read_bytes)
    return counts


@pytest.fixture
def started(monkeypatch):
    """The training processes started (module, args); each writes its fold's checkpoint."""
    runs = []

    def stand_in(module, args, log_path, description, show_progress=True):
        runs.append((module, args))
        parsed = build_parser().parse_args(args)  # the command line the process would take
        Path(parsed.config).with_name(f'iter_{ITERS}.pth').write_bytes(b'weights')

    monkeypatch.setattr(fold_models, 'run_module_logged', stand_in)
    return runs


def _train_folds(data_root: Path, out: Path, k: int = 2):
    pairs, _ = scorable_pairs(data_root, ['train'])
    ids = list(pairs)
    source = read_fold_source(REPO_ROOT / HYP1, data_root, pairs)
    models = []
    for index, members in enumerate(fold_members(ids, k, 0)):
        options = short_run_options(
            source.config, iters=ITERS, crop=64, batch_size=2, workers=0, seed=index
        )
        fold_dir = out / f'fold_{index}'
        models.append(train_fold_model(index, k, members, ids, source, fold_dir, options))
    return pairs, models


def test_a_run_reads_the_config_and_each_file_once(tiny_dataset, tmp_path, counted, started):
    pairs, models = _train_folds(tiny_dataset, tmp_path / 'folds', k=3)
    assert counted['configs'] == 1  # the user's config, read once for the three folds
    files = {str(path) for pair in pairs.values() for path in pair}
    assert counted['files'] == Counter(dict.fromkeys(files, 1))  # each image and mask once
    assert [module for module, _ in started] == [MODULE] * 3  # python -m practicum_work.train
    for model, (_, args) in zip(models, started):
        assert not model.reused and model.checkpoint.is_file()
        assert args == [str(model.config), '--overwrite']
        dumped = Config.fromfile(str(model.config))  # what the process reads
        assert dumped.work_dir == str(model.config.parent)
        assert dumped.train_cfg.max_iters == ITERS


def test_an_edited_mask_retrains_only_the_folds_that_trained_on_it(tiny_dataset, tmp_path, started):
    root = tmp_path / 'pets'
    shutil.copytree(tiny_dataset, root)
    _, first = _train_folds(root, tmp_path / 'folds')
    _, again = _train_folds(root, tmp_path / 'folds')
    assert [model.reused for model in again] == [True, True]
    edited = (first[0].heldout_lists['train']).read_text().split()[0]  # held out by fold 0
    mask_path = root / 'labels' / 'train' / f'{edited}.png'
    mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
    cv2.imwrite(str(mask_path), np.choose(mask, [0, 2, 1]).astype(np.uint8))  # a species fix
    _, after = _train_folds(root, tmp_path / 'folds')
    assert [model.reused for model in after] == [True, False]  # fold 1 trained on it
    assert len(started) == 2 + 1
