"""Benchmark ``petseg fix-labels`` against injected ground truth: real photos, a breed hold-out
the classifier never learned from, and generated data, in one command.

    .venv/bin/python benchmarks/bench_label_fix.py [--seeds 0] [--workers N]
    .venv/bin/python benchmarks/bench_label_fix.py --oxford ../shared/oxford_pet_sample \\
        --seeds 0,1,2,3,4 --holdout Bengal,Abyssinian --holdout-seeds 0,1 --demo-seeds 0,1,2

Sections (each run: one dry run, scored against ``<root>.noise.json``; offline, ``self``):

- ``sample`` (``--oxford PATH --seeds``): the Oxford-IIIT Pet folder converted once with
  ``petseg convert-oxford-pet``, then per seed ``petseg inject-noise`` (default preset) into
  train and val (test stays clean). The dry run and the cleaned copy written from its plan
  (``fix-labels --apply``) are timed, next to a plain ``cv2.imread`` of the same files.
- ``holdout`` (``--holdout BREED,... --holdout-seeds``): per held-out breed, a rearranged copy
  of the converted folder: every photo of that breed, and a fifth of the other species' photos,
  in the test split; everything else in train/val. The default noise is injected into all three
  splits and fix-labels runs with ``--fix-test``: the test split's animals are judged (and
  swapped) by a classifier that never saw a photo of their breed.
- ``demo`` (``--demo-seeds``, or ``--seeds`` without ``--oxford``): ``petseg demo-data`` with
  the default noise (200/60/60 generated scenes, 256 px).

Per run: automatic swap precision (a clean mask swapped counts against it) and recall; every
injected swap either fixed or on the review list (``recall_fixed_or_review``); the masks sent
to review for their species and how many of them are real swaps (``species_review_precision``,
and in the first half of the list as the review page orders it);
whether plan.json's ``review_order`` lists the reviews strongest evidence first; empty/tiny
recall; the other noise types. Targets, at every run of every section: swap precision >= 0.95,
recall fixed-or-review >= 0.95, species review precision >= 0.5 (when anything is reviewed),
review ordered by evidence, empty/tiny recall 1.0. Prints one table per section (FAIL marks a
missed target) and writes work_dirs/benchmarks/label_fix.json (``label_fix_oxford.json`` with
``--oxford``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import time
from pathlib import Path

import cv2
import numpy as np

REPO = Path(__file__).resolve().parents[1]

WORK = REPO / 'work_dirs' / 'benchmarks' / 'label_fix_data'
# Noise type -> plan issue that must flag it.
ISSUE_OF = {
    'stray_values': 'stray_values',
    'size_mismatch': 'size_mismatch',
    'truncated_image': 'truncated_image',
    'image_without_mask': 'image_without_mask',
    'mask_without_image': 'mask_without_image',
    'rgb_mask': 'rgb_mask',
    'palette_mask': 'palette_mask',
    'grayscale_image': 'grayscale_image',
}
AT_EVERY_RUN = {
    'swap_precision': ('>=', 0.95),
    'recall_fixed_or_review': ('>=', 0.95),
    'species_review_precision': ('>=', 0.5),
    'empty_tiny_recall': ('>=', 1.0),
}
HOLDOUT_TEST_SHARE = 0.2  # of the other species' photos, into the hold-out's test split


def demo_dataset(seed: int, workers: int | None) -> tuple[Path, str]:
    """The noisy demo dataset of ``seed``: (root, description)."""
    from practicum_work.data.demo_data import generate_demo_dataset

    root = WORK / 'pets_noisy'
    generate_demo_dataset(
        root, noise='default', seed=seed, workers=workers, overwrite=True, show_progress=False
    )
    return root, f'petseg demo-data --noise default --seed {seed} (200/60/60, 256 px)'


def converted(src: Path, workers: int | None) -> Path:
    """The Oxford-IIIT Pet folder ``src`` converted (once; reused while ``src`` is the same)."""
    from practicum_work.data.oxford_pet import convert_oxford_pet

    clean = WORK / 'oxford'
    stamp = clean / 'conversion.json'
    if not stamp.is_file() or json.loads(stamp.read_text())['src'] != str(src):
        convert_oxford_pet(src, clean, workers=workers, overwrite=True, show_progress=False)
    return clean


def oxford_dataset(src: Path, seed: int, workers: int | None) -> tuple[Path, str]:
    """The converted real photos with the default noise of ``seed``: (root, description)."""
    from practicum_work.data.inject_noise import inject_noise

    root = WORK / 'oxford_noisy'
    inject_noise(
        converted(src, workers), root, seed=seed, workers=workers, overwrite=True,
        show_progress=False,
    )  # fmt: skip
    return root, f'convert-oxford-pet {src} + inject-noise --preset default --seed {seed}'


def _breed(stem: str) -> str:
    return stem.rsplit('_', 1)[0]


def _species(mask_path: Path) -> int:
    mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
    counts = np.bincount(mask.ravel(), minlength=3)
    return 1 if counts[1] >= counts[2] else 2


def holdout_clean(src: Path, breed: str, workers: int | None) -> Path:
    """The converted photos rearranged so that ``breed`` is only in the test split."""
    clean = converted(src, workers)
    root = WORK / f'holdout_{breed}_clean'
    stamp = root / 'holdout.json'
    if stamp.is_file() and json.loads(stamp.read_text()).get('src') == str(src):
        return root
    shutil.rmtree(root, ignore_errors=True)
    samples = sorted(
        (image.stem, split, image)
        for split in ('train', 'val', 'test')
        for image in sorted((clean / 'img' / split).iterdir())
    )
    held = [s for s in samples if _breed(s[0]) == breed]
    if not held:
        raise SystemExit(f'no photo of breed {breed!r} in {src}')
    held_species = _species(clean / 'labels' / held[0][1] / f'{held[0][0]}.png')
    others = [s for s in samples if _breed(s[0]) != breed]
    other_species = [
        s for s in others if _species(clean / 'labels' / s[1] / f'{s[0]}.png') != held_species
    ]
    step = round(1 / HOLDOUT_TEST_SHARE)
    to_test = {s[0] for s in held} | {s[0] for s in other_species[::step]}
    for position, (stem, split, image) in enumerate(samples):
        if stem in to_test:
            target = 'test'
        else:  # the original test photos join train/val (one in six to val)
            target = split if split != 'test' else ('val' if position % 6 == 0 else 'train')
        for kind, src_file in (
            ('img', image),
            ('labels', clean / 'labels' / split / f'{stem}.png'),
        ):
            (root / kind / target).mkdir(parents=True, exist_ok=True)
            shutil.copy2(src_file, root / kind / target / src_file.name)
    stamp.write_text(json.dumps({'src': str(src), 'held_out_breed': breed}) + '\n')
    return root


def holdout_dataset(src: Path, breed: str, seed: int, workers: int | None) -> tuple[Path, str]:
    """The hold-out of ``breed`` with the default noise of ``seed`` in all three splits."""
    from practicum_work.data.inject_noise import inject_noise

    root = WORK / 'holdout_noisy'
    inject_noise(
        holdout_clean(src, breed, workers), root, seed=seed, splits=('train', 'val', 'test'),
        workers=workers, overwrite=True, show_progress=False,
    )  # fmt: skip
    return root, f'{breed} held out (test only, --fix-test), inject-noise --seed {seed}'


def plain_decode_s(root: Path) -> float:
    """Seconds to ``cv2.imread`` every image and mask of ``root`` in one process."""
    files = [p for p in sorted(root.rglob('*')) if p.suffix.lower() in ('.jpg', '.jpeg', '.png')]
    start = time.perf_counter()
    for path in files:
        cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    return round(time.perf_counter() - start, 2)


def _species_review(item) -> bool:
    return item.decision == 'review' and bool({'species_review', 'species_swap'} & set(item.issues))


def _ordered(plan_json: Path) -> bool:
    """Whether plan.json's ``review_order`` lists the species reviews by falling P(other)
    (rule findings, certain, may come first)."""
    document = json.loads(plan_json.read_text())
    by_id = {f'{i["split"]}/{i["stem"]}': i for i in document['items']}
    order = document.get('review_order')
    if order is None or sorted(order) != sorted(
        k for k, i in by_id.items() if i['decision'] == 'review'
    ):
        return False
    strengths = []
    for item_id in order:
        regions = by_id[item_id]['evidence'].get('species') or []
        species = {'species_review', 'species_swap'} & set(by_id[item_id]['issues'])
        strengths.append(max(r['p_other_species'] for r in regions) if species else 1.0)
    return all(a >= b for a, b in itertools.pairwise(strengths))


def _top_half(plan_json: Path, swaps: set) -> float:
    """The share of real swaps in the first half of the species reviews, in review order."""
    document = json.loads(plan_json.read_text())
    by_id = {f'{i["split"]}/{i["stem"]}': i for i in document['items']}
    species = [
        tuple(item_id.split('/', 1))
        for item_id in document['review_order']
        if {'species_review', 'species_swap'} & set(by_id[item_id]['issues'])
    ]
    first = species[: (len(species) + 1) // 2]
    return round(sum(key in swaps for key in first) / len(first), 4) if first else 1.0


def score(plan, noise: dict, plan_json: Path) -> dict:
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
    reviewed = {key for key, i in items.items() if _species_review(i)}
    hits = applied & swaps
    empty_tiny = truth.get('empty_mask', set()) | truth.get('tiny_mask', set())
    caught = {
        key
        for key in empty_tiny
        if key in items
        and items[key].decision in ('drop', 'review')
        and {'empty_mask', 'tiny_mask'} & set(items[key].issues)
    }
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
        'swap_precision': round(len(hits) / len(applied), 4) if applied else 1.0,
        'swap_recall': round(len(hits) / len(swaps), 4) if swaps else 1.0,
        'swaps_sent_to_review': len(reviewed & swaps),
        'recall_fixed_or_review': round(len((applied | reviewed) & swaps) / len(swaps), 4)
        if swaps
        else 1.0,
        'species_review': len(reviewed),
        'species_review_precision': round(len(reviewed & swaps) / len(reviewed), 4)
        if reviewed
        else 1.0,
        'species_review_top_half_precision': _top_half(plan_json, swaps),
        'clean_masks_sent_to_species_review': len(reviewed - swaps),
        'review_ordered_by_evidence': _ordered(plan_json),
        'false_swaps': sorted(f'{s}/{t}' for s, t in applied - swaps),
        'missed_swaps': sorted(f'{s}/{t}' for s, t in swaps - applied - reviewed),
        'empty_tiny_injected': len(empty_tiny),
        'empty_tiny_recall': round(len(caught) / len(empty_tiny), 4) if empty_tiny else 1.0,
        'review': n_review,
        'review_share': round(n_review / max(1, len(items)), 4),
        'other_noise': others,
    }


def run_seed(
    root: Path, description: str, seed: int, workers: int | None, copy: bool, fix_test: bool
) -> dict:
    """Time the dry run (and the cleaned copy), score the plan."""
    from practicum_work.data.label_fix.run import (
        FixLabelsSettings,
        apply_saved_plan,
        run_fix_labels,
    )
    from practicum_work.data.noise_injection import noise_file_for

    noise = json.loads(noise_file_for(root).read_text())
    quiet = dict(show_progress=False, workers=workers, overwrite=True, fix_test=fix_test)
    start = time.perf_counter()
    dry = run_fix_labels(
        FixLabelsSettings(data_root=root, dry_run=True, plan_dir=WORK / 'plan', **quiet), print
    )
    result = score(dry.plan, noise, dry.plan_dir / 'plan.json')
    result.update(
        seed=seed, dataset=description, dry_run_wall_s=round(time.perf_counter() - start, 2)
    )
    result['classifier'] = {
        k: dry.plan.classifier.get(k) for k in ('used', 'reliable', 'agreement_with_labels')
    }
    result['groups'] = {
        name: {k: g.get(k) for k in ('reliable', 'estimated_noise', 'review_level')}
        for name, g in dry.plan.classifier.get('groups', {}).items()
    }
    if copy:  # the cleaned copy of the plan just made: fix-labels --apply PLAN --out OUT
        start = time.perf_counter()
        out = WORK / f'{root.name}_clean_v1'
        apply_saved_plan(
            FixLabelsSettings(apply=dry.plan_dir, out=out, overwrite=True, workers=workers,
                              show_progress=False),
            lambda _: None,
        )  # fmt: skip
        result['apply_copy_wall_s'] = round(time.perf_counter() - start, 2)
        result['plain_decode_wall_s'] = plain_decode_s(root)
    return result


def targets(section: str, runs: list[dict]) -> list[dict]:
    """``[{target, value, ok}]``: the worst run of each per-run target, the review order."""
    rows = []
    for key, (_, goal) in AT_EVERY_RUN.items():
        worst = min(r[key] for r in runs)
        rows.append(
            dict(target=f'{section}: {key} >= {goal} at every run', value=worst, ok=worst >= goal)
        )
    ordered = all(r['review_ordered_by_evidence'] for r in runs)
    rows.append(
        dict(target=f'{section}: review strongest evidence first', value=ordered, ok=ordered)
    )
    walls = [r['dry_run_wall_s'] for r in runs]
    rows.append(
        dict(target=f'{section}: dry run wall s (mean)', value=round(np.mean(walls), 1), ok=None)
    )
    return rows


def print_table(title: str, runs: list[dict], rows: list[dict]) -> None:
    """Per-run figures, then the targets."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column('metric')
    for run in runs:
        table.add_column(run['label'], justify='right')

    def line(name: str, fmt) -> None:
        table.add_row(name, *(fmt(r) for r in runs))

    line('swap precision (automatic)', lambda r: f'{r["swap_precision"]:.3f}')
    line(
        'swaps injected / applied / correct',
        lambda r: f'{r["swaps_injected"]} / {r["swaps_applied"]} / {r["swaps_correct"]}',
    )
    line('recall: fixed or on review', lambda r: f'{r["recall_fixed_or_review"]:.3f}')
    line(
        'species review: masks (real swaps)',
        lambda r: f'{r["species_review"]} ({r["swaps_sent_to_review"]})',
    )
    line('species review precision', lambda r: f'{r["species_review_precision"]:.3f}')
    line(
        '  in its first half (review order)',
        lambda r: f'{r["species_review_top_half_precision"]:.3f}',
    )
    line('review ordered by evidence', lambda r: 'yes' if r['review_ordered_by_evidence'] else 'NO')
    line('review, all kinds (share)', lambda r: f'{r["review"]} ({r["review_share"]:.1%})')
    line('empty/tiny recall', lambda r: f'{r["empty_tiny_recall"]:.3f}')

    def flagged(run: dict) -> str:
        counts = run['other_noise'].values()
        return f'{sum(c["flagged"] for c in counts)}/{sum(c["injected"] for c in counts)}'

    line('file/format faults flagged', flagged)
    line(
        'review level (pool; other groups)',
        lambda r: '; '.join(
            f'{g["review_level"]:.2f}{"" if g["reliable"] else " unreliable"}'
            for g in r['groups'].values()
        ),
    )
    line('dry run wall (s)', lambda r: f'{r["dry_run_wall_s"]:.1f}')
    if all('apply_copy_wall_s' in r for r in runs):
        line(
            'copy by --apply / plain decode (s)',
            lambda r: f'{r["apply_copy_wall_s"]:.1f} / {r["plain_decode_wall_s"]:.1f}',
        )
    console = Console(width=180)
    console.print(table)
    for row in rows:
        mark = {True: 'PASS', False: 'FAIL', None: 'info'}[row['ok']]
        console.print(f'{mark:4s}  {row["target"]}: {row["value"]}')


def _seeds(text: str | None) -> list[int]:
    return [int(s) for s in text.split(',')] if text else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--seeds', default='0', help='noise seeds (default 0): sample, or demo')
    parser.add_argument('--oxford', help='an Oxford-IIIT Pet folder: benchmark on real photos')
    parser.add_argument('--holdout', help='breeds to hold out, one at a time (with --oxford)')
    parser.add_argument('--holdout-seeds', default='0', help='noise seeds of each hold-out')
    parser.add_argument('--demo-seeds', help='also demo data at these seeds (with --oxford)')
    parser.add_argument('--workers', type=int, default=None)
    parser.add_argument('--out', help='JSON (default work_dirs/benchmarks/label_fix[_oxford].json)')
    args = parser.parse_args()
    if args.holdout and not args.oxford:
        parser.error('--holdout needs --oxford (the photos to rearrange)')

    from practicum_work.core.progress import default_workers

    plan: list[tuple[str, str, object]] = []  # (section, label, make dataset)
    if args.oxford:
        src = Path(args.oxford)
        for seed in _seeds(args.seeds):
            plan.append(('sample', f'seed {seed}', (oxford_dataset, (src, seed), seed, False)))
        for breed in (args.holdout or '').split(',') if args.holdout else []:
            for seed in _seeds(args.holdout_seeds):
                make = (holdout_dataset, (src, breed, seed), seed, True)
                plan.append(('holdout', f'{breed} s{seed}', make))
        demo_seeds = _seeds(args.demo_seeds)
    else:
        demo_seeds = _seeds(args.seeds)
    for seed in demo_seeds:
        plan.append(('demo', f'seed {seed}', (demo_dataset, (seed,), seed, False)))

    sections: dict[str, list[dict]] = {}
    first = plan[0][0] if plan else None
    for section, label, (make, make_args, seed, fix_test) in plan:
        root, description = make(*make_args, args.workers)
        run = run_seed(root, description, seed, args.workers, section == first, fix_test)
        run['label'] = label
        sections.setdefault(section, []).append(run)
    rows = []
    titles = {
        'sample': 'real photos (the sample), default noise in train/val',
        'holdout': 'breed hold-out: the held-out breed only in test (--fix-test), noise in all',
        'demo': 'demo data (generated scenes), default noise',
    }
    for section, runs in sections.items():
        section_rows = targets(section, runs)
        rows += section_rows
        print_table(f'fix-labels, {titles[section]}', runs, section_rows)
    result = {
        'mode': 'oxford' if args.oxford else 'demo',
        'command': ' '.join(['python', *sys.argv]),
        'workers': args.workers or default_workers(),
        'targets': rows,
        'passed': all(r['ok'] is not False for r in rows),
        'sections': sections,
        'runs': [run for runs in sections.values() for run in runs],
    }
    name = 'label_fix_oxford.json' if args.oxford else 'label_fix.json'
    out = Path(args.out) if args.out else REPO / 'work_dirs' / 'benchmarks' / name
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + '\n')
    print(f'wrote {out}')
    return 0 if result['passed'] else 1


if __name__ == '__main__':
    sys.exit(main())
