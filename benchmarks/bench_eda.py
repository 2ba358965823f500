"""Benchmark ``petseg eda``: scan throughput vs the read-and-decode floor, memory, recall.

Run from the repository root::

    .venv/bin/python benchmarks/bench_eda.py            # full: 500 and 2,000 pairs, 5 repeats
    .venv/bin/python benchmarks/bench_eda.py --quick    # 100 and 400 pairs, 1 repeat

What it measures (clean generated 256x256 pairs, ``petseg demo-data --noise none``):

* floor: the plain thing a user would otherwise run: a bare loop of ``cv2.imread`` of every
  image (colour) and mask (unchanged) in this process, one thread (``cv2.setNumThreads(1)``),
  no checks, no pool;
* scan: :func:`scan_dataset` (pairing, every per-pair check, statistics, duplicates);
* full: :func:`run_eda`, the whole command with its defaults but ``overlays=0`` (scan, the
  flagged pairs' overlays up to ``--flagged-overlays``, plots, report.json);

with 1 and 2 workers, interleaved, best of ``--repeats`` wall-clock times. With one worker
everything runs in this process, so CPU time (``time.process_time``) is reported too: it is
robust to other programs competing for the cores. Targets, one worker: scan >= 0.8 of the floor
at every size; the whole command's cost per extra pair (from the smallest to the largest size,
fixed costs such as plots and imports cancel out) >= 0.8 of the floor's; scan with two
workers faster than with one. Clean demo data has ~7% flagged pairs (empty scenes).

Memory: the full command runs in a fresh child process per size and worker count; the child
reports its peak RSS (``resource.getrusage`` RUSAGE_SELF; with 2 workers also RUSAGE_CHILDREN,
the largest pool worker), the CPU seconds of all its processes (the parallel overhead, whatever
else runs on the machine) and, with 1 worker, in a second traced run, the peak of Python/numpy
allocations (``tracemalloc``). Target: peak RSS at the largest size <= 1.2x the smallest (flat:
no image is kept).

Recall: default demo noise at 200/60/60, 256x256: every injected technical fault reported
(recall 1.0) and no error-severity finding on an item without injected noise.

Prints a table (FAIL marks a missed target) and writes work_dirs/benchmarks/eda.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import cv2
from eda_scoring import load_noise_truth, score_report  # beside this script

from practicum_work.core.layout import pair_split
from practicum_work.data.demo_data import generate_demo_dataset
from practicum_work.data.eda.run import run_eda
from practicum_work.data.eda.scan import scan_dataset
from practicum_work.data.noise_injection import noise_file_for

REPO = Path(__file__).resolve().parents[1]

OUT_JSON = REPO / 'work_dirs' / 'benchmarks' / 'eda.json'
FLOOR_TARGET = 0.8
MEMORY_TARGET = 1.2


def bare_loop(pairs) -> int:
    """The floor: decode every image and mask in this process, one thread, nothing else."""
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        total = 0
        for pair in pairs:
            image = cv2.imread(str(pair.image_path))
            mask = cv2.imread(str(pair.mask_path), cv2.IMREAD_UNCHANGED)
            total += image.shape[0] + mask.shape[0]
        return total
    finally:
        cv2.setNumThreads(threads)


def _timed(fn) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure_speed(root: Path, workers: int, repeats: int, out: Path) -> dict:
    """Best-of-``repeats`` wall (and CPU) seconds of floor, scan and full, interleaved."""
    pairs = pair_split(root, 'train').pairs

    def floor():
        bare_loop(pairs)

    def scan():
        scan_dataset(root, ['train'], workers=workers, show_progress=False)

    def full():
        run_eda(root, out=out, splits=['train'], overlays=0, workers=workers, overwrite=True,
                show_progress=False)  # fmt: skip

    floor()  # warm the page cache and the imports
    times: dict[str, list[tuple[float, float]]] = {'floor': [], 'scan': [], 'full': []}
    for _ in range(repeats):
        for name, fn in (('floor', floor), ('scan', scan), ('full', full)):
            times[name].append(_timed(fn))
    best = {name: min(t[0] for t in values) for name, values in times.items()}
    cpu = {name: min(t[1] for t in values) for name, values in times.items()}
    n = len(pairs)
    return {
        'pairs': n,
        'workers': workers,
        'wall_s': {k: round(v, 4) for k, v in best.items()},
        'cpu_s_main_process': {k: round(v, 4) for k, v in cpu.items()},
        'pairs_per_s': {k: round(n / v, 1) for k, v in best.items()},
        'scan_vs_floor': round(best['floor'] / best['scan'], 3),
        'full_vs_floor': round(best['floor'] / best['full'], 3),
        'scan_vs_floor_cpu': round(cpu['floor'] / cpu['scan'], 3) if workers == 1 else None,
    }


def child_main(root: str, workers: int, out: str, trace: bool) -> None:
    """Run the full command once in this (fresh) process and print its memory and CPU figures."""
    import tracemalloc

    if trace:
        tracemalloc.start()
    start = time.perf_counter()
    run_eda(root, out=out, splits=['train'], workers=workers, overwrite=True, show_progress=False)
    wall = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] if trace else None
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
    print(
        json.dumps(
            {
                'wall_s': round(wall, 3),
                'cpu_s_all_processes': round(cpu, 3),
                'peak_rss_main_mb': round(own.ru_maxrss / 1024, 1),
                'peak_rss_worker_mb': round(children.ru_maxrss / 1024, 1) if workers > 1 else None,
                'tracemalloc_peak_mb': round(traced / 2**20, 2) if trace else None,
            }
        )
    )


def _child(root: Path, workers: int, out: Path, trace: bool) -> dict:
    args = [sys.executable, __file__, '--child', str(root), '--workers', str(workers)]
    args += ['--child-out', str(out)] + (['--trace'] if trace else [])
    done = subprocess.run(args, capture_output=True, text=True, check=True, cwd=REPO)
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_memory(root: Path, workers: int, out: Path) -> dict:
    """Peak RSS and CPU of the full command in a fresh child process (plus, for one worker,
    the tracemalloc peak from a second, traced child: tracing slows the run)."""
    result = _child(root, workers, out, trace=False)
    if workers == 1:
        result['tracemalloc_peak_mb'] = _child(root, 1, out, trace=True)['tracemalloc_peak_mb']
    return result


def measure_recall(base: Path) -> dict:
    """Default demo noise 200/60/60 at 256x256: recall of technical faults, errors on clean."""
    root = base / 'pets_noisy'
    generate_demo_dataset(root, seed=0, noise='default', show_progress=False)
    start = time.perf_counter()
    report = run_eda(root, out=base / 'eda_noisy', show_progress=False).report
    wall = time.perf_counter() - start
    score = score_report(report, load_noise_truth(noise_file_for(root)))
    return {
        'dataset': '200/60/60, 256x256, seed 0, noise default',
        'wall_s': round(wall, 2),
        'expected': score['expected'],
        'found': score['found'],
        'recall': score['recall'],
        'missed': score['missed'],
        'errors_on_clean_items': len(score['errors_on_clean_items']),
        'findings_by_severity': report['summary']['by_severity'],
    }


def _mark(ok: bool) -> str:
    return 'PASS' if ok else 'FAIL'


def evaluate(results: dict) -> list[dict]:
    """The targets, each with its measured value and PASS/FAIL."""
    checks = []
    speed = {(r['pairs'], r['workers']): r for r in results['speed']}
    for (n, workers), r in sorted(speed.items()):
        if workers == 1:
            ratio = r['scan_vs_floor']
            checks.append(
                dict(
                    target=f'scan >= {FLOOR_TARGET} x floor, 1 worker, {n} pairs',
                    value=ratio,
                    ok=ratio >= FLOOR_TARGET,
                )
            )
        if workers == 2 and (n, 1) in speed:
            one, two = speed[(n, 1)]['pairs_per_s']['scan'], r['pairs_per_s']['scan']
            floor_one, floor_two = speed[(n, 1)]['pairs_per_s']['floor'], r['pairs_per_s']['floor']
            value = f'{two:.0f} vs {one:.0f}/s (floor {floor_two:.0f} vs {floor_one:.0f}/s)'
            checks.append(
                dict(target=f'scan 2 workers faster than 1, {n} pairs', value=value, ok=two > one)
            )
    ones = sorted((n, r) for (n, w), r in speed.items() if w == 1)
    if len(ones) >= 2:
        (small, a), (large, b) = ones[0], ones[-1]
        floor_ms = 1000 * (b['wall_s']['floor'] - a['wall_s']['floor']) / (large - small)
        full_ms = 1000 * (b['wall_s']['full'] - a['wall_s']['full']) / (large - small)
        ratio = round(floor_ms / full_ms, 3) if full_ms > 0 else float('inf')
        results['per_extra_pair_ms'] = {'floor': round(floor_ms, 3), 'full': round(full_ms, 3)}
        checks.append(
            dict(
                target=f'whole command >= {FLOOR_TARGET} x floor per extra pair, 1 worker, '
                f'{small} -> {large} pairs',
                value=f'{ratio} ({full_ms:.2f} vs {floor_ms:.2f} ms)',
                ok=ratio >= FLOOR_TARGET,
            )
        )
    memory = results['memory']
    sizes = sorted({m['pairs'] for m in memory})
    for workers in sorted({m['workers'] for m in memory}):
        by_size = {m['pairs']: m for m in memory if m['workers'] == workers}
        small, large = by_size[sizes[0]], by_size[sizes[-1]]

        def peak(m):
            return max(m['peak_rss_main_mb'], m['peak_rss_worker_mb'] or 0)

        growth = round(peak(large) / peak(small), 3)
        checks.append(
            dict(
                target=f'peak RSS {sizes[-1]} / {sizes[0]} pairs <= {MEMORY_TARGET}, '
                f'{workers} worker(s)',
                value=growth,
                ok=growth <= MEMORY_TARGET,
            )
        )
    recall = results['recall']
    checks.append(
        dict(
            target='recall of injected technical faults == 1.0',
            value=recall['recall'],
            ok=recall['recall'] == 1.0,
        )
    )
    checks.append(
        dict(
            target='error findings on clean items == 0',
            value=recall['errors_on_clean_items'],
            ok=recall['errors_on_clean_items'] == 0,
        )
    )
    return checks


def print_tables(results: dict, checks: list[dict]) -> None:
    """Speed, memory and targets as rich tables."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    speed = Table(title='petseg eda throughput (pairs/s, best wall time; 256x256)')
    for column in (
        'pairs',
        'workers',
        'floor',
        'scan',
        'full',
        'scan/floor',
        'full/floor',
        'scan/floor CPU',
    ):
        speed.add_column(column, justify='right')
    for r in results['speed']:
        p = r['pairs_per_s']
        speed.add_row(
            str(r['pairs']),
            str(r['workers']),
            f'{p["floor"]:.0f}',
            f'{p["scan"]:.0f}',
            f'{p["full"]:.0f}',
            f'{r["scan_vs_floor"]:.2f}',
            f'{r["full_vs_floor"]:.2f}',
            '-' if r['scan_vs_floor_cpu'] is None else f'{r["scan_vs_floor_cpu"]:.2f}',
        )
    console.print(speed)
    memory = Table(title='peak memory of the full command (fresh process)')
    columns = ('pairs', 'workers', 'RSS main MB', 'RSS worker MB', 'tracemalloc MB', 'wall s')
    for column in (*columns, 'CPU s, all processes'):
        memory.add_column(column, justify='right')
    for m in results['memory']:
        memory.add_row(
            str(m['pairs']),
            str(m['workers']),
            str(m['peak_rss_main_mb']),
            str(m['peak_rss_worker_mb'] or '-'),
            str(m['tracemalloc_peak_mb'] or '-'),
            str(m['wall_s']),
            str(m['cpu_s_all_processes']),
        )
    console.print(memory)
    cpu = {(m['pairs'], m['workers']): m['cpu_s_all_processes'] for m in results['memory']}
    for n in sorted({m['pairs'] for m in results['memory']}):
        if (n, 1) in cpu and (n, 2) in cpu:
            console.print(
                f'{n} pairs: CPU seconds of all processes, 2 workers / 1 worker = '
                f'{cpu[(n, 2)] / cpu[(n, 1)]:.2f} (parallel overhead, whatever else runs)'
            )
    r = results['recall']
    console.print(
        f'recall on {r["dataset"]}: {r["found"]}/{r["expected"]} technical faults, '
        f'{r["errors_on_clean_items"]} errors on clean items, findings '
        f'{r["findings_by_severity"]}, {r["wall_s"]} s'
    )
    targets = Table(title='targets')
    targets.add_column('target')
    targets.add_column('measured', justify='right')
    targets.add_column('result')
    for check in checks:
        mark = '[green]PASS[/]' if check['ok'] else '[bold red]FAIL[/]'
        targets.add_row(check['target'], str(check['value']), mark)
    console.print(targets)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--quick', action='store_true', help='100 and 400 pairs, 1 repeat')
    parser.add_argument('--sizes', type=int, nargs='+', default=None)
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--repeats', type=int, default=None)
    parser.add_argument('--child', help=argparse.SUPPRESS)
    parser.add_argument('--child-out', help=argparse.SUPPRESS)
    parser.add_argument('--trace', action='store_true', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_main(args.child, args.workers[0], args.child_out, args.trace)
        return 0
    sizes = args.sizes or ([100, 400] if args.quick else [500, 2000])
    repeats = args.repeats or (1 if args.quick else 5)
    started = time.perf_counter()
    results: dict = {
        'command': ' '.join([Path(sys.executable).name, *sys.argv]),
        'machine': f'{platform.processor() or platform.machine()}, {os.cpu_count()} cores, '
        f'load average {os.getloadavg()[0]:.2f} at start',
        'speed': [],
        'memory': [],
    }
    with tempfile.TemporaryDirectory(prefix='bench_eda_') as tmp:
        base = Path(tmp)
        for n in sizes:
            root = base / f'pets_{n}'
            generate_demo_dataset(
                root, seed=0, n_train=n, n_val=0, n_test=0, noise='none', show_progress=False
            )
            for workers in args.workers:
                print(f'speed: {n} pairs, {workers} worker(s) ...', flush=True)
                results['speed'].append(measure_speed(root, workers, repeats, base / 'out'))
                print(f'memory: {n} pairs, {workers} worker(s) ...', flush=True)
                memory = measure_memory(root, workers, base / 'out_child')
                results['memory'].append(dict(pairs=n, workers=workers, **memory))
        print('recall: default noise 200/60/60 ...', flush=True)
        results['recall'] = measure_recall(base)
    results['load_average_at_end'] = round(os.getloadavg()[0], 2)
    results['bench_wall_s'] = round(time.perf_counter() - started, 1)
    checks = evaluate(results)
    results['targets'] = [dict(c, result=_mark(c['ok'])) for c in checks]
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=2) + '\n')
    print_tables(results, checks)
    print(f'wrote {OUT_JSON.relative_to(REPO)} ({results["bench_wall_s"]} s)')
    return 0 if all(c['ok'] for c in checks) else 1


if __name__ == '__main__':
    sys.exit(main())
