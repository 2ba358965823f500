"""``make bench``: run the benchmarks in sequence, then one summary table of every target.

    .venv/bin/python benchmarks/run_all.py [--only eda training] [--strict]

Each benchmark runs as its own process with the sizes below (chosen so that the whole run
fits in 15 minutes on a 2-core machine) and writes work_dirs/benchmarks/<name>.json; this
runner reads those files and writes work_dirs/benchmarks/summary.json. Exit status: 1 when a
benchmark crashed (or, with ``--strict``, when a target was missed), else 0; missed targets
are always printed as FAIL. ``--oxford PATH`` adds fix-labels on real photos (5 noise seeds,
~4 minutes). bench_label_quality.py (20+ minutes), bench_analysis.py and bench_scale.py (the
data tools at 700 / 7,000 / 70,000 pairs: hours on 2 cores) are not part of it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / 'work_dirs' / 'benchmarks'

# name -> (script and arguments, what it measures). Sizes: see each script's docstring.
BENCHMARKS: dict[str, tuple[list[str], str]] = {
    'eda': (
        ['bench_eda.py', '--sizes', '500', '2000', '--repeats', '2'],
        'EDA scan vs cv2.imread floor, 1/2 workers, 500/2,000 pairs; memory; recall',
    ),
    'label_fix': (
        ['bench_label_fix.py', '--seeds', '0'],
        'fix-labels on default demo noise (200/60/60): swap P/R, empty/tiny recall, time',
    ),
    'training': (
        ['bench_training.py', '--iters', '30', '--repeats', '2'],
        'hyp1 iterations: ours (dataset, losses, metric, tracking) vs plain MMSeg',
    ),
    'review': (
        ['bench_review.py', '--decisions', '50'],
        'petseg review in headless Chromium: wait per keyboard decision, 50 decisions',
    ),
    'inference': (
        ['bench_inference.py', '--images', '32', '--repeats', '2'],
        'best-worst inference path vs bare model.test_step, batch 1 and 4',
    ),
}


def targets_of(result: dict) -> list[dict]:
    """``[{target, value, ok}]`` from one benchmark's JSON."""
    return [dict(target=t['target'], value=t['value'], ok=t['ok']) for t in result['targets']]


def run_benchmark(name: str, args: list[str]) -> dict:
    """Run one benchmark; its targets, wall time and whether it produced fresh results."""
    out_json = OUT / f'{name}.json'
    started = time.time()
    print(f'\n=== {name}: {" ".join(args)}', flush=True)
    done = subprocess.run([sys.executable, str(REPO / 'benchmarks' / args[0]), *args[1:]], cwd=REPO)
    wall = round(time.time() - started, 1)
    fresh = out_json.is_file() and out_json.stat().st_mtime >= started
    if not fresh:
        return dict(name=name, wall_s=wall, crashed=True, exit_code=done.returncode, targets=[])
    result = json.loads(out_json.read_text())
    return dict(
        name=name,
        wall_s=wall,
        crashed=False,
        exit_code=done.returncode,
        machine=result.get('machine'),
        targets=targets_of(result),
    )


def print_summary(summary: dict) -> None:
    """One table: benchmark, target, measured, PASS/FAIL."""
    from rich.console import Console
    from rich.table import Table

    console = Console(width=150)
    table = Table(
        title=f'make bench: {summary["machine"]}; {summary["wall_s"]:.0f} s in all '
        '(noisy shared machine: compare ratios)'
    )
    for column in ('benchmark', 'target', 'measured', 'result', 'time s'):
        table.add_column(column, justify='right' if column in ('measured', 'time s') else 'left')
    for bench in summary['benchmarks']:
        if bench['crashed']:
            table.add_row(bench['name'], 'did not finish', '-', '[bold red]CRASH[/]',
                          str(bench['wall_s']))  # fmt: skip
            continue
        for index, target in enumerate(bench['targets']):
            mark = {True: '[green]PASS[/]', False: '[bold red]FAIL[/]', None: 'info'}[target['ok']]
            table.add_row(
                bench['name'] if index == 0 else '',
                target['target'],
                str(target['value']),
                mark,
                str(bench['wall_s']) if index == 0 else '',
            )
    console.print(table)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--only', nargs='+', choices=list(BENCHMARKS), default=list(BENCHMARKS))
    parser.add_argument('--strict', action='store_true', help='exit 1 when a target is missed')
    parser.add_argument(
        '--oxford',
        metavar='PATH',
        help='also run bench_label_fix.py on these real photos (an Oxford-IIIT Pet folder), '
        '5 noise seeds',
    )
    args = parser.parse_args()
    if args.oxford:
        BENCHMARKS['label_fix_oxford'] = (
            ['bench_label_fix.py', '--oxford', args.oxford, '--seeds', '0,1,2,3,4'],
            'fix-labels on the real photos with default injected noise, 5 seeds',
        )
        args.only.append('label_fix_oxford')
    OUT.mkdir(parents=True, exist_ok=True)
    started = time.time()
    load_start = os.getloadavg()[0]
    results = [run_benchmark(name, BENCHMARKS[name][0]) for name in args.only]
    summary = {
        'command': ' '.join([Path(sys.executable).name, *sys.argv]),
        'machine': f'{platform.machine()}, {os.cpu_count()} cores, load average '
        f'{load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end',
        'wall_s': round(time.time() - started, 1),
        'benchmarks': [
            {**r, 'measures': BENCHMARKS[r['name']][1], 'command': BENCHMARKS[r['name']][0]}
            for r in results
        ],
    }
    summary['all_targets_met'] = all(
        t['ok'] is not False for r in results for t in r['targets']
    ) and not any(r['crashed'] for r in results)
    (OUT / 'summary.json').write_text(json.dumps(summary, indent=2) + '\n')
    print()
    print_summary(summary)
    print(f'wrote {(OUT / "summary.json").relative_to(REPO)}')
    if any(r['crashed'] for r in results):
        return 1
    return 1 if args.strict and not summary['all_targets_met'] else 0


if __name__ == '__main__':
    sys.exit(main())
