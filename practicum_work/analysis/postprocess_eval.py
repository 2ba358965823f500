"""``petseg postprocess-eval``: is the small-component filter worth it, and with which N?

Honest protocol: predict val once, apply the filter for every N of a small grid (0 = off) and
pick the N with the best val mDice (ties: the smaller N, so "off" wins unless it is beaten);
then predict test once and report test metrics without the filter and with the chosen N, side
by side. Test never influences the choice. Metrics use MMSeg's formulas
(:func:`practicum_work.analysis.per_image_metrics.split_metrics`), percent.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from practicum_work.analysis import inference
from practicum_work.analysis.per_image_metrics import confusion_matrix, split_metrics
from practicum_work.analysis.settings import DEFAULT_GRID
from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.classes import CLASSES
from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.core.paths import default_analysis_dir
from practicum_work.mmseg_ext.segmentors.small_components import FILL_RULE, remove_small_components

SELECTION_METRIC = 'mDice'
REPORTED = ('mIoU', 'mDice', 'aAcc')


@dataclass
class GridPoint:
    """Metrics of one split with the filter at ``min_area`` (0 = off)."""

    min_area: int
    summary: dict
    per_class: dict


@dataclass
class PostprocessEvalResult:
    """Val grid, the chosen N and the test comparison (percent)."""

    out_dir: str
    config: str
    checkpoint: str
    val_split: str
    test_split: str
    selection_metric: str
    grid: list[int]
    val: list[GridPoint]
    chosen_min_area: int
    test_without: GridPoint
    test_with: GridPoint

    @property
    def test_gain(self) -> float | None:
        """Test mDice with the chosen N minus without (points)."""
        a = self.test_with.summary.get(SELECTION_METRIC)
        b = self.test_without.summary.get(SELECTION_METRIC)
        return None if a is None or b is None else round(a - b, 2)


def grid_confusions(
    predictions: Iterable[inference.Prediction],
    grid: Sequence[int],
    num_classes: int = len(CLASSES),
) -> dict[int, np.ndarray]:
    """Summed confusion matrices of the predictions filtered with each ``min_area`` of ``grid``."""
    totals = {n: np.zeros((num_classes, num_classes), dtype=np.int64) for n in grid}
    for p in predictions:
        for n in grid:
            pred = remove_small_components(p.pred, n, num_classes) if n else p.pred
            totals[n] += confusion_matrix(p.gt, pred, num_classes)
    return totals


def choose_min_area(points: Sequence[GridPoint], metric: str = SELECTION_METRIC) -> int:
    """The ``min_area`` with the highest ``metric``; ties go to the smaller N (0 = off)."""
    scored = [(p.summary.get(metric), p.min_area) for p in points]
    scored = [(value, n) for value, n in scored if value is not None]
    if not scored:
        raise PetsegError(f'no {metric} on the validation split (no labelled pixels?)')
    return min(scored, key=lambda s: (-s[0], s[1]))[1]


def _points(totals: dict[int, np.ndarray], class_names: Sequence[str]) -> list[GridPoint]:
    points = []
    for n, confusion in totals.items():
        metrics = split_metrics(confusion, class_names)
        points.append(GridPoint(n, metrics['summary'], metrics['per_class']))
    return points


def parse_grid(text: str) -> list[int]:
    """``'0,16,64'`` -> ``[0, 16, 64]`` (sorted, unique, 0 always included)."""
    try:
        values = {int(v) for v in text.split(',') if v.strip()}
    except ValueError:
        raise PetsegError(f'--grid must be comma-separated integers, got {text!r}') from None
    if any(v < 0 for v in values):
        raise PetsegError(f'--grid values must be >= 0, got {text!r}')
    return sorted(values | {0})


def report_markdown(result: PostprocessEvalResult) -> str:
    """A short Markdown report: the val grid and the test comparison."""
    lines = [
        f'# Small-component filter: {Path(result.config).stem}',
        '',
        f'Checkpoint `{result.checkpoint}`. N chosen on **{result.val_split}** by '
        f'{result.selection_metric} (ties: smaller N), then applied to **{result.test_split}**. '
        'Metrics in percent (MMSeg formulas).',
        '',
        f'Rule: {FILL_RULE}.',
        '',
        f'## {result.val_split}: the grid',
        '',
        '| min area N | ' + ' | '.join(REPORTED) + ' | Dice ' + ' | Dice '.join(CLASSES) + ' |',
        '|---:|' + '---:|' * (len(REPORTED) + len(CLASSES)),
    ]

    def fmt(value):
        return '—' if value is None else f'{value:.2f}'

    for p in result.val:
        mark = ' **(chosen)**' if p.min_area == result.chosen_min_area else ''
        cells = [fmt(p.summary.get(m)) for m in REPORTED]
        cells += [fmt(p.per_class.get(c, {}).get('Dice')) for c in CLASSES]
        lines.append(f'| {p.min_area}{mark} | ' + ' | '.join(cells) + ' |')
    lines += [
        '',
        f'## {result.test_split}: without vs with N = {result.chosen_min_area}',
        '',
        '| metric | without | with | change |',
        '|---|---:|---:|---:|',
    ]
    keys = [(m, None) for m in REPORTED] + [('Dice', c) for c in CLASSES]
    for metric, cls in keys:
        without = (
            result.test_without.summary.get(metric)
            if cls is None
            else result.test_without.per_class.get(cls, {}).get(metric)
        )
        with_ = (
            result.test_with.summary.get(metric)
            if cls is None
            else result.test_with.per_class.get(cls, {}).get(metric)
        )
        change = '—' if without is None or with_ is None else f'{with_ - without:+.2f}'
        name = metric if cls is None else f'{metric} {cls}'
        lines.append(f'| {name} | {fmt(without)} | {fmt(with_)} | {change} |')
    lines.append('')
    if result.chosen_min_area == 0:
        lines.append('No N beat the unfiltered model on val: keep the filter off.')
    else:
        lines.append(
            f'Use `--cfg-options model.test_cfg.min_component_area={result.chosen_min_area}` '
            f'(tools/test.py) or `petseg best-worst --min-area {result.chosen_min_area}`; '
            f'test {SELECTION_METRIC} change: {fmt(result.test_gain)} points.'
        )
    return '\n'.join(lines) + '\n'


def run_postprocess_eval(
    config: str | Path,
    checkpoint: str | Path,
    grid: Sequence[int] = DEFAULT_GRID,
    val_split: str = 'val',
    test_split: str = 'test',
    out: str | Path | None = None,
    data_root: str | None = None,
    batch_size: int | None = None,
    device: str = 'cpu',
    cfg_options: dict | None = None,
    workers: int | None = None,
    overwrite: bool = False,
    show_progress: bool = True,
) -> PostprocessEvalResult:
    """Pick N on ``val_split`` from ``grid``, compare test without/with it; write JSON + Markdown.

    ``out`` defaults to ``<checkpoint's folder>/postprocess_eval`` (beside the run's
    metrics). The model's own filter is switched off (``min_component_area=0``) so that
    every N starts from raw predictions.
    """
    grid = sorted({int(n) for n in grid} | {0})
    if any(n < 0 for n in grid):
        raise PetsegError(f'grid values must be >= 0, got {grid}')
    out = Path(out or default_analysis_dir(checkpoint, config, 'postprocess_eval'))
    if out.exists() and not overwrite:  # before the slow model build
        raise OutputExistsError(f'{out} already exists; pass --overwrite to replace it')
    cfg = inference.load_split_config(
        config, val_split, data_root, batch_size, workers, 0, cfg_options
    )
    check_output_outside(out, cfg.test_dataloader.dataset.data_root)
    with atomic_output_dir(out, overwrite) as tmp:
        model = inference.build_model(cfg, checkpoint, device)
        class_names = list(model.dataset_meta.get('classes', CLASSES))
        n = len(class_names)
        val_predictions = inference.iter_predictions(
            cfg, model, f'predict {val_split}', show_progress
        )
        val = _points(grid_confusions(val_predictions, grid, n), class_names)
        chosen = choose_min_area(val)
        test_cfg = inference.with_split(cfg, test_split)
        test_predictions = inference.iter_predictions(
            test_cfg, model, f'predict {test_split}', show_progress
        )
        test_totals = grid_confusions(test_predictions, sorted({0, chosen}), n)
        test_points = _points(test_totals, class_names)
        by_n = {p.min_area: p for p in test_points}
        result = PostprocessEvalResult(
            out_dir=str(out),
            config=str(config),
            checkpoint=str(checkpoint),
            val_split=val_split,
            test_split=test_split,
            selection_metric=SELECTION_METRIC,
            grid=list(grid),
            val=val,
            chosen_min_area=chosen,
            test_without=by_n[0],
            test_with=by_n[chosen],
        )
        document = {**asdict(result), 'test_gain': result.test_gain, 'units': 'percent'}
        document['rule'] = FILL_RULE
        (tmp / 'postprocess_eval.json').write_text(json.dumps(document, indent=2))
        (tmp / 'report.md').write_text(report_markdown(result))
    return result
