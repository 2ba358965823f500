"""Benchmark ``petseg fix-labels`` against injected ground truth, on demo data or real photos.

    .venv/bin/python benchmarks/bench_label_fix.py [--seeds 0] [--workers N]
    .venv/bin/python benchmarks/bench_label_fix.py --oxford ../shared/oxford_pet_sample \\
        --seeds 0,1,2,3,4

Demo mode makes ``petseg demo-data`` with the default noise (200/60/60 images, 256 px) per
seed. ``--oxford PATH`` converts an Oxford-IIIT Pet folder (archive or torchvision layout) once
with ``petseg convert-oxford-pet`` and, per seed, injects the default noise preset into train
and val with ``petseg inject-noise`` (test stays clean). Each seed: a dry run (plan + contact
sheets) and a cleaned copy, timed; the plan scored against ``<root>.noise.json``: cat<->dog
swap precision and recall (a swap counts when the plan applies it), empty/tiny recall, the
share of all images sent to review, the other noise types, and a plain decode of the same
files (``cv2.imread`` of every image and mask, one process) for scale. Offline, ``self``
classifier. Prints a table (FAIL marks a missed target) and writes
work_dirs/benchmarks/label_fix.json (``label_fix_oxford.json`` with ``--oxford``).

Targets. Demo data, every seed: swap precision and recall >= 0.95, empty/tiny recall 1.0.
Real photos: precision >= 0.95 at every seed, recall >= 0.90 on average and >= 0.80 at the
worst seed, empty/tiny recall 1.0, review <= 5% of all images at every seed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import cv2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

WORK = REPO / 'work_dirs' / 'benchmarks' / 'label_fix_data'
# Noise type -> plan issue that must flag it.
ISSUE_OF = {
    'stray_values': 'stray_values',
    'size_mismatch': 'size_mismatch',
    'truncated_image': 'image_unreadable',
    'image_without_mask': 'image_without_mask',
    'mask_without_image': 'mask_without_image',
    'rgb_mask': 'rgb_mask',
    'palette_mask': 'palette_mask',
    'grayscale_image': 'grayscale_image',
}
PER_SEED = {'demo': {'swap_precision': 0.95, 'swap_recall': 0.95, 'empty_tiny_recall': 1.0}}
PER_SEED['oxford'] = {'swap_precision': 0.95, 'swap_recall': 0.80, 'empty_tiny_recall': 1.0}
MEAN_RECALL = {'demo': 0.95, 'oxford': 0.90}
MAX_REVIEW_SHARE = {'demo': None, 'oxford': 0.05}


def demo_dataset(seed: int, workers: int | None) -> tuple[Path, str]:
    """The noisy demo dataset of ``seed``: (root, description)."""
    from practicum_work.data.demo_data import generate_demo_dataset

    root = WORK / 'pets_noisy'
    generate_demo_dataset(
        root, noise='default', seed=seed, workers=workers, overwrite=True, show_progress=False
    )
    return root, f'petseg demo-data --noise default --seed {seed} (200/60/60, 256 px)'


def oxford_dataset(src: Path, seed: int, workers: int | None) -> tuple[Path, str]:
    """The converted real photos with the default noise of ``seed``: (root, description)."""
    from practicum_work.data.inject_noise import inject_noise
    from practicum_work.data.oxford_pet import convert_oxford_pet

    clean = WORK / 'oxford'
    stamp = clean / 'conversion.json'
    if not stamp.is_file() or json.loads(stamp.read_text())['src'] != str(src):
        convert_oxford_pet(src, clean, workers=workers, overwrite=True, show_progress=False)
    root = WORK / 'oxford_noisy'
    inject_noise(clean, root, seed=seed, workers=workers, overwrite=True, show_progress=False)
    return root, f'convert-oxford-pet {src} + inject-noise --preset default --seed {seed}'


def plain_decode_s(root: Path) -> float:
    """Seconds to ``cv2.imread`` every image and mask of ``root`` in one process."""
    files = [p for p in sorted(root.rglob('*')) if p.suffix.lower() in ('.jpg', '.jpeg', '.png')]
    start = time.perf_counter()
    for path in files:
        cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    return round(time.perf_counter() - start, 2)


def score(plan, noise: dict) -> dict:
    """Precision/recall of the plan against the injected noise."""
    items = {(i.split, i.stem): i for i in plan.items}
    truth: dict[str, set] = {}
    for entry in noise['items']:
        truth.setdefault(entry['type'], set()).add((entry['split'], entry['stem']))
    swaps = truth.get('swap', set())
    applied = {
        key
        for key, item in items.items()
        if any(c['type'] in ('swap_species', 'swap_component') for c in item.changes)
    }
    reviewed = {key for key, i in items.items() if 'species_review' in i.issues}
    hits = applied & swaps
    empty_tiny = truth.get('empty_mask', set()) | truth.get('tiny_mask', set())
    caught = {
        key
        for key in empty_tiny
        if key in items
        and items[key].decision in ('drop', 'review')
        and {'empty_mask', 'tiny_mask'} & set(items[key].issues)
    }
    flagged_empty = {k for k, i in items.items() if {'empty_mask', 'tiny_mask'} & set(i.issues)}
    others = {}
    for kind, issue in ISSUE_OF.items():
        keys = truth.get(kind, set())
        if keys:
            found = {k for k in keys if k in items and issue in items[k].issues}
            others[kind] = {'injected': len(keys), 'flagged': len(found)}
    n_review = sum(1 for i in plan.items if i.decision == 'review')
    return {
        'images': len(items),
        'swaps_injected': len(swaps),
        'swaps_applied': len(applied),
        'swaps_correct': len(hits),
        'swap_precision': round(len(hits) / len(applied), 4) if applied else 0.0,
        'swap_recall': round(len(hits) / len(swaps), 4) if swaps else 1.0,
        'swaps_sent_to_review': len(reviewed & swaps),
        'clean_masks_sent_to_species_review': len(reviewed - swaps),
        'false_swaps': sorted(f'{s}/{t}' for s, t in applied - swaps),
        'missed_swaps': sorted(f'{s}/{t}' for s, t in swaps - applied),
        'empty_tiny_injected': len(empty_tiny),
        'empty_tiny_caught': len(caught),
        'empty_tiny_recall': round(len(caught) / len(empty_tiny), 4) if empty_tiny else 1.0,
        'empty_tiny_flagged_total': len(flagged_empty),
        'review': n_review,
        'review_share': round(n_review / max(1, len(items)), 4),
        'other_noise': others,
    }


def run_seed(root: Path, description: str, seed: int, workers: int | None) -> dict:
    """Time the dry run and the cleaned copy of ``root``, score the plan."""
    from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels
    from practicum_work.data.noise_injection import noise_file_for

    noise = json.loads(noise_file_for(root).read_text())
    quiet = dict(show_progress=False, workers=workers, overwrite=True)
    start = time.perf_counter()
    dry = run_fix_labels(
        FixLabelsSettings(data_root=root, dry_run=True, plan_dir=WORK / 'plan', **quiet), print
    )
    dry_s = time.perf_counter() - start
    start = time.perf_counter()
    run_fix_labels(FixLabelsSettings(data_root=root, out=WORK / f'{root.name}_clean_v1', **quiet))
    copy_s = time.perf_counter() - start
    result = score(dry.plan, noise)
    result.update(
        {
            'seed': seed,
            'dataset': description,
            'classifier': dry.plan.classifier,
            'dry_run_wall_s': round(dry_s, 2),
            'clean_copy_wall_s': round(copy_s, 2),
            'plain_decode_wall_s': plain_decode_s(root),
        }
    )
    return result


def targets(mode: str, runs: list[dict]) -> list[dict]:
    """``[{target, value, ok}]``: per-seed minimums, mean recall, the review share."""
    rows = []
    for key, goal in PER_SEED[mode].items():
        worst = min(r[key] for r in runs)
        rows.append(dict(target=f'{key} >= {goal} at every seed', value=worst, ok=worst >= goal))
    mean_recall = round(sum(r['swap_recall'] for r in runs) / len(runs), 4)
    goal = MEAN_RECALL[mode]
    rows.append(
        dict(target=f'mean swap_recall >= {goal}', value=mean_recall, ok=mean_recall >= goal)
    )
    share = MAX_REVIEW_SHARE[mode]
    if share is not None:
        worst = max(r['review_share'] for r in runs)
        rows.append(
            dict(target=f'review share <= {share} at every seed', value=worst, ok=worst <= share)
        )
    rows.append(
        dict(
            target='wall s: dry run / cleaned copy / plain decode (mean)',
            value=' / '.join(
                f'{sum(r[k] for r in runs) / len(runs):.1f}'
                for k in ('dry_run_wall_s', 'clean_copy_wall_s', 'plain_decode_wall_s')
            ),
            ok=None,
        )
    )
    return rows


def print_table(title: str, runs: list[dict], rows: list[dict]) -> None:
    """Per-seed figures, then the targets."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column('metric')
    for run in runs:
        table.add_column(f'seed {run["seed"]}', justify='right')

    def line(name: str, fmt) -> None:
        table.add_row(name, *(fmt(r) for r in runs))

    line('swap precision', lambda r: f'{r["swap_precision"]:.3f}')
    line('swap recall', lambda r: f'{r["swap_recall"]:.3f}')
    line(
        'swaps injected / applied / correct',
        lambda r: f'{r["swaps_injected"]} / {r["swaps_applied"]} / {r["swaps_correct"]}',
    )
    line('swaps sent to review', lambda r: str(r['swaps_sent_to_review']))
    line(
        'clean masks sent to species review', lambda r: str(r['clean_masks_sent_to_species_review'])
    )
    line('empty/tiny recall', lambda r: f'{r["empty_tiny_recall"]:.3f}')
    line('review (share of all images)', lambda r: f'{r["review"]} ({r["review_share"]:.1%})')

    def flagged(run: dict, kind: str) -> str:
        counts = run['other_noise'].get(kind)
        return '-' if counts is None else '{flagged}/{injected}'.format(**counts)

    for kind in ISSUE_OF:
        line(f'{kind} flagged', lambda r, k=kind: flagged(r, k))
    line('classifier reliable', lambda r: str(r['classifier'].get('reliable')))
    line('out-of-fold agreement', lambda r: str(r['classifier'].get('agreement_with_labels')))
    line(
        'wall: dry run / copy / decode (s)',
        lambda r: (
            f'{r["dry_run_wall_s"]:.1f} / {r["clean_copy_wall_s"]:.1f} / '
            f'{r["plain_decode_wall_s"]:.1f}'
        ),
    )
    console = Console(width=160)
    console.print(table)
    for row in rows:
        mark = {True: 'PASS', False: 'FAIL', None: 'info'}[row['ok']]
        console.print(f'{mark:4s}  {row["target"]}: {row["value"]}')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--seeds', default='0', help='comma-separated noise seeds (default 0)')
    parser.add_argument('--oxford', help='an Oxford-IIIT Pet folder: benchmark on real photos')
    parser.add_argument('--workers', type=int, default=None)
    parser.add_argument('--out', help='JSON (default work_dirs/benchmarks/label_fix[_oxford].json)')
    args = parser.parse_args()

    from practicum_work.core.progress import default_workers

    mode = 'oxford' if args.oxford else 'demo'
    seeds = [int(s) for s in args.seeds.split(',')]
    runs = []
    for seed in seeds:
        if args.oxford:
            root, description = oxford_dataset(Path(args.oxford), seed, args.workers)
        else:
            root, description = demo_dataset(seed, args.workers)
        runs.append(run_seed(root, description, seed, args.workers))
    rows = targets(mode, runs)
    title = f'fix-labels on {"real photos" if args.oxford else "demo data"}: {runs[0]["dataset"]}'
    print_table(title, runs, rows)
    result = {
        'mode': mode,
        'command': ' '.join(['python', *sys.argv]),
        'workers': args.workers or default_workers(),
        'targets': rows,
        'passed': all(r['ok'] is not False for r in rows),
        'runs': runs,
    }
    name = 'label_fix_oxford.json' if args.oxford else 'label_fix.json'
    out = Path(args.out) if args.out else REPO / 'work_dirs' / 'benchmarks' / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + '\n')
    print(f'wrote {out}')
    return 0 if result['passed'] else 1


if __name__ == '__main__':
    sys.exit(main())
