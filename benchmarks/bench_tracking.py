"""Overhead of ClearML tracking (offline mode) on a short CPU training run, two ways.

1. Components, in one process: what the backend itself costs (start = import clearml +
   Task.init + hyperparameters + config; one train log step; one val log step with per-class
   metrics; one sample panel; close; one console line, which ClearML captures). These are
   direct costs, independent of model speed and less exposed to other jobs on the machine.
2. End to end: the same tools/train.py run (hyp1, CPU recipe, same data, seed, iterations)
   with ``PETSEG_CLEARML=off`` and ``=offline``, in adjacent pairs (so machine load hits both
   alike): wall time, CPU time of the run and its loader workers, per-iteration time, and
   whether the val metrics are identical.

HOME points at a temp folder, so nothing lands in the real ~/.clearml. Prints tables and
writes work_dirs/benchmarks/tracking.json, with the list of what the offline zip contains.

    .venv/bin/python benchmarks/bench_tracking.py [--iters 40] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from practicum_work.tracking.mode import env_without_server

REPO = Path(__file__).resolve().parents[1]

ITER_TIME = re.compile(r'Iter\(train\) \[\s*\d+/\d+\].*?\btime: ([0-9.]+)')


def train_args(data_root: Path, work_dir: Path, iters: int) -> list[str]:
    """tools/train.py with the README's CPU recipe at 128 px, batch 4, 2 loader workers."""
    from practicum_work.core.config import cpu_quick_options
    from practicum_work.core.tool_runner import cfg_option_args

    config = REPO / 'configs/hyp1_segformer_b0.py'
    val_interval = max(1, iters // 2)
    options = cpu_quick_options(config, iters, val_interval, crop=128, batch_size=4, eval_scale=128)
    options['default_hooks.logger.interval'] = 5
    options['data_root'] = str(data_root)
    args = [str(REPO / 'tools/train.py'), 'configs/hyp1_segformer_b0.py', '--work-dir']
    return [*args, str(work_dir), *cfg_option_args(options)]


def run_once(mode: str, data_root: Path, root: Path, index: int, iters: int) -> dict:
    """One training run; wall time, per-iteration times, val metrics, offline zip."""
    work_dir = root / f'{mode}_{index}'
    env = clearml_env(root / 'home', mode)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, *train_args(data_root, work_dir, iters)],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # the run and its loader workers
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        sys.exit(f'{mode} run failed:\n{result.stderr[-3000:]}')
    iter_times = [float(t) for t in ITER_TIME.findall(result.stdout + result.stderr)]
    metrics = json.loads((work_dir / f'metrics_val_iter_{iters}.json').read_text())
    zips = sorted(work_dir.glob('*/clearml_offline-*.zip'))
    return dict(
        mode=mode,
        wall_s=round(wall, 2),
        cpu_s=round(cpu, 2),
        iter_s_median=round(statistics.median(iter_times), 4) if iter_times else None,
        summary=metrics['summary'],
        per_class=metrics['per_class'],
        session=str(zips[0]) if zips else None,
    )


def zip_contents(path: str) -> dict:
    """What an offline session holds: files, charts, hyperparameters, configurations."""
    with zipfile.ZipFile(path) as archive:
        files = [dict(name=i.filename, bytes=i.file_size) for i in archive.infolist()]
        task = json.loads(archive.read('task.json'))
        events = [
            e for line in archive.read('metrics.jsonl').splitlines() for e in json.loads(line)
        ]
    charts: dict[str, set] = {}
    for event in events:
        charts.setdefault(f'{event["type"]}: {event["metric"]}', set()).add(event['variant'])
    return dict(
        files=files,
        total_bytes=sum(f['bytes'] for f in files),
        task_name=task['name'],
        task_type=task['type'],
        tags=task.get('tags', []),
        hyperparameters=sorted(task['hyperparams'].get('petseg', {})),
        configuration_objects=sorted(task['configuration']),
        charts={k: sorted(v) for k, v in sorted(charts.items())},
    )


# A real hyp1 schedule: 4000 iterations, log every 50, validate every 500, 4 sample panels.
REAL_RUN = dict(train_log_steps=4000 // 50, val_steps=4000 // 500, images=4 * (4000 // 500))
TRAIN_STEP = {
    'base_lr': 6e-5, 'lr': 6e-5, 'time': 0.3, 'data_time': 0.01, 'loss': 1.2,
    'decode.loss_ce': 0.8, 'decode.loss_dice': 0.4, 'decode.acc_seg': 80.0,
}  # fmt: skip


def clearml_env(home: Path, mode: str) -> dict[str, str]:
    """This environment without ClearML server variables, HOME at ``home``, tracking ``mode``."""
    env = env_without_server()
    env.update(
        HOME=str(home),
        PETSEG_CLEARML=mode,
        CLEARML_CONFIG_FILE=str(home / 'clearml.conf'),
        PYTHONUNBUFFERED='1',
    )
    return env


def components(work: Path, n_train: int = 200, n_val: int = 20, n_images: int = 16) -> dict:
    """Time the backend's calls in this process (run in a child with a temp HOME)."""
    import numpy as np
    from mmengine.config import Config
    from mmengine.logging import MMLogger

    import practicum_work.mmseg_ext  # noqa: F401  (registers the backend)
    from practicum_work.mmseg_ext.visualization.clearml_backend import PetsegClearMLVisBackend

    cfg = Config.fromfile(str(REPO / 'configs/hyp1_segformer_b0.py'))
    cfg.work_dir = str(work)
    save_dir = work / '20250101_000000' / 'vis_data'
    save_dir.mkdir(parents=True)
    val_step = {'aAcc': 90.0, 'mIoU': 60.0, 'mAcc': 70.0, 'mDice': 70.0, 'mFscore': 70.0}
    val_step.update({'mPrecision': 70.0, 'mRecall': 70.0, 'time': 0.1, 'data_time': 0.01})
    for metric in ('IoU', 'Acc', 'Dice', 'Fscore', 'Precision', 'Recall'):
        for name in ('background', 'cat', 'dog'):
            val_step[f'{metric}.{name}'] = 50.0
    panel = np.random.default_rng(0).integers(0, 255, (238, 584, 3), dtype=np.uint8)
    logger = MMLogger.get_instance('bench_tracking', log_level='INFO')

    def log_line_us(lines: int = 2000) -> float:
        tic = time.perf_counter()
        for index in range(lines):
            logger.info(f'console line {index} ' + 'x' * 80)
        return 1e6 * (time.perf_counter() - tic) / lines

    backend = PetsegClearMLVisBackend(save_dir=str(save_dir))
    timings: dict = {'log_line_us_untracked': log_line_us()}
    tic = time.perf_counter()
    backend.add_config(cfg)
    timings['start_s'] = time.perf_counter() - tic
    timings['log_line_us_tracked'] = log_line_us()  # ClearML captures the console
    tic = time.perf_counter()
    for step in range(n_train):
        backend.add_scalars(dict(TRAIN_STEP, iter=step), step=step)
    timings['train_log_step_ms'] = 1000 * (time.perf_counter() - tic) / n_train
    tic = time.perf_counter()
    for step in range(n_val):
        backend.add_scalars(val_step, step=step)
    timings['val_log_step_ms'] = 1000 * (time.perf_counter() - tic) / n_val
    tic = time.perf_counter()
    for index in range(n_images):
        backend.add_image(f'val_sample_{index % 4}', panel, step=index)
    timings['image_ms'] = 1000 * (time.perf_counter() - tic) / n_images
    tic = time.perf_counter()
    backend.close()
    timings['close_s'] = time.perf_counter() - tic
    timings = {k: round(v, 3) for k, v in timings.items()}
    timings['mode'] = backend.mode
    timings['val_keys'] = len(val_step)
    return timings


def run_components(root: Path, repeats: int) -> dict:
    """The component timings, ``repeats`` times in fresh processes; the minimum of each."""
    runs = []
    for index in range(repeats):
        work = root / f'components_{index}'
        result = subprocess.run(
            [sys.executable, __file__, '--components-only', str(work)],
            cwd=REPO,
            env=clearml_env(root / 'home', 'offline'),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            sys.exit(f'component run failed:\n{result.stderr[-3000:]}')
        runs.append(json.loads(result.stdout.strip().splitlines()[-1]))
    keys = (
        'start_s',
        'train_log_step_ms',
        'val_log_step_ms',
        'image_ms',
        'close_s',
        'log_line_us_untracked',
        'log_line_us_tracked',
    )
    best = {k: min(r[k] for r in runs) for k in keys}
    estimate = (
        best['start_s']
        + best['close_s']
        + REAL_RUN['train_log_steps'] * best['train_log_step_ms'] / 1000
        + REAL_RUN['val_steps'] * best['val_log_step_ms'] / 1000
        + REAL_RUN['images'] * best['image_ms'] / 1000
    )
    return dict(runs=runs, min=best, real_run=REAL_RUN, real_run_overhead_s=round(estimate, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--iters', type=int, default=40)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--out', default='work_dirs/benchmarks/tracking.json')
    parser.add_argument(
        '--components-only',
        metavar='WORK',
        help='(internal) time the components in WORK, print JSON',
    )
    args = parser.parse_args()
    if args.components_only:
        print(json.dumps(components(Path(args.components_only))))
        return

    from rich.console import Console
    from rich.table import Table

    from practicum_work.data.demo_data import generate_demo_dataset

    console = Console()
    with tempfile.TemporaryDirectory(prefix='bench_tracking_') as tmp:
        root = Path(tmp)
        parts = run_components(root, args.repeats)
        print('component timings done')
        data_root = root / 'data'
        generate_demo_dataset(
            data_root, seed=0, n_train=32, n_val=8, n_test=1, size=128, show_progress=False
        )
        runs = []
        for index in range(args.repeats):
            for mode in ('off', 'offline'):  # adjacent pairs: machine load hits both alike
                runs.append(run_once(mode, data_root, root, index, args.iters))
                print(f'{mode:8s} run {index + 1}/{args.repeats}: {runs[-1]["wall_s"]:.1f} s')
        contents = zip_contents(runs[-1]['session'])

    table = Table(title='ClearML backend costs (offline, min of runs)')
    columns = ('start', 'train log step', 'val log step', 'sample image', 'close', 'log line')
    for column in columns:
        table.add_column(column)
    best = parts['min']
    table.add_row(
        f'{best["start_s"]:.2f} s',
        f'{best["train_log_step_ms"]:.2f} ms',
        f'{best["val_log_step_ms"]:.2f} ms',
        f'{best["image_ms"]:.1f} ms',
        f'{best["close_s"]:.2f} s',
        f'{best["log_line_us_untracked"]:.0f} -> {best["log_line_us_tracked"]:.0f} us',
    )
    console.print(table)
    print(
        f'estimated for a real hyp1 run ({REAL_RUN["train_log_steps"]} train log steps, '
        f'{REAL_RUN["val_steps"]} validations, {REAL_RUN["images"]} panels): '
        f'{parts["real_run_overhead_s"]:.1f} s in total'
    )

    pairs = []
    for off, on in zip(runs[::2], runs[1::2]):
        pairs.append(
            dict(
                off_wall_s=off['wall_s'],
                offline_wall_s=on['wall_s'],
                wall_diff_s=round(on['wall_s'] - off['wall_s'], 2),
                off_cpu_s=off['cpu_s'],
                offline_cpu_s=on['cpu_s'],
                cpu_diff_s=round(on['cpu_s'] - off['cpu_s'], 2),
                off_iter_s=off['iter_s_median'] or float('nan'),
                offline_iter_s=on['iter_s_median'] or float('nan'),
            )
        )
    table = Table(title=f'End to end: hyp1, {args.iters} iterations, CPU, adjacent run pairs')
    for column in ('pair', 'wall off / offline s', 'CPU off / offline s', 'iter off / offline s'):
        table.add_column(column)
    for index, pair in enumerate(pairs, 1):
        table.add_row(
            str(index),
            f'{pair["off_wall_s"]:.1f} / {pair["offline_wall_s"]:.1f}',
            f'{pair["off_cpu_s"]:.1f} / {pair["offline_cpu_s"]:.1f}',
            f'{pair["off_iter_s"]:.3f} / {pair["offline_iter_s"]:.3f}',
        )
    console.print(table)
    identical = all(
        (r['summary'], r['per_class']) == (runs[0]['summary'], runs[0]['per_class']) for r in runs
    )
    result = dict(
        command=' '.join([Path(sys.executable).name, *sys.argv]),
        iters=args.iters,
        repeats=args.repeats,
        cpu_count=os.cpu_count(),
        load_average_at_end=os.getloadavg(),
        components=parts,
        pairs=pairs,
        median_wall_diff_s=statistics.median(p['wall_diff_s'] for p in pairs),
        median_cpu_diff_s=statistics.median(p['cpu_diff_s'] for p in pairs),
        metrics_identical=identical,
        val_mDice=runs[0]['summary']['mDice'],
        offline_session=contents,
    )
    print(
        f'median of pair differences: wall {result["median_wall_diff_s"]:+.1f} s, '
        f'CPU {result["median_cpu_diff_s"]:+.1f} s; val metrics identical in all runs: {identical}'
    )
    print(f'offline zip: {len(contents["files"])} files, {contents["total_bytes"]} bytes')
    for chart, series in contents['charts'].items():
        print(f'  {chart}: {", ".join(series)}')
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    print(f'wrote {out}')


if __name__ == '__main__':
    main()
