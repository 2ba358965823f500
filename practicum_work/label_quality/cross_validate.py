"""``petseg cross-validate``: k-fold estimates of a config on train (+ val), held-out metrics.

The samples are split into folds by the same machinery label-quality uses (``fold_members``,
``train_fold_model``: same assignment, same fingerprints, fold models reused on a rerun when
data, config and schedule are unchanged). Each fold's model predicts the samples it never
saw; per fold, the held-out confusion gives MMSeg's metrics (mIoU, mDice, aAcc, per class);
over folds, mean and standard deviation.

``<out>/report/`` (written atomically) holds ``cross_validate.json``, ``folds.png`` and, so
that ``petseg compare`` reads a cross-validation like an experiment, ``metrics_test_cv.json``
(metrics of all held-out predictions pooled: every sample predicted once, by a model that
never saw it) and ``per_image_test_cv.json`` (their per-image areas: bootstrap intervals, and
paired comparisons between two configs cross-validated with the same folds and seed).
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

import numpy as np

from practicum_work.analysis.per_image_metrics import confusion_matrix, split_metrics
from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.classes import IGNORE_INDEX
from practicum_work.core.config import short_run_options
from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.core.options import settings_json
from practicum_work.label_quality.fold_models import FoldModel, read_fold_source, train_fold_model
from practicum_work.label_quality.folds import fold_members
from practicum_work.label_quality.oof_predict import predict_heldout
from practicum_work.label_quality.run import scorable_pairs
from practicum_work.label_quality.settings import CrossValidateSettings

SUMMARY_METRICS = ('mDice', 'mIoU', 'aAcc')


def _heldout_areas(model: FoldModel, settings: CrossValidateSettings):
    """(class names, [(sample id, confusion)]) of a fold model over the samples it held out."""
    from practicum_work.analysis.inference import build_model, load_split_config

    cfg = load_split_config(model.config, batch_size=settings.batch_size, num_workers=0)
    network = build_model(cfg, model.checkpoint, settings.device)
    classes = list(network.dataset_meta['classes'])
    predictions = predict_heldout(
        model.config, model.checkpoint, model.heldout_lists, settings.batch_size,
        device=settings.device, with_probs=False, model=network,
    )  # fmt: skip
    rows = [
        (f'{split}/{p.stem}', confusion_matrix(p.gt, p.pred, len(classes), IGNORE_INDEX))
        for split, p in predictions
    ]
    return classes, rows


def _mean_std(folds: list[dict]) -> dict:
    out = {}
    for metric in SUMMARY_METRICS:
        values = [f['summary'][metric] for f in folds if f['summary'].get(metric) is not None]
        if values:
            out[metric] = {
                'mean': round(statistics.fmean(values), 2),
                'std': round(statistics.stdev(values), 2) if len(values) > 1 else 0.0,
                'folds': values,
            }
    return out


def _plot_folds(folds: list[dict], path: Path, title: str) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7, 4), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    values = [f['summary']['mDice'] or 0.0 for f in folds]
    ax.bar([f'fold {f["fold"] + 1}' for f in folds], values, color='#4e79a7')
    mean = statistics.fmean(values)
    ax.axhline(mean, color='#e15759', linestyle='--', label=f'mean {mean:.2f}')
    ax.set_ylabel('held-out mDice (%)')
    ax.set_title(title)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)


def _check(config: Path, data_root: Path, out: Path, settings: CrossValidateSettings) -> None:
    if not config.is_file():
        raise DataLayoutError(f'config {config} does not exist')
    if not data_root.is_dir():
        raise DataLayoutError(f'data root {data_root} does not exist')
    if settings.folds < 2:
        raise PetsegError(f'--folds {settings.folds}: at least 2 folds are needed')
    check_output_outside(out, data_root)


def run_cross_validate(
    config: str | Path,
    data_root: str | Path,
    out: str | Path,
    settings: CrossValidateSettings | None = None,
    overwrite: bool = False,
) -> dict:
    """Train (or reuse) one model per fold, evaluate each on what it held out; the report."""
    settings = settings or CrossValidateSettings()
    config, data_root, out = Path(config), Path(data_root), Path(out)
    _check(config, data_root, out, settings)
    start = time.monotonic()
    splits = ['train', 'val'] if settings.include_val else ['train']
    pairs, skipped = scorable_pairs(data_root, splits)
    sample_ids = list(pairs)
    if len(sample_ids) < settings.folds:
        raise PetsegError(
            f'{len(sample_ids)} usable samples in {data_root} ({", ".join(splits)}) cannot make '
            f'{settings.folds} folds'
        )
    members = fold_members(sample_ids, settings.folds, settings.seed)
    source = read_fold_source(config, data_root, pairs)  # the config and the files, read once
    with atomic_output_dir(out / 'report', overwrite=overwrite) as report:
        folds, images, confusions, classes, reused = [], [], [], None, 0
        for index, fold in enumerate(members):
            options = short_run_options(
                source.config, iters=settings.iters, crop=settings.crop,
                batch_size=settings.batch_size, lr=settings.lr, workers=settings.workers,
                seed=settings.seed + index,
            )  # fmt: skip
            model = train_fold_model(
                index, settings.folds, fold, sample_ids, source, out / 'folds' / f'fold_{index}',
                options,
            )  # fmt: skip
            reused += model.reused
            classes, rows = _heldout_areas(model, settings)
            fold_confusion = sum(c for _, c in rows)
            folds.append({'fold': index, 'images': len(rows), 'reused': model.reused,
                          **split_metrics(fold_confusion, classes)})  # fmt: skip
            images += [sample_id for sample_id, _ in rows]
            confusions += [c for _, c in rows]
        pooled = split_metrics(sum(confusions), classes)
        document = {
            'config': str(config),
            'data_root': str(data_root),
            'settings': settings_json(settings),
            'samples': len(sample_ids),
            'not_used': skipped,
            'folds_trained': settings.folds - reused,
            'folds_reused': reused,
            'per_fold': folds,
            'mean_std': _mean_std(folds),
            'pooled': pooled,
            'wall_time_s': round(time.monotonic() - start, 1),
        }
        (report / 'cross_validate.json').write_text(json.dumps(document, indent=2))
        metrics = {'split': 'cv', 'kind': 'test', 'units': 'percent', 'checkpoint': None,
                   'experiment': f'cross-validate {config.stem}', **pooled}  # fmt: skip
        (report / 'metrics_test_cv.json').write_text(json.dumps(metrics, indent=2))
        stack = np.stack(confusions).astype(np.int64)
        intersect = np.diagonal(stack, axis1=1, axis2=2)
        area_pred, area_label = stack.sum(axis=1), stack.sum(axis=2)
        per_image = {
            'split': 'cv', 'classes': classes, 'images': images,
            'area_intersect': intersect.tolist(), 'area_pred': area_pred.tolist(),
            'area_label': area_label.tolist(),
            'area_union': (area_pred + area_label - intersect).tolist(),
        }  # fmt: skip
        (report / 'per_image_test_cv.json').write_text(json.dumps(per_image))
        _plot_folds(folds, report / 'folds.png', f'{config.stem}: {settings.folds}-fold held-out')
    return document
