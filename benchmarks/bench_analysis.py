"""Speed of the analysis tools' per-image work, and what the component filter does to noise.

Run: .venv/bin/python benchmarks/bench_analysis.py [--images 40] [--sizes 256,512]

Inputs are generated demo scenes (``render_scene``) with a synthetic "prediction": the true
mask with speckle (random 1-40 px blobs of cat/dog in the background and of the other class
inside animals). Measures, per image and size: the per-image metrics (confusion matrix via
np.bincount + scores), the small-component filter (N = 64), and one best-worst panel (256 px
only); and the mean foreground Dice of the speckled prediction before/after the filter for a few
N. Prints a table; writes work_dirs/benchmarks/analysis.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np
from rich.console import Console
from rich.table import Table

from practicum_work.analysis.panels import PanelJob, render_panel
from practicum_work.analysis.per_image_metrics import image_scores
from practicum_work.data.demo_scenes import render_scene
from practicum_work.mmseg_ext.segmentors.small_components import remove_small_components

OUT = Path('work_dirs/benchmarks/analysis.json')
GRID = (0, 16, 64, 256)


def speckle(mask: np.ndarray, rng: np.random.Generator, blobs: int) -> np.ndarray:
    """The mask with ``blobs`` small wrong-class discs drawn into it."""
    pred = mask.copy()
    size = mask.shape[0]
    for _ in range(blobs):
        y, x = rng.integers(0, size, 2)
        under = mask[y, x]
        label = int(rng.choice([1, 2])) if under == 0 else (2 if under == 1 else 1)
        cv2.circle(pred, (int(x), int(y)), int(rng.integers(0, 4)), label, -1)
    return pred


def timed(fn, repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--images', type=int, default=40)
    parser.add_argument('--sizes', default='256,512')
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    rows, quality = [], {}
    for size in (int(s) for s in args.sizes.split(',')):
        scenes = [render_scene(rng, size) for _ in range(args.images)]
        preds = [speckle(s.mask, rng, blobs=size // 8) for s in scenes]
        metrics_s = np.mean([timed(lambda s=s, p=p: image_scores(s.mask, p), 5)
                             for s, p in zip(scenes, preds)])  # fmt: skip
        filter_s = np.mean([timed(lambda p=p: remove_small_components(p, 64), 5) for p in preds])
        row = {
            'size': size,
            'images': args.images,
            'per_image_metrics_ms': round(1000 * metrics_s, 3),
            'component_filter_n64_ms': round(1000 * filter_s, 3),
        }
        if size == 256:
            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                cv2.imwrite(str(tmp / 'i.png'), cv2.cvtColor(scenes[0].image, cv2.COLOR_RGB2BGR))
                cv2.imwrite(str(tmp / 'g.png'), scenes[0].mask)
                cv2.imwrite(str(tmp / 'p.png'), preds[0])
                job = PanelJob(str(tmp / 'i.png'), str(tmp / 'g.png'), str(tmp / 'p.png'),
                               str(tmp / 'panel.png'), 'bench')  # fmt: skip
                render_panel(job)  # warm-up (matplotlib import)
                row['panel_ms'] = round(1000 * timed(lambda j=job: render_panel(j), 5), 1)
        rows.append(row)
        quality[size] = {}
        for n in GRID:
            fg = []
            for scene, pred in zip(scenes, preds):
                filtered = remove_small_components(pred, n) if n else pred
                score = image_scores(scene.mask, filtered).mean_fg_dice
                if score is not None:
                    fg.append(score)
            quality[size][n] = round(float(np.mean(fg)), 2)

    console = Console()
    table = Table(title='analysis per-image cost (median of 5 runs, mean over images)')
    for column in ('size', 'images', 'metrics ms', 'filter N=64 ms', 'panel ms'):
        table.add_column(column, justify='right')
    for r in rows:
        table.add_row(
            str(r['size']),
            str(r['images']),
            f'{r["per_image_metrics_ms"]:.2f}',
            f'{r["component_filter_n64_ms"]:.2f}',
            str(r.get('panel_ms', '—')),
        )
    console.print(table)
    q = Table(title='mean foreground Dice of the speckled prediction vs N (synthetic)')
    q.add_column('size', justify='right')
    for n in GRID:
        q.add_column(f'N={n}', justify='right')
    for size, by_n in quality.items():
        q.add_row(str(size), *(f'{by_n[n]:.2f}' for n in GRID))
    console.print(q)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    record = {
        'machine': {'cpu_count': os.cpu_count(), 'python': platform.python_version()},
        'speed': rows,
        'filter_quality_mean_fg_dice': quality,
    }
    OUT.write_text(json.dumps(record, indent=2))
    print(f'wrote {OUT}')


if __name__ == '__main__':
    main()
