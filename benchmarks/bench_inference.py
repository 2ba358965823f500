"""Benchmark inference: best-worst's prediction path against a bare ``model.test_step`` loop.

    .venv/bin/python benchmarks/bench_inference.py [--images 32] [--batch-sizes 1 4]

Both sides use the same model object (hyp1, SegFormer-B0, ``inference.build_model``: MMSeg's
``init_model`` with a checkpoint loaded strictly; the weights are the untrained initial ones,
which costs the same to run), the same images (``--images`` generated clean 256 px test
images) and the same batch size:

* ours: :func:`practicum_work.analysis.inference.iter_predictions` over
  ``inference.load_split_config(...)``'s test dataloader, i.e. what ``petseg best-worst`` (and
  postprocess-eval, label-quality) runs: MMSeg's test pipeline, ``model.test_step``, and per
  image the ground truth and prediction as numpy arrays; the small-component filter off (the
  configs' default);
* bare: ``for batch in Runner.build_dataloader(cfg.test_dataloader): model.test_step(batch)``
  under ``torch.no_grad()``.

Machine noise is fought by interleaving at the batch level: each pass walks both over the
split together, one batch of one, then one batch of the other (who goes first alternates by
pass; both include building their dataloader). A warm-up pass, then ``--repeats`` passes;
images/s from the summed times. ``--threads`` torch threads (default 1: on a shared
2-core machine two intra-op threads per process spin against other processes' threads and make
timings erratic). Target: ours >= 0.9 x bare (within 10%).

Prints a table (FAIL for a missed target); writes work_dirs/benchmarks/inference.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

CONFIG = 'configs/hyp1_segformer_b0.py'
OUT_JSON = REPO / 'work_dirs' / 'benchmarks' / 'inference.json'
TARGET = 0.9


def save_initial_checkpoint(path: Path) -> Path:
    """hyp1's model with its initial weights, saved like a training checkpoint."""
    import torch
    from mmengine.config import Config
    from mmseg.apis import init_model

    cfg = Config.fromfile(str(REPO / CONFIG))
    cfg.model.backbone.init_cfg = None
    model = init_model(cfg, None, device='cpu')
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path


def measure(root: Path, checkpoint: Path, batch_size: int, repeats: int) -> dict:
    """Seconds of ours and bare at one batch size, interleaved batch by batch."""
    import torch
    from mmengine.runner import Runner

    from practicum_work.analysis import inference

    cfg = inference.load_split_config(
        REPO / CONFIG, split='test', data_root=str(root), batch_size=batch_size, num_workers=0
    )
    model = inference.build_model(cfg, checkpoint, 'cpu')

    def interleaved_pass(first: str) -> tuple[int, dict[str, float]]:
        """One pass of each over the split, alternating a batch of one and a batch of the other.

        Both include building their dataloader; ``first`` starts each round.
        """
        spent = {'ours': 0.0, 'bare': 0.0}
        images = 0
        ours = inference.iter_predictions(cfg, model, show_progress=False)
        start = time.perf_counter()
        bare = iter(Runner.build_dataloader(cfg.test_dataloader))
        spent['bare'] += time.perf_counter() - start
        with torch.no_grad():
            while True:
                done = 0
                for name in (first, 'bare' if first == 'ours' else 'ours'):
                    start = time.perf_counter()
                    if name == 'bare':
                        batch = next(bare, None)
                        done = len(model.test_step(batch)) if batch is not None else 0
                    else:
                        done = sum(1 for _ in zip(range(batch_size), ours))
                    spent[name] += time.perf_counter() - start
                if not done:
                    break
                images += done
        return images, spent

    interleaved_pass('bare')  # warm-up
    passes = [interleaved_pass('ours' if r % 2 == 0 else 'bare') for r in range(repeats)]
    images = passes[0][0]
    total = {name: sum(p[1][name] for p in passes) for name in ('ours', 'bare')}
    rate = {name: images * repeats / seconds for name, seconds in total.items()}
    return {
        'batch_size': batch_size,
        'images': images,
        'passes': repeats,
        'pass_s': {name: [round(p[1][name], 3) for p in passes] for name in total},
        'images_per_s': {k: round(v, 2) for k, v in rate.items()},
        'ours_vs_bare': round(rate['ours'] / rate['bare'], 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--images', type=int, default=32)
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 4])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--threads', type=int, default=1)
    args = parser.parse_args()

    import torch
    from rich.console import Console
    from rich.table import Table

    from practicum_work import compat
    from practicum_work.data.demo_data import generate_demo_dataset

    compat.quiet_upstream_warnings()
    torch.set_num_threads(args.threads)
    started, load_start = time.perf_counter(), os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix='bench_inference_') as tmp:
        base = Path(tmp)
        root = base / 'pets'
        generate_demo_dataset(
            root, seed=0, n_train=0, n_val=0, n_test=args.images, noise='none',
            show_progress=False,
        )  # fmt: skip
        checkpoint = save_initial_checkpoint(base / 'hyp1_init.pth')
        rows = []
        for batch_size in args.batch_sizes:
            print(f'batch size {batch_size} ...', flush=True)
            rows.append(measure(root, checkpoint, batch_size, args.repeats))
    targets = [
        dict(
            target=f'ours >= {TARGET} x bare images/s, batch {r["batch_size"]}',
            value=r['ours_vs_bare'],
            ok=r['ours_vs_bare'] >= TARGET,
        )
        for r in rows
    ]
    for target in targets:
        target['result'] = 'PASS' if target['ok'] else 'FAIL'
    results = {
        'command': ' '.join([Path(sys.executable).name, *sys.argv]),
        'machine': f'{platform.machine()}, {os.cpu_count()} cores, torch threads {args.threads}, '
        f'load average {load_start:.2f} at start, {os.getloadavg()[0]:.2f} at end',
        'dataset': f'demo-data --noise none, {args.images} test images, 256 px',
        'model': f'{CONFIG} (SegFormer-B0), initial weights, small-component filter off',
        'rows': rows,
        'targets': targets,
        'bench_wall_s': round(time.perf_counter() - started, 1),
    }
    OUT_JSON.parent.mkdir(parents=True, exist_ok=True)
    OUT_JSON.write_text(json.dumps(results, indent=2) + '\n')

    console = Console(width=150)
    title = f'inference images/s ({results["dataset"]}; {results["machine"]})'
    table = Table(title=title)
    for column in ('batch', 'ours (iter_predictions)', 'bare test_step', 'ours / bare', 'target'):
        table.add_column(column, justify='right')
    for row, target in zip(rows, targets):
        mark = '[green]PASS[/]' if target['ok'] else '[bold red]FAIL[/]'
        table.add_row(
            str(row['batch_size']),
            f'{row["images_per_s"]["ours"]:.2f}',
            f'{row["images_per_s"]["bare"]:.2f}',
            f'{row["ours_vs_bare"]:.3f}',
            f'>= {TARGET} {mark}',
        )
    console.print(table)
    print(f'wrote {OUT_JSON.relative_to(REPO)} ({results["bench_wall_s"]} s)')
    return 0 if all(t['ok'] for t in targets) else 1


if __name__ == '__main__':
    sys.exit(main())
