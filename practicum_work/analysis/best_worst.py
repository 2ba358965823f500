"""``petseg best-worst``: score every image of a split, draw the best and the worst.

Ranking rule: images are ranked by their mean foreground Dice (cat, dog; see
:mod:`practicum_work.analysis.per_image_metrics`), ties broken by file stem. Images where
neither cat nor dog appears in mask or prediction have no foreground Dice and are not ranked
(they are in ``scores.csv`` with an empty score). Per class: the K images whose ground truth
holds the class with the lowest Dice of it (ties: the most pixels of it missed first, then by
stem; a class only predicted is a ``false_<class>`` confusion, not a worst of the class); per
confusion (true class -> predicted class, e.g. ``cat_missed`` = cat predicted
as background, ``dog_called_cat``, ``false_dog`` = background predicted as dog): the K images
with the most such pixels.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from practicum_work.analysis import inference
from practicum_work.analysis.confusion import confusion_record, plot_confusion_matrix
from practicum_work.analysis.panels import PanelJob, render_panel
from practicum_work.analysis.per_image_metrics import (
    ABSENT_CLASS_RULE,
    FOREGROUND_RULE,
    IGNORE_RULE,
    ImageScores,
    image_scores,
    split_metrics,
)
from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.classes import BACKGROUND, CLASSES, FOREGROUND_CLASSES, PALETTE
from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.core.paths import default_analysis_dir, run_name
from practicum_work.core.progress import ordered_map
from practicum_work.mmseg_ext.segmentors.small_components import FILL_RULE, MinArea

RANKING_RULE = (
    'ranked by mean foreground Dice (higher is better), ties by stem; images without cat or '
    'dog in mask and prediction are not ranked'
)
CONFUSION_RULE = (
    'per (true class, predicted class) pair: the images with the most such pixels; share = '
    "those pixels / the image's pixels of the true class"
)


@dataclass
class ImageRecord:
    """One scored image and where its files are."""

    stem: str
    image_path: str
    mask_path: str
    prediction_path: str
    scores: ImageScores


@dataclass
class RankedImage:
    """One entry of a best/worst list: its rank, image, score and panel (relative to out)."""

    rank: int
    stem: str
    score: float | None
    panel: str = ''
    detail: dict = field(default_factory=dict)


@dataclass
class BestWorstResult:
    """What ``run_best_worst`` wrote and its headline numbers (percent)."""

    out_dir: str
    config: str
    checkpoint: str
    split: str
    min_component_area: object
    n_images: int
    n_ranked: int
    metrics: dict
    mean_fg_dice: float | None
    best: list[RankedImage]
    worst: list[RankedImage]
    worst_per_class: dict[str, list[RankedImage]]
    confusions: dict[str, list[RankedImage]]
    left_out: list[str] = field(default_factory=list)  # '<file>: <reason>', not evaluated


def rank_best_worst(
    records: Sequence[ImageRecord], k: int
) -> tuple[list[RankedImage], list[RankedImage]]:
    """The ``k`` best and ``k`` worst images by mean foreground Dice (module rule)."""
    ranked = [r for r in records if r.scores.mean_fg_dice is not None]
    best = sorted(ranked, key=lambda r: (-r.scores.mean_fg_dice, r.stem))[:k]
    worst = sorted(ranked, key=lambda r: (r.scores.mean_fg_dice, r.stem))[:k]
    return (
        [RankedImage(i + 1, r.stem, r.scores.mean_fg_dice) for i, r in enumerate(best)],
        [RankedImage(i + 1, r.stem, r.scores.mean_fg_dice) for i, r in enumerate(worst)],
    )


def worst_per_class(
    records: Sequence[ImageRecord],
    k: int,
    class_names: Sequence[str] = CLASSES,
    classes: Sequence[int] = FOREGROUND_CLASSES,
) -> dict[str, list[RankedImage]]:
    """Per class: the ``k`` images whose ground truth holds it, lowest Dice of it first.

    Ties (many at Dice 0) put the image with the most pixels of the class missed first, then
    order by stem. ``detail`` holds the class's ground-truth and missed pixels.
    """
    out = {}
    for cls in classes:
        entries = []
        for record in records:
            truth = int(sum(record.scores.confusion[cls]))
            dice = record.scores.dice[cls]
            if truth == 0 or dice is None:
                continue
            missed = truth - int(record.scores.confusion[cls][cls])
            entries.append((dice, -missed, record.stem, truth, missed))
        entries.sort()
        out[class_names[cls]] = [
            RankedImage(i + 1, stem, dice, detail={'gt_pixels': truth, 'missed_pixels': missed})
            for i, (dice, _, stem, truth, missed) in enumerate(entries[:k])
        ]
    return out


def confusion_name(true: int, pred: int, class_names: Sequence[str] = CLASSES) -> str:
    """``cat_missed`` (pred background), ``false_dog`` (true background), ``dog_called_cat``."""
    if pred == BACKGROUND:
        return f'{class_names[true]}_missed'
    if true == BACKGROUND:
        return f'false_{class_names[pred]}'
    return f'{class_names[true]}_called_{class_names[pred]}'


def worst_confusions(
    records: Sequence[ImageRecord], k: int, class_names: Sequence[str] = CLASSES
) -> dict[str, list[RankedImage]]:
    """Per off-diagonal (true, predicted) pair: the ``k`` images with the most such pixels."""
    out = {}
    n = len(class_names)
    for true in range(n):
        for pred in range(n):
            if true == pred:
                continue
            hits = [(r, r.scores.confusion[true][pred]) for r in records]
            hits = sorted((h for h in hits if h[1] > 0), key=lambda h: (-h[1], h[0].stem))[:k]
            entries = []
            for i, (record, pixels) in enumerate(hits):
                true_pixels = sum(record.scores.confusion[true])
                share = round(100.0 * pixels / true_pixels, 2) if true_pixels else None
                entries.append(
                    RankedImage(i + 1, record.stem, share, detail={'pixels': int(pixels)})
                )
            out[confusion_name(true, pred, class_names)] = entries
    return out


def _fmt(value: float | None) -> str:
    return '—' if value is None else f'{value:.1f}'


def panel_title(record: ImageRecord, class_names: Sequence[str] = CLASSES) -> str:
    """``stem | mean fg Dice | Dice per class | pixel accuracy``."""
    scores = record.scores
    dice = ', '.join(f'{class_names[c]} {_fmt(scores.dice[c])}' for c in range(len(class_names)))
    return (
        f'{record.stem}    mean fg Dice {_fmt(scores.mean_fg_dice)}    Dice: {dice}    '
        f'pixel acc {_fmt(scores.pixel_acc)}'
    )


def scores_csv(records: Sequence[ImageRecord], class_names: Sequence[str] = CLASSES) -> str:
    """Every image's scores as CSV text (percent; empty = undefined), in dataset order."""
    order = sorted(
        (r for r in records if r.scores.mean_fg_dice is not None),
        key=lambda r: (-r.scores.mean_fg_dice, r.stem),
    )
    rank = {r.stem: i + 1 for i, r in enumerate(order)}
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    header = ['stem', 'rank', 'mean_fg_dice', 'mean_fg_iou', 'pixel_acc']
    header += [f'dice_{n}' for n in class_names] + [f'iou_{n}' for n in class_names]
    header += [f'gt_px_{n}' for n in class_names] + [f'pred_px_{n}' for n in class_names]
    header += ['valid_px', 'image', 'mask', 'prediction']
    writer.writerow(header)

    def cell(value):
        return '' if value is None else value

    for r in records:
        s = r.scores
        confusion = np.asarray(s.confusion)
        row = [r.stem, rank.get(r.stem, ''), cell(s.mean_fg_dice), cell(s.mean_fg_iou)]
        row += [cell(s.pixel_acc), *map(cell, s.dice), *map(cell, s.iou)]
        row += confusion.sum(axis=1).tolist() + confusion.sum(axis=0).tolist()
        row += [s.valid_pixels, r.image_path, r.mask_path, r.prediction_path]
        writer.writerow(row)
    return buffer.getvalue()


def set_panel_paths(entries: Sequence[RankedImage], folder: str) -> None:
    """Name each entry's panel ``<folder>/<rank:02d>_<stem>.png`` (rank in the file name)."""
    for entry in entries:
        entry.panel = f'{folder}/{entry.rank:02d}_{entry.stem}.png'


@dataclass
class _Classes:
    """The model's classes: names, palette, and which are foreground (all but background)."""

    names: list[str]
    palette: list[tuple[int, int, int]]

    @property
    def foreground(self) -> tuple[int, ...]:
        return tuple(range(1, len(self.names)))


def _model_classes(model, config) -> _Classes:
    names = list(model.dataset_meta.get('classes', CLASSES))
    palette = [tuple(int(v) for v in c) for c in model.dataset_meta.get('palette', PALETTE)]
    if len(names) < 2 or len(palette) < len(names):
        raise PetsegError(f'{config}: the model has classes {names} and palette {palette}')
    return _Classes(names, palette)


def _predict_and_score(cfg, model, tmp: Path, split: str, classes: _Classes, show_progress):
    """Predict the split, write every prediction, score every image; (records, total, left out)."""
    (tmp / 'predictions').mkdir()
    n = len(classes.names)
    records: list[ImageRecord] = []
    total = np.zeros((n, n), dtype=np.int64)
    loader = inference.build_loader(cfg)
    left_out = inference.left_out_samples(loader)
    for p in inference.iter_predictions(
        cfg, model, f'predict {split}', show_progress, loader=loader
    ):
        prediction_file = f'predictions/{p.stem}.png'
        cv2.imwrite(str(tmp / prediction_file), p.pred)
        scores = image_scores(p.gt, p.pred, n, foreground=classes.foreground)
        total += np.asarray(scores.confusion)
        records.append(ImageRecord(p.stem, p.image_path, p.mask_path, prediction_file, scores))
    if not records:
        raise PetsegError(f'no images in split {split!r}')
    return records, total, left_out


def _rank(records, k: int, classes: _Classes):
    """The best, worst, worst-per-class and worst-per-confusion lists, with panel paths."""
    best, worst = rank_best_worst(records, k)
    per_class = worst_per_class(records, k, classes.names, classes.foreground)
    confusions = worst_confusions(records, k, classes.names)
    set_panel_paths(best, 'best')
    set_panel_paths(worst, 'worst')
    for name, entries in per_class.items():
        set_panel_paths(entries, f'worst_per_class/{name}')
    for name, entries in confusions.items():
        set_panel_paths(entries, f'confusions/{name}')
    return best, worst, per_class, confusions


def _scores_document(result: BestWorstResult, records, data_root: str) -> dict:
    return {
        **asdict(result),
        'units': 'percent',
        'data_root': data_root,
        'rules': {
            'ignore': IGNORE_RULE,
            'absent_class': ABSENT_CLASS_RULE,
            'mean_foreground_dice': FOREGROUND_RULE,
            'ranking': RANKING_RULE,
            'confusions': CONFUSION_RULE,
            'split_metrics': 'MMSeg IoUMetric formulas on the summed confusion matrix',
            'min_component_area': FILL_RULE,
        },
        'images': [
            {**{k_: v for k_, v in asdict(r).items() if k_ != 'scores'}, **r.scores.to_dict()}
            for r in records
        ],
    }


def _write_split_files(tmp: Path, total, records, classes: _Classes, title: str) -> None:
    (tmp / 'confusion_matrix.json').write_text(
        json.dumps(confusion_record(total, classes.names, title), indent=2)
    )
    plot_confusion_matrix(
        total, tmp / 'confusion_matrix.png', classes.names, f'{title} (row-normalised)'
    )
    (tmp / 'scores.csv').write_text(scores_csv(records, classes.names))


def run_best_worst(
    config: str | Path,
    checkpoint: str | Path,
    split: str = 'test',
    k: int = 5,
    out: str | Path | None = None,
    data_root: str | None = None,
    batch_size: int | None = None,
    device: str = 'cpu',
    min_area: MinArea = None,
    cfg_options: dict | None = None,
    workers: int | None = None,
    overwrite: bool = False,
    show_progress: bool = True,
) -> BestWorstResult:
    """Predict ``split``, score every image, write panels, scores and the confusion matrix.

    ``out`` defaults to ``<checkpoint's folder>/best_worst`` (beside the run's metrics).
    ``min_area`` (None: the config's ``model.test_cfg.min_component_area``) applies the
    small-component filter.
    ``workers`` sets the dataloader workers and the panel-drawing processes. Any number of
    classes (the model's ``dataset_meta``): class 0 is background, the others foreground.
    """
    if k < 1:
        raise PetsegError(f'--k must be >= 1, got {k}')
    out = Path(out or default_analysis_dir(checkpoint, config, 'best_worst'))
    if out.exists() and not overwrite:  # before the slow model build
        raise OutputExistsError(f'{out} already exists; pass --overwrite to replace it')
    cfg = inference.load_split_config(
        config, split, data_root, batch_size, workers, min_area, cfg_options
    )
    data = str(cfg.test_dataloader.dataset.data_root)
    check_output_outside(out, data)
    with atomic_output_dir(out, overwrite) as tmp:
        model = inference.build_model(cfg, checkpoint, device)
        classes = _model_classes(model, config)
        records, total, left_out = _predict_and_score(
            cfg, model, tmp, split, classes, show_progress
        )
        del model  # free it before the drawing processes start
        best, worst, per_class, confusions = _rank(records, k, classes)
        lists = [best, worst, *per_class.values(), *confusions.values()]
        _draw_panels(tmp, {r.stem: r for r in records}, lists, classes, workers, show_progress)
        fg = [r.scores.mean_fg_dice for r in records if r.scores.mean_fg_dice is not None]
        title = f'{run_name(checkpoint, config)} ({Path(checkpoint).stem}) on {split}'
        _write_split_files(tmp, total, records, classes, title)
        result = BestWorstResult(
            out_dir=str(out),
            config=str(config),
            checkpoint=str(checkpoint),
            split=split,
            min_component_area=inference.configured_min_area(cfg),
            n_images=len(records),
            n_ranked=len(fg),
            metrics=split_metrics(total, classes.names),
            mean_fg_dice=round(float(np.mean(fg)), 4) if fg else None,
            best=best,
            worst=worst,
            worst_per_class=per_class,
            confusions=confusions,
            left_out=left_out,
        )
        document = _scores_document(result, records, data)
        (tmp / 'scores.json').write_text(json.dumps(document, indent=2))
    return result


def _draw_panels(
    tmp: Path,
    records: dict[str, ImageRecord],
    lists: Sequence[Sequence[RankedImage]],
    classes: _Classes,
    workers: int | None,
    show_progress: bool,
) -> None:
    """Render one panel per distinct image, then copy it to every ranked file name."""
    targets: dict[str, list[str]] = {}
    for entries in lists:
        for entry in entries:
            targets.setdefault(entry.stem, []).append(entry.panel)
    cache = tmp / '.panels'
    jobs = [
        PanelJob(
            image_path=records[stem].image_path,
            mask_path=records[stem].mask_path,
            prediction_path=str(tmp / records[stem].prediction_path),
            out_path=str(cache / f'{stem}.png'),
            title=panel_title(records[stem], classes.names),
            classes=tuple(classes.names),
            palette=tuple(classes.palette),
        )
        for stem in targets
    ]
    rendered = ordered_map(render_panel, jobs, workers, 'draw panels', show_progress)
    for stem, panel_file in zip(targets, rendered):
        for panel in targets[stem]:
            dest = tmp / panel
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(panel_file, dest)
    shutil.rmtree(cache, ignore_errors=True)
