"""The data tools at 10x and 100x the data: seconds per pair and peak memory of the process tree.

    .venv/bin/python benchmarks/bench_scale.py                        # 700 and 7,000 pairs
    .venv/bin/python benchmarks/bench_scale.py --sizes 70000 --tools eda fix-labels fix-labels-apply
    .venv/bin/python benchmarks/bench_scale.py --review               # review page, 50 vs 5,000
    .venv/bin/python benchmarks/bench_scale.py --table                # print the saved figures

Data: ``petseg demo-data`` (256 px scenes, the default noise in train and val) with 70% / 15% /
15% of the pairs in train / val / test, generated once per size under ``--data``
(``work_dirs/benchmarks/scale_data/pets_<N>``) and reused by every later run; how long that
took and how much disk it holds is recorded beside it (``pets_<N>.generation.json``).

Each tool runs as a user runs it, ``petseg ...`` in a fresh process, with ``--workers 1`` and
``2``: ``eda`` (its defaults: 8 random overlays per split, 48 of flagged pairs),
``fix-labels`` (``--dry-run --classifier self``: plan.json and contact sheets),
``fix-labels-apply`` (``--apply`` of that dry run's plan: the cleaned copy), ``inject-noise``
(a noisy copy of the dataset) and ``best-worst`` (hyp1 with its initial weights, as
bench_inference.py, on the test split: seconds per test image). Per run: wall and CPU seconds
(all processes, ``RUSAGE_CHILDREN``) per pair, and the peak of the summed RSS of the tool's
process and all its children (polled every 100 ms through /proc; also the summed PSS, which
counts a page shared by forked workers once), with the load average before and after. The
``floor`` is bench_eda.py's: a bare ``cv2.imread`` loop over the same images and masks, one
process, one thread.

Targets: per-pair wall time at 7,000 pairs <= 1.25 x at 700 (1 and 2 workers); peak RSS at
7,000 <= 1.5 x at 700; 2 workers >= 1.7 x faster than 1 on eda and fix-labels (dry run); eda
with 1 worker >= 0.8 of the floor per extra pair (700 -> 7,000: fixed costs cancel). Sizes
above 7,000 are reported against 700 the same way, as information. ``--review``: the review
page (``petseg review`` as a user starts it, headless Chromium as bench_review.py drives it)
on the largest dry run's plan cut to 50 and to 5,000 flagged samples: the time to open the
page (first sample ready) and the wait per keyboard decision; target: 5,000 within 1.25 x of 50
(+ 50 ms for the machine's jitter).

Results merge into work_dirs/benchmarks/scale.json (one entry per tool, size and workers; a
rerun replaces its entries); a table is printed. The machine is shared: every figure carries
its load average.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import resource
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT_JSON = REPO / 'work_dirs' / 'benchmarks' / 'scale.json'  # --json: another file
DATA = REPO / 'work_dirs' / 'benchmarks' / 'scale_data'
PETSEG = str(Path(sys.executable).with_name('petseg'))
CONFIG = 'configs/hyp1_segformer_b0.py'

TOOLS = ('floor', 'eda', 'fix-labels', 'fix-labels-apply', 'inject-noise', 'best-worst')
SPLIT_SHARES = {'train': 0.7, 'val': 0.15, 'test': 0.15}
TIME_TARGET = 1.25
MEMORY_TARGET = 1.5
SPEEDUP_TARGET = 1.7
FLOOR_TARGET = 0.8
REVIEW_TARGET = 1.25
REVIEW_SLACK_S = 0.05
POLL_S = 0.1


# ---------------------------------------------------------------- measuring a process tree


PAGE = os.sysconf('SC_PAGE_SIZE')


def _descendants(pid: int) -> list[int]:
    """``pid`` and every process below it (``/proc/<pid>/task/*/children``, recursively)."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        for children in Path(f'/proc/{current}/task').glob('*/children'):
            with contextlib.suppress(OSError):
                todo += [int(c) for c in children.read_text().split()]
    return found


def _memory_kb(pid: int) -> tuple[int, int]:
    """``(RSS, PSS)`` of one process in kB (``statm``, ``smaps_rollup``); zeros once it is gone."""
    rss = pss = 0
    with contextlib.suppress(OSError, ValueError, IndexError):
        rss = int(Path(f'/proc/{pid}/statm').read_text().split()[1]) * PAGE // 1024
        for line in Path(f'/proc/{pid}/smaps_rollup').read_text().splitlines():
            if line.startswith('Pss:'):
                pss = int(line.split()[1])
                break
    return rss, pss


class TreeMonitor(threading.Thread):
    """Polls the summed RSS and PSS of a process and all its descendants until it ends."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_processes = 0
        self.stop = threading.Event()

    def sample(self) -> None:
        """One poll: the tree's summed RSS and PSS (bytes), and how many processes it has."""
        tree = _descendants(self.pid)
        memory = [_memory_kb(pid) for pid in tree]
        self.peak_rss = max(self.peak_rss, 1024 * sum(m[0] for m in memory))
        self.peak_pss = max(self.peak_pss, 1024 * sum(m[1] for m in memory))
        self.peak_processes = max(self.peak_processes, sum(m[0] > 0 for m in memory))

    def run(self) -> None:
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(POLL_S)


def measure(argv: list[str], log: Path) -> dict:
    """Run ``argv`` (stdout and stderr to ``log``); wall, CPU of all its processes, peak memory."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    with open(log, 'w') as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, cwd=REPO)
        monitor = TreeMonitor(process.pid)
        monitor.start()
        code = process.wait()
    wall = time.perf_counter() - started
    monitor.stop.set()
    monitor.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if code != 0:
        tail = log.read_text(errors='replace').strip().splitlines()[-5:]
        raise SystemExit(f'{" ".join(argv)} exited {code}:\n' + '\n'.join(tail))
    return {
        'wall_s': round(wall, 3),
        'cpu_s': round(cpu, 3),
        'peak_rss_mb': round(monitor.peak_rss / 2**20, 1),
        'peak_pss_mb': round(monitor.peak_pss / 2**20, 1),
        'processes': monitor.peak_processes,
        'load_before': round(load, 2),
        'load_after': round(os.getloadavg()[0], 2),
    }


# ---------------------------------------------------------------- data


def split_counts(n: int) -> dict[str, int]:
    """70% / 15% / 15% of ``n`` pairs (train takes the rounding)."""
    val = round(n * SPLIT_SHARES['val'])
    test = round(n * SPLIT_SHARES['test'])
    return {'train': n - val - test, 'val': val, 'test': test}


def disk_mb(path: Path) -> float:
    """What ``path`` holds on disk (``du``), in MB."""
    done = subprocess.run(['du', '-sk', str(path)], capture_output=True, text=True, check=True)
    return round(int(done.stdout.split()[0]) / 1024, 1)


def dataset(n: int, data: Path, logs: Path) -> tuple[Path, dict]:
    """``data/pets_<n>``, generated once (2 workers) and reused; how its generation went."""
    root = data / f'pets_{n}'
    record_file = data / f'pets_{n}.generation.json'
    if root.is_dir() and record_file.is_file():
        return root, json.loads(record_file.read_text())
    counts = split_counts(n)
    free = shutil.disk_usage(data).free / 2**30
    print(f'generating {n} pairs into {root} ({free:.0f} GiB free) ...', flush=True)
    argv = [PETSEG, 'demo-data', '--out', str(root), '--workers', '2', '--overwrite']
    argv += ['--n-train', str(counts['train']), '--n-val', str(counts['val'])]
    argv += ['--n-test', str(counts['test'])]
    record = {
        'pairs': n,
        'splits': counts,
        'command': ' '.join(argv[1:]),
        **measure(argv, logs / f'generate_{n}.log'),
    }
    record['disk_mb'] = disk_mb(root)
    record['at'] = time.strftime('%Y-%m-%d %H:%M')
    record_file.write_text(json.dumps(record, indent=2) + '\n')
    return root, record


def warm_cache(root: Path) -> None:
    """Read every file once, so that no tool pays for the first read from disk."""
    for path in sorted(root.rglob('*')):
        if path.is_file():
            path.read_bytes()


def checkpoint(data: Path, logs: Path) -> Path:
    """hyp1 with its initial weights (bench_inference.py's), saved once."""
    path = data / 'hyp1_init.pth'
    if not path.is_file():
        measure([sys.executable, __file__, '--make-checkpoint', str(path)], logs / 'ckpt.log')
    return path


# ---------------------------------------------------------------- the tools


def tool_argv(tool: str, root: Path, workers: int, scratch: Path, data: Path, logs: Path):
    """The command line of ``tool`` on ``root`` with ``workers``, and its output folder."""
    w = str(workers)
    if tool == 'floor':
        return [sys.executable, __file__, '--floor', str(root)], None
    if tool == 'eda':
        out = scratch / f'eda_w{w}'
        argv = [PETSEG, 'eda', '--data-root', str(root), '--out', str(out)]
        return [*argv, '--workers', w, '--overwrite'], out
    if tool == 'fix-labels':
        out = plan_dir(root, workers)
        argv = [PETSEG, 'fix-labels', '--data-root', str(root), '--dry-run', '--plan-dir', str(out)]
        return [*argv, '--classifier', 'self', '--workers', w, '--overwrite'], None
    if tool == 'fix-labels-apply':
        out = scratch / f'clean_w{w}'
        argv = [PETSEG, 'fix-labels', '--apply', str(plan_dir(root, workers)), '--out', str(out)]
        return [*argv, '--workers', w, '--overwrite'], out
    if tool == 'inject-noise':
        out = scratch / f'noisy_w{w}'
        argv = [PETSEG, 'inject-noise', '--data-root', str(root), '--out', str(out)]
        return [*argv, '--workers', w, '--overwrite'], out
    if tool == 'best-worst':
        out = scratch / f'best_worst_w{w}'
        argv = [PETSEG, 'best-worst', CONFIG, str(checkpoint(data, logs)), '--data-root', str(root)]
        return [*argv, '--split', 'test', '--out', str(out), '--workers', w, '--overwrite'], out
    raise ValueError(tool)


def plan_dir(root: Path, workers: int) -> Path:
    """Where the dry run with ``workers`` keeps its plan (the review step reads it later)."""
    return root.with_name(f'{root.name}_plan_w{workers}')


def run_tool(tool: str, n: int, workers: int, root: Path, data: Path, logs: Path) -> dict:
    """One measured run; its outputs (except a dry run's plan) are removed afterwards."""
    scratch = data / 'runs'
    scratch.mkdir(exist_ok=True)
    if tool == 'fix-labels-apply' and not (plan_dir(root, workers) / 'plan.json').is_file():
        print(f'  (the dry run first: fix-labels, {workers} worker(s))', flush=True)
        run_tool('fix-labels', n, workers, root, data, logs)
    argv, out = tool_argv(tool, root, workers, scratch, data, logs)
    log = logs / f'{tool}_{n}_w{workers}.log'
    result = measure(argv, log)
    if tool == 'floor':
        inner = json.loads(log.read_text().strip().splitlines()[-1])
        result.update(inner)
        result['wall_s'] = inner['loop_wall_s']
        result['cpu_s'] = inner['loop_cpu_s']
    for folder in (out, noise_file(out)):
        if folder is not None and folder.exists():
            shutil.rmtree(folder) if folder.is_dir() else folder.unlink()
    pairs = split_counts(n)['test'] if tool == 'best-worst' else n
    return {
        'tool': tool,
        'pairs': n,
        'workers': 1 if tool == 'floor' else workers,
        'per': 'test image' if tool == 'best-worst' else 'pair',
        'units': pairs,
        'command': ' '.join(Path(a).name if a in (PETSEG, sys.executable) else a for a in argv),
        **result,
        'wall_ms_per_unit': round(1000 * result['wall_s'] / pairs, 3),
        'cpu_ms_per_unit': round(1000 * result['cpu_s'] / pairs, 3),
        'at': time.strftime('%Y-%m-%d %H:%M'),
    }


def noise_file(out: Path | None) -> Path | None:
    """inject-noise's ground truth beside its copy."""
    return None if out is None else out.with_name(out.name + '.noise.json')


def floor_main(root: str) -> None:
    """The floor (bench_eda.py's bare loop) over every pair of every split; prints JSON."""
    from bench_eda import bare_loop  # beside this script

    from practicum_work.core.layout import find_splits, pair_split

    pairs = [p for split in find_splits(Path(root)) for p in pair_split(Path(root), split).pairs]
    wall, cpu = time.perf_counter(), time.process_time()
    bare_loop(pairs)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(
        json.dumps(
            {'loop_wall_s': round(wall, 3), 'loop_cpu_s': round(cpu, 3), 'read_pairs': len(pairs)}
        )
    )


def make_checkpoint(path: str) -> None:
    """bench_inference.py's initial hyp1 checkpoint."""
    from bench_inference import save_initial_checkpoint  # beside this script

    save_initial_checkpoint(Path(path))


# ---------------------------------------------------------------- the review page


def cut_plan(plan_json: Path, flagged: int, folder: Path) -> int:
    """A plan folder whose plan.json is the prefix of ``plan_json``'s items holding exactly
    ``flagged`` samples the review shows (as if the dataset ended there); its item count."""
    document = json.loads(plan_json.read_text())
    items, shown = [], 0
    for item in document['items']:
        if shown == flagged:
            break
        items.append(item)
        shown += item['decision'] not in ('keep', 'left_out')
    if shown < flagged:
        raise SystemExit(f'{plan_json} has only {shown} flagged samples (need {flagged})')
    ids = {f'{i["split"]}/{i["stem"]}' for i in items}
    document['items'] = items
    document['review_order'] = [i for i in document.get('review_order', []) if i in ids]
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    (folder / 'plan.json').write_text(json.dumps(document, indent=2) + '\n')
    return len(items)


def serve(plan: Path, log: Path) -> tuple[subprocess.Popen, str]:
    """``petseg review --plan PLAN --port 0 --no-browser``; the process and its printed URL."""
    argv = [PETSEG, 'review', '--plan', str(plan), '--port', '0', '--no-browser']
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines = []
    for line in process.stdout:
        lines.append(line)
        found = re.search(r'open (http://\S+)', line)
        if found:
            threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()
            log.write_text(''.join(lines))
            return process, found.group(1)
    raise SystemExit(f'petseg review did not start:\n{"".join(lines)[-2000:]}')


def review_figures(plan: Path, decisions: int, opens: int, logs: Path) -> dict:
    """Open the page ``opens`` times, then time ``decisions`` keyboard decisions."""
    import statistics
    import urllib.request

    from bench_review import KEYS, PICTURES_LOADED, _browser_helpers  # beside this script

    browser = _browser_helpers()
    process, url = serve(plan, logs / f'review_{plan.name}.log')
    monitor = TreeMonitor(process.pid)
    monitor.start()
    try:
        token = url.split('token=')[1]
        base = url.split('?')[0]
        request = urllib.request.Request(base + 'api/session', headers={'X-Petseg-Token': token})
        started = time.perf_counter()
        with urllib.request.urlopen(request) as answer:
            body = answer.read()
        session_s = time.perf_counter() - started
        driver = browser.chromium()
        try:
            open_times = []
            for _ in range(opens):
                driver.get('about:blank')
                started = time.perf_counter()
                driver.get(url)

                def ready():
                    if not driver.execute_script('return document.body.dataset.ready'):
                        return False
                    stem = driver.find_element('id', 'item-id').text.split('/')[-1]
                    return driver.execute_script(PICTURES_LOADED, f'/{stem}')

                browser.wait_for(ready, 60, 'the first sample')
                open_times.append(time.perf_counter() - started)
            from selenium.webdriver.common.action_chains import ActionChains

            waits = []
            for n in range(decisions):
                count = int(driver.find_element('id', 'progress-text').text.split()[0])
                started = time.perf_counter()
                ActionChains(driver).send_keys(KEYS[n % len(KEYS)]).perform()

                def decided(c=count):
                    text = driver.find_element('id', 'progress-text').text
                    if int(text.split()[0]) != c + 1:
                        return False
                    stem = driver.find_element('id', 'item-id').text.split('/')[-1]
                    return driver.execute_script(PICTURES_LOADED, f'/{stem}')

                browser.wait_for(decided, 30, f'decision {n + 1}')
                waits.append(time.perf_counter() - started)
        finally:
            driver.quit()
    finally:
        process.terminate()
        process.wait()
        monitor.stop.set()
        monitor.join()
    waits.sort()
    return {
        'session_bytes': len(body),
        'session_s': round(session_s, 4),
        'open_s': [round(t, 3) for t in open_times],
        'open_median_s': round(statistics.median(open_times), 3),
        'decision_median_s': round(statistics.median(waits), 4),
        'decision_p95_s': round(waits[max(0, round(0.95 * len(waits)) - 1)], 4),
        'server_peak_rss_mb': round(monitor.peak_rss / 2**20, 1),
    }


def run_review(data: Path, sizes: list[int], decisions: int, opens: int, logs: Path) -> dict:
    """The review page on the largest available dry run's plan cut to 50 and 5,000 flagged."""
    plans = sorted(
        (int(p.name.split('_')[1]), p)
        for p in data.glob('pets_*_plan_w*')
        if (p / 'plan.json').is_file()
    )  # the plans of 1 and 2 workers are the same plan
    if not plans:
        raise SystemExit(f'no dry run under {data}: run --tools fix-labels on 7,000+ pairs first')
    n, source = plans[-1]
    result = {'from_plan': str(source.relative_to(REPO)), 'pairs': n, 'sizes': {}}
    for flagged in sizes:
        folder = data / 'review' / f'flagged_{flagged}'
        items = cut_plan(source / 'plan.json', flagged, folder)
        load = os.getloadavg()[0]
        print(f'review: {flagged} flagged samples ({items} plan items) ...', flush=True)
        figures = review_figures(folder, decisions, opens, logs)
        figures.update(plan_items=items, load_before=round(load, 2),
                       load_after=round(os.getloadavg()[0], 2))  # fmt: skip
        result['sizes'][str(flagged)] = figures
    result['at'] = time.strftime('%Y-%m-%d %H:%M')
    return result


# ---------------------------------------------------------------- targets and table


def _entry(runs: list[dict], tool: str, n: int, workers: int) -> dict | None:
    return next(
        (r for r in runs if (r['tool'], r['pairs'], r['workers']) == (tool, n, workers)), None
    )


def _load(*entries: dict) -> str:
    return '/'.join(f'{e["load_before"]:.1f}' for e in entries)


def evaluate(results: dict) -> list[dict]:
    """Every target the saved runs allow, with its measured value (load averages beside)."""
    runs = results.get('runs', [])
    checks = []
    sizes = sorted({r['pairs'] for r in runs})
    small = 700 if 700 in sizes else (sizes[0] if sizes else None)
    for tool in TOOLS[1:]:
        for workers in (1, 2):
            base = _entry(runs, tool, small, workers) if small else None
            for n in sizes:
                big = _entry(runs, tool, n, workers)
                if base is None or big is None or n <= small:
                    continue
                graded = n <= 10 * small
                time_ratio = big['wall_ms_per_unit'] / base['wall_ms_per_unit']
                cpu_ratio = big['cpu_ms_per_unit'] / base['cpu_ms_per_unit']
                checks.append(dict(
                    target=f'{tool}, {workers} w: time per {big["per"]} at {n} '
                    f'<= {TIME_TARGET} x at {small}',
                    value=f'{time_ratio:.2f} (CPU {cpu_ratio:.2f}; load {_load(base, big)})',
                    ok=time_ratio <= TIME_TARGET if graded else None,
                ))  # fmt: skip
                memory = big['peak_rss_mb'] / base['peak_rss_mb']
                pss = big['peak_pss_mb'] / base['peak_pss_mb']
                checks.append(dict(
                    target=f'{tool}, {workers} w: peak RSS at {n} <= {MEMORY_TARGET} x at {small}',
                    value=f'{memory:.2f} ({base["peak_rss_mb"]:.0f} -> '
                    f'{big["peak_rss_mb"]:.0f} MB; PSS {pss:.2f})',
                    ok=memory <= MEMORY_TARGET if graded else None,
                ))  # fmt: skip
    for tool in ('eda', 'fix-labels', 'fix-labels-apply'):
        for n in sizes:
            one, two = _entry(runs, tool, n, 1), _entry(runs, tool, n, 2)
            if one is None or two is None:
                continue
            speedup = one['wall_s'] / two['wall_s']
            graded = tool != 'fix-labels-apply' and n >= 7000
            checks.append(dict(
                target=f'{tool}, {n} pairs: 2 workers >= {SPEEDUP_TARGET} x faster than 1',
                value=f'{speedup:.2f} ({one["wall_s"]:.0f} vs {two["wall_s"]:.0f} s; '
                f'load {_load(one, two)})',
                ok=speedup >= SPEEDUP_TARGET if graded else None,
            ))  # fmt: skip
    for n in sizes:
        if small is None or n <= small:
            continue
        floor_a, floor_b = _entry(runs, 'floor', small, 1), _entry(runs, 'floor', n, 1)
        eda_a, eda_b = _entry(runs, 'eda', small, 1), _entry(runs, 'eda', n, 1)
        if None in (floor_a, floor_b, eda_a, eda_b):
            continue
        floor_ms = 1000 * (floor_b['wall_s'] - floor_a['wall_s']) / (n - small)
        eda_ms = 1000 * (eda_b['wall_s'] - eda_a['wall_s']) / (n - small)
        floor_cpu = 1000 * (floor_b['cpu_s'] - floor_a['cpu_s']) / (n - small)
        eda_cpu = 1000 * (eda_b['cpu_s'] - eda_a['cpu_s']) / (n - small)
        ratio = floor_ms / eda_ms
        checks.append(dict(
            target=f'eda, 1 w: >= {FLOOR_TARGET} x floor per extra pair, {small} -> {n}',
            value=f'{ratio:.2f} ({eda_ms:.2f} vs {floor_ms:.2f} ms; CPU '
            f'{floor_cpu / eda_cpu:.2f}; load {_load(eda_a, eda_b)})',
            ok=ratio >= FLOOR_TARGET if n <= 10 * small else None,
        ))  # fmt: skip
    review = results.get('review')
    if review and len(review['sizes']) >= 2:
        keys = sorted(review['sizes'], key=int)
        few, many = review['sizes'][keys[0]], review['sizes'][keys[-1]]
        for name, key in (('opens (first sample ready)', 'open_median_s'),
                          ('median wait per decision', 'decision_median_s'),
                          ('p95 wait per decision', 'decision_p95_s')):  # fmt: skip
            limit = REVIEW_TARGET * few[key] + REVIEW_SLACK_S
            checks.append(dict(
                target=f'review {name}: {keys[-1]} flagged <= {REVIEW_TARGET} x {keys[0]} '
                f'+ {REVIEW_SLACK_S} s',
                value=f'{many[key]:.3f} vs {few[key]:.3f} s (load {many["load_before"]:.1f})',
                ok=many[key] <= limit,
            ))  # fmt: skip
    return checks


def print_tables(results: dict, checks: list[dict]) -> None:
    """The runs (per pair, peak memory, load) and the targets."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    for record in results.get('generation', {}).values():
        console.print(
            f'data {record["pairs"]} pairs: generated in {record["wall_s"]:.0f} s '
            f'(CPU {record["cpu_s"]:.0f} s, 2 workers, load {record["load_before"]:.1f}), '
            f'{record["disk_mb"]:.0f} MB on disk'
        )
    table = Table(title=f'data tools at scale ({results.get("machine", "")})')
    columns = ('tool', 'pairs', 'workers', 'wall s', 'ms / unit', 'CPU ms / unit',
               'peak RSS MB', 'peak PSS MB', 'procs', 'load')  # fmt: skip
    for column in columns:
        table.add_column(column, justify='left' if column == 'tool' else 'right')
    order = {tool: i for i, tool in enumerate(TOOLS)}
    for r in sorted(
        results.get('runs', []), key=lambda r: (order[r['tool']], r['pairs'], r['workers'])
    ):
        table.add_row(
            r['tool'] + (' (per test image)' if r['per'] != 'pair' else ''),
            f'{r["pairs"]:,}', str(r['workers']), f'{r["wall_s"]:.1f}',
            f'{r["wall_ms_per_unit"]:.2f}', f'{r["cpu_ms_per_unit"]:.2f}',
            f'{r["peak_rss_mb"]:.0f}', f'{r["peak_pss_mb"]:.0f}', str(r['processes']),
            f'{r["load_before"]:.1f}/{r["load_after"]:.1f}',
        )  # fmt: skip
    console.print(table)
    review = results.get('review')
    if review:
        page = Table(title=f'petseg review on {review["from_plan"]} cut to N flagged samples')
        for column in ('flagged', 'plan items', '/api/session KB', 'open s (median)',
                       'decision median s', 'decision p95 s', 'server RSS MB', 'load'):  # fmt: skip
            page.add_column(column, justify='right')
        for flagged, f in sorted(review['sizes'].items(), key=lambda kv: int(kv[0])):
            page.add_row(
                flagged, str(f['plan_items']), f'{f["session_bytes"] / 1024:.0f}',
                f'{f["open_median_s"]:.3f}', f'{f["decision_median_s"]:.3f}',
                f'{f["decision_p95_s"]:.3f}', f'{f["server_peak_rss_mb"]:.0f}',
                f'{f["load_before"]:.1f}',
            )  # fmt: skip
        console.print(page)
    targets = Table(title='targets (info: not graded)')
    targets.add_column('target')
    targets.add_column('measured', justify='right')
    targets.add_column('result')
    for check in checks:
        mark = {True: '[green]PASS[/]', False: '[bold red]FAIL[/]', None: 'info'}[check['ok']]
        targets.add_row(check['target'], check['value'], mark)
    console.print(targets)


# ---------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--sizes', type=int, nargs='+', default=[700, 7000])
    parser.add_argument('--workers', type=int, nargs='+', default=[1, 2])
    parser.add_argument('--tools', nargs='+', choices=TOOLS, default=list(TOOLS))
    parser.add_argument('--data', type=Path, default=DATA, help='where the generated sets live')
    parser.add_argument('--review', action='store_true', help='the review page, 50 vs 5,000')
    parser.add_argument('--review-sizes', type=int, nargs='+', default=[50, 5000])
    parser.add_argument('--decisions', type=int, default=30)
    parser.add_argument('--table', action='store_true', help='print the saved figures only')
    parser.add_argument('--json', type=Path, default=OUT_JSON, help='the results file')
    parser.add_argument('--floor', help=argparse.SUPPRESS)
    parser.add_argument('--make-checkpoint', help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.floor:
        floor_main(args.floor)
        return 0
    if args.make_checkpoint:
        make_checkpoint(args.make_checkpoint)
        return 0
    out_json = args.json.resolve()
    results = json.loads(out_json.read_text()) if out_json.is_file() else {}
    results['machine'] = f'{platform.machine()}, {os.cpu_count()} cores'
    if not args.table:
        data = args.data.resolve()
        logs = data / 'logs'
        logs.mkdir(parents=True, exist_ok=True)
        results.setdefault('generation', {})
        results.setdefault('runs', [])
        if args.review:
            results['review'] = run_review(data, args.review_sizes, args.decisions, 3, logs)
        else:
            for n in args.sizes:
                root, record = dataset(n, data, logs)
                results['generation'][str(n)] = record
                warm_cache(root)
                for tool in [t for t in TOOLS if t in args.tools]:
                    for workers in [1] if tool == 'floor' else args.workers:
                        print(f'{tool}: {n} pairs, {workers} worker(s) ...', flush=True)
                        entry = run_tool(tool, n, workers, root, data, logs)
                        key = (tool, n, entry['workers'])
                        results['runs'] = [
                            r
                            for r in results['runs']
                            if (r['tool'], r['pairs'], r['workers']) != key
                        ] + [entry]
                        out_json.parent.mkdir(parents=True, exist_ok=True)
                        out_json.write_text(json.dumps(results, indent=2) + '\n')
    checks = evaluate(results)
    results['targets'] = [
        {**c, 'result': {True: 'PASS', False: 'FAIL', None: 'info'}[c['ok']]} for c in checks
    ]
    out_json.parent.mkdir(parents=True, exist_ok=True)
    out_json.write_text(json.dumps(results, indent=2) + '\n')
    print_tables(results, checks)
    print(f'wrote {out_json}')
    return 0 if all(c['ok'] is not False for c in checks) else 1


if __name__ == '__main__':
    sys.exit(main())
