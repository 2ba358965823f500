"""benchmarks/bench_scale.py's own parts: the process-tree memory, the plan cut, the targets."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import load_benchmark_module

bench = load_benchmark_module('bench_scale')

# A parent that forks two children, then each process touches its own 120 MB (nothing shared).
THREE_PROCESSES = """
import multiprocessing, time
def hold():
    block = bytearray(120 * 2**20)
    block[::4096] = b'x' * len(block[::4096])
    time.sleep(1.5)
if __name__ == '__main__':
    children = [multiprocessing.Process(target=hold) for _ in range(2)]
    [c.start() for c in children]
    hold()
    [c.join() for c in children]
"""


def test_peak_memory_is_the_sum_over_the_process_and_its_children():
    process = subprocess.Popen([sys.executable, '-c', THREE_PROCESSES])
    monitor = bench.TreeMonitor(process.pid)
    monitor.start()
    process.wait()
    monitor.stop.set()
    monitor.join()
    assert monitor.peak_processes == 3
    mb = 2**20
    assert monitor.peak_rss >= 3 * 120 * mb  # one process alone holds ~130 MB
    assert monitor.peak_pss >= 3 * 110 * mb  # nothing shared: PSS is about the RSS


def test_the_review_plan_is_a_prefix_with_exactly_n_flagged(tmp_path):
    decisions = ['keep', 'fix', 'keep', 'review', 'left_out', 'drop', 'review', 'keep']
    items = [{'split': 'train', 'stem': f's{n}', 'decision': d} for n, d in enumerate(decisions)]
    plan = tmp_path / 'plan.json'
    plan.write_text(json.dumps({'items': items, 'review_order': ['train/s6', 'train/s3']}))
    assert bench.cut_plan(plan, 3, tmp_path / 'cut') == 6
    cut = json.loads((tmp_path / 'cut' / 'plan.json').read_text())
    assert [i['stem'] for i in cut['items']] == ['s0', 's1', 's2', 's3', 's4', 's5']
    assert cut['review_order'] == ['train/s3']
    with pytest.raises(SystemExit, match='only 4 flagged'):
        bench.cut_plan(plan, 5, tmp_path / 'more')


def _run(tool, pairs, workers, wall, rss, cpu=None):
    units = pairs
    return dict(
        tool=tool, pairs=pairs, workers=workers, per='pair', wall_s=wall, cpu_s=cpu or wall,
        wall_ms_per_unit=1000 * wall / units, cpu_ms_per_unit=1000 * (cpu or wall) / units,
        peak_rss_mb=rss, peak_pss_mb=rss, load_before=0.5, load_after=0.5,
    )  # fmt: skip


def test_targets_are_graded_from_the_runs():
    runs = [
        _run('floor', 700, 1, 0.35, 80),
        _run('floor', 7000, 1, 3.5, 80),
        _run('eda', 700, 1, 2.0, 120),
        _run('eda', 7000, 1, 6.5, 130),  # per extra pair 0.71 ms vs 0.5: 0.7 of the floor
        _run('eda', 7000, 2, 3.5, 200),  # 1.86 x faster
        _run('fix-labels', 700, 1, 50, 700),
        _run('fix-labels', 7000, 1, 700, 1100),  # 1.4 x slower per pair, 1.57 x the memory
    ]
    checks = {c['target']: c['ok'] for c in bench.evaluate({'runs': runs})}
    assert checks['eda, 1 w: time per pair at 7000 <= 1.25 x at 700'] is True
    assert checks['eda, 7000 pairs: 2 workers >= 1.7 x faster than 1'] is True
    assert checks['eda, 1 w: >= 0.8 x floor per extra pair, 700 -> 7000'] is False
    assert checks['fix-labels, 1 w: time per pair at 7000 <= 1.25 x at 700'] is False
    assert checks['fix-labels, 1 w: peak RSS at 7000 <= 1.5 x at 700'] is False
    runs.append(_run('eda', 70000, 1, 60, 150))
    checks = {c['target']: c['ok'] for c in bench.evaluate({'runs': runs})}
    assert checks['eda, 1 w: peak RSS at 70000 <= 1.5 x at 700'] is None  # reported, not graded
