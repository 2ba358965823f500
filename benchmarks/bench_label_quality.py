"""Benchmark of ``petseg label-quality`` on demo data with default noise.

Measures, in one run:
1. ranking: the injected label-noise train images (swap, empty_mask, tiny_mask in
   ``<root>.noise.json``) ranked by the label-quality score: AUROC (target >= 0.95) and
   precision at the number of injected items (target >= 0.9);
2. effect: hyp1 trained with the same short schedule on raw data, on clean_v1 (petseg
   fix-labels, when available) and on clean_v2 (label-quality --propose); test mDice side by side;
3. cost: wall time of the k folds and of the whole scoring;
4. noise-free data: the same command on a ``--noise none`` demo dataset of the same size:
   how many images it flags there (should be few), and the fold models' held-out IoU.

    .venv/bin/python benchmarks/bench_label_quality.py [--n-train 200] [--folds 5] [--iters 400]
        [--skip-effect] [--skip-clean]

Prints a table and writes work_dirs/benchmarks/label_quality.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]

LABEL_NOISE = {'swap', 'empty_mask', 'tiny_mask'}


def auroc(positive: list[float], negative: list[float]) -> float:
    """P(score of a random positive > score of a random negative), ties count half."""
    pos, neg = np.asarray(positive)[:, None], np.asarray(negative)[None, :]
    return float(np.mean((pos > neg) + 0.5 * (pos == neg)))


def ranking_quality(images: list[dict], noise: dict) -> dict:
    """AUROC and precision@N of ``1 - score`` for the injected label noise in train."""
    injected = {
        item['stem']: item['type']
        for item in noise['items']
        if item['split'] == 'train' and item['type'] in LABEL_NOISE
    }
    technical = {
        item['stem']
        for item in noise['items']
        if item['split'] == 'train' and item['type'] not in LABEL_NOISE
    }
    scored = [i for i in images if i['split'] == 'train' and i['stem'] not in technical]
    badness = {i['stem']: 1.0 - i['score'] for i in scored}
    positive = [badness[s] for s in injected if s in badness]
    negative = [b for s, b in badness.items() if s not in injected]
    n = len(positive)
    top = sorted(badness, key=badness.get, reverse=True)[:n]
    by_type = {}
    for kind in sorted(LABEL_NOISE):
        stems = [s for s, t in injected.items() if t == kind and s in badness]
        if stems:
            by_type[kind] = {
                'injected': len(stems),
                'auroc': round(auroc([badness[s] for s in stems], negative), 4),
            }
    return {
        'injected_label_noise': n,
        'clean_images': len(negative),
        'auroc': round(auroc(positive, negative), 4) if positive and negative else None,
        'precision_at_n': round(sum(s in injected for s in top) / n, 4) if n else None,
        'by_type': by_type,
    }


def run(command: list[str]) -> float:
    """Run a command from the repository root; return its wall time."""
    start = time.monotonic()
    subprocess.run(command, cwd=REPO, check=True)
    return time.monotonic() - start


def train_and_test(data_root: Path, work_dir: Path, iters: int) -> float | None:
    """hyp1 with the demo's short schedule on ``data_root``; return test mDice."""
    from practicum_work.core.tool_runner import cfg_option_args
    from practicum_work.demo import DemoSettings, best_checkpoint, train_options

    settings = DemoSettings(iters=iters, val_interval=max(1, iters // 2))
    options = train_options(settings, data_root)
    args = cfg_option_args(options)[1:]  # without the leading --cfg-options
    python = sys.executable
    run(
        [
            python,
            'tools/train.py',
            'configs/hyp1_segformer_b0.py',
            '--work-dir',
            str(work_dir),
            '--cfg-options',
            *args,
        ]
    )
    checkpoint = best_checkpoint(work_dir)
    test_args = [a for a in args if a.startswith(('data_root', 'test_'))]
    run(
        [
            python,
            'tools/test.py',
            'configs/hyp1_segformer_b0.py',
            str(checkpoint),
            '--work-dir',
            str(work_dir),
            '--cfg-options',
            *test_args,
        ]
    )
    metrics = json.loads((work_dir / f'metrics_test_{checkpoint.stem}.json').read_text())
    return metrics['summary']['mDice']


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--n-train', type=int, default=200)
    parser.add_argument('--folds', type=int, default=5)
    parser.add_argument('--iters', type=int, default=400, help='iterations per fold model')
    parser.add_argument(
        '--effect-iters', type=int, default=600, help='iterations of the effect runs'
    )
    parser.add_argument('--skip-effect', action='store_true')
    parser.add_argument('--skip-clean', action='store_true', help='skip the noise-free run')
    parser.add_argument('--out', default='work_dirs/benchmarks/label_quality')
    args = parser.parse_args()

    from practicum_work.data.demo_data import generate_demo_dataset
    from practicum_work.label_quality.run import LabelQualitySettings, run_label_quality

    out = REPO / args.out
    data_root = out / 'data' / 'pets_noisy'
    if not data_root.is_dir():
        generate_demo_dataset(data_root, n_train=args.n_train, noise='default')
    noise = json.loads(Path(f'{data_root}.noise.json').read_text())

    start = time.monotonic()
    # clean_v2 is written whatever the fold models' quality, so that its effect is measured
    settings = LabelQualitySettings(folds=args.folds, iters=args.iters, allow_weak_models=True)
    report = run_label_quality(
        data_root, REPO / 'configs/hyp1_segformer_b0.py', out / 'label_quality', settings,
        propose_out=out / 'data' / 'pets_noisy_clean_v2', overwrite=True,
    )  # fmt: skip
    scoring_time = time.monotonic() - start
    images = json.loads((Path(report.report_dir) / 'scores.json').read_text())
    ranking = ranking_quality(images, noise)

    effect: dict[str, float | None] = {}
    if not args.skip_effect:
        effect['raw'] = train_and_test(data_root, out / 'effect_raw', args.effect_iters)
        clean_v1 = out / 'data' / 'pets_noisy_clean_v1'
        fix_cmd = [sys.executable, '-m', 'practicum_work.cli', 'fix-labels']
        fix_cmd += ['--data-root', str(data_root), '--out', str(clean_v1), '--overwrite']
        fix = subprocess.run(fix_cmd, cwd=REPO)
        effect['clean_v1'] = (
            train_and_test(clean_v1, out / 'effect_clean_v1', args.effect_iters)
            if fix.returncode == 0
            else None
        )
        effect['clean_v2'] = train_and_test(
            Path(report.proposal_dir), out / 'effect_clean_v2', args.effect_iters
        )

    noise_free: dict = {}
    if not args.skip_clean:
        clean_root = out / 'data' / 'pets_clean'
        if not clean_root.is_dir():
            generate_demo_dataset(clean_root, n_train=args.n_train, noise='none')
        clean_report = run_label_quality(  # as a user runs it: the fold-model check on
            clean_root, REPO / 'configs/hyp1_segformer_b0.py', out / 'label_quality_clean',
            LabelQualitySettings(folds=args.folds, iters=args.iters), overwrite=True,
        )  # fmt: skip
        noise_free = {
            'scored': len(clean_report.images),
            'flagged': len(clean_report.flagged),
            'meets_flag_rule': sum(i.meets_flag_rule for i in clean_report.images),
            'fold_times': clean_report.fold_times,
            'heldout_iou': clean_report.heldout_iou,
            'weak_classes': clean_report.weak_classes,
        }

    result = {
        'machine': {'cpu_cores': os.cpu_count()},
        'dataset': {'n_train': args.n_train, 'noise': 'default'},
        'settings': settings.__dict__,
        'ranking': ranking,
        'targets': {
            'auroc>=0.95': ranking['auroc'] is not None and ranking['auroc'] >= 0.95,
            'precision_at_n>=0.9': ranking['precision_at_n'] is not None
            and ranking['precision_at_n'] >= 0.9,
        },
        'effect_test_mDice': effect,
        'fold_models': {'heldout_iou': report.heldout_iou, 'weak_classes': report.weak_classes},
        'noise_free': noise_free,
        'cost': {
            'scoring_wall_s': round(scoring_time, 1),
            'folds_trained': report.folds_trained,
            'flagged': len(report.flagged),
            'scored': len(report.images),
            'fold_times': report.fold_times,
        },
    }
    (REPO / 'work_dirs/benchmarks').mkdir(parents=True, exist_ok=True)
    (REPO / 'work_dirs/benchmarks/label_quality.json').write_text(json.dumps(result, indent=2))
    targets = result['targets']
    verdict = {key: 'PASS' if ok else 'FAIL' for key, ok in targets.items()}
    n = ranking['injected_label_noise']
    print(
        f'\nlabel-quality benchmark: n_train={args.n_train}, '
        f'{args.folds} folds x {args.iters} iters'
    )
    print(f'  AUROC           {ranking["auroc"]}  {verdict["auroc>=0.95"]} (target >= 0.95)')
    precision = ranking['precision_at_n']
    print(f'  precision@{n:<4}  {precision}  {verdict["precision_at_n>=0.9"]} (target >= 0.9)')
    for kind, values in ranking['by_type'].items():
        print(f'    {kind:<12} n={values["injected"]:<3} AUROC {values["auroc"]}')
    print(f'  scoring time    {scoring_time:.0f} s ({report.folds_trained} folds trained)')
    trained = [t['train_s'] for t in report.fold_times if t['train_s'] is not None]
    if trained:
        print(f'    per fold      train {np.mean(trained):.0f} s ({args.iters} iters, any n_train)')
    n_scored = sum(t['images'] for t in report.fold_times)
    score_s = sum(t['score_s'] for t in report.fold_times)
    print(f'    scoring       {1000 * score_s / max(n_scored, 1):.0f} ms/image ({n_scored} images)')
    iou = ', '.join(f'{k} {v}' for k, v in report.heldout_iou.items())
    print(f'  fold models     held-out IoU vs given labels: {iou}; weak: {report.weak_classes}')
    print(
        f'  flagged         {len(report.flagged)} of {len(report.images)} '
        '(noisy data, --allow-weak-models so that clean_v2 is written)'
    )
    if noise_free:
        print(
            f'  noise-free data flagged {noise_free["flagged"]} of {noise_free["scored"]} '
            f'({noise_free["meets_flag_rule"]} meet the flag rule); '
            f'held-out IoU {noise_free["heldout_iou"]}'
        )
    for name, value in effect.items():
        print(f'  test mDice {name:<9} {value}')
    print('  written: work_dirs/benchmarks/label_quality.json')
    return 0


if __name__ == '__main__':
    sys.exit(main())
