"""GPU check: hyp1 and hyp4 with and without --amp on the converted real sample, as JSON.

One command for a GPU machine without internet (the team's: Python 3.12 with its own torch,
no mmengine/mmcv/mmsegmentation/clearml/ftfy; ../shared/STACK.md). Three steps:

1. Here, with internet (registries only), collect the wheels that machine lacks and the data::

       .venv/bin/python benchmarks/gpu_check.py prepare --out gpu_carry \\
           --oxford ../shared/oxford_pet_sample

   ``gpu_carry/wheels/``: py3.12 manylinux x86_64 wheels of mmengine, mmcv-lite,
   mmsegmentation, clearml, ftfy and their dependencies, never torch; ``gpu_carry/oxford/``:
   the sample converted (``petseg convert-oxford-pet``, about 12 MB). Keep ``gpu_carry/``
   out of git (``.git/info/exclude``) and carry it to the machine.
2. There: ``bash benchmarks/gpu_check.sh gpu_carry`` installs the wheels that are missing
   (``--no-deps``, keeping the machine's torch) into a venv that sees the system packages,
   installs petseg ``--no-deps``, then runs step 3.
3. ``python benchmarks/gpu_check.py run --data-root gpu_carry/oxford [--iters 300]``: for
   hyp1 (SegFormer-B0) and hyp4 (DeepLabV3+ R50), fp32 and ``--amp``: ``tools/train.py`` for
   ``--iters`` iterations (batch 8, crop 256, from scratch: no weights can be downloaded
   there), then ``tools/test.py`` on the last checkpoint. Prints and writes
   ``work_dirs/benchmarks/gpu_check.json``: s/iter (median of the logged iterations after
   the first 20%), images/s, peak GPU memory (MMEngine's ``memory`` field, MB), test mDice,
   wall time. Fits in 10 minutes on an H200 at the default sizes.

``run --device cpu --iters 4 --models hyp1`` exercises the same path on a CPU (a smoke test
of this script, not a GPU figure).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT_JSON = REPO / 'work_dirs' / 'benchmarks' / 'gpu_check.json'
CONFIGS = {
    'hyp1': 'configs/hyp1_segformer_b0.py',
    'hyp4': 'configs/hyp4_deeplabv3p_r50.py',
}
# What the GPU machine lacks (STACK.md) and what those need beyond its own packages.
WHEELS = (
    'mmengine==0.10.7', 'mmcv-lite==2.1.0', 'mmsegmentation==1.2.2', 'clearml==2.1.12', 'ftfy',
    'addict', 'yapf', 'termcolor', 'prettytable', 'wcwidth', 'regex', 'platformdirs', 'furl',
    'orderedmultidict', 'pathlib2', 'jsonschema', 'jsonschema-specifications', 'referencing',
    'rpds-py', 'attrs', 'pyjwt', 'psutil', 'pyparsing', 'python-dateutil', 'six', 'requests',
    'urllib3', 'certifi', 'charset-normalizer', 'idna', 'pyyaml', 'hatchling', 'pathspec',
    'pluggy', 'trove-classifiers', 'packaging',
)  # fmt: skip
LOG_ITER = re.compile(r'Iter\(train\) \[\s*(\d+)/\d+\].*?\btime: ([0-9.]+).*?(?:memory: (\d+))?')
MEMORY = re.compile(r'\bmemory: (\d+)')


def prepare(out: Path, oxford: str | None) -> None:
    """Download the py3.12 wheels (never torch) and convert the sample into ``out``."""
    wheels = out / 'wheels'
    wheels.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, '-m', 'pip', 'download', '--no-deps', '--only-binary=:all:',
        '--python-version', '3.12', '--implementation', 'cp', '--abi', 'cp312', '--abi', 'abi3',
        '--abi', 'none', '--platform', 'manylinux2014_x86_64', '--platform',
        'manylinux_2_17_x86_64', '--platform', 'manylinux_2_28_x86_64', '--platform', 'any',
        '-d', str(wheels), *dict.fromkeys(WHEELS),
    ]  # fmt: skip
    subprocess.run(command, check=True)
    if oxford:
        subprocess.run(
            [sys.executable, '-m', 'practicum_work.cli', 'convert-oxford-pet', '--src', oxford,
             '--out', str(out / 'oxford')], check=True,
        )  # fmt: skip
    print(f'carry {out} (wheels: {len(list(wheels.glob("*.whl")))})')


def _options(config: str, data_root: Path, iters: int, batch: int, device: str) -> list[str]:
    """The CPU recipe's overrides (core.config), at crop 256 and 4 workers on a GPU."""
    from practicum_work.core.config import cpu_quick_options
    from practicum_work.core.tool_runner import cfg_option_args

    gpu = device != 'cpu'
    options = cpu_quick_options(
        REPO / config, max_iters=iters, val_interval=iters, crop=256 if gpu else 64,
        batch_size=batch, workers=4 if gpu else 0, eval_scale=None if gpu else 64,
    )  # fmt: skip
    options['default_hooks.logger.interval'] = max(1, iters // 20)
    options['data_root'] = str(data_root)
    return cfg_option_args(options)


def parse_train_log(text: str) -> dict:
    """s/iter (median after the first 20% of logged iterations) and peak memory (MB)."""
    rows = [(int(m.group(1)), float(m.group(2))) for m in LOG_ITER.finditer(text)]
    memory = [int(m) for m in MEMORY.findall(text)]
    steady = rows[len(rows) // 5 :] or rows
    return {
        's_per_iter': round(statistics.median(t for _, t in steady), 4) if steady else None,
        'logged_iterations': len(rows),
        'peak_memory_mb': max(memory) if memory else None,
    }


def run_one(name: str, amp: bool, data_root: Path, iters: int, batch: int, device: str) -> dict:
    """Train and test one model in one precision; its figures."""
    tag = f'{name}_{"amp" if amp else "fp32"}'
    work = REPO / 'work_dirs' / 'gpu_check' / tag
    env = dict(os.environ, PETSEG_CLEARML='off', PYTHONUNBUFFERED='1')
    if device == 'cpu':
        env['CUDA_VISIBLE_DEVICES'] = ''
    started = time.monotonic()
    train = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIGS[name], '--work-dir', str(work),
         *(['--amp'] if amp else []), *_options(CONFIGS[name], data_root, iters, batch, device)],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    train_s = time.monotonic() - started
    record = {'model': name, 'amp': amp, 'iters': iters, 'batch': batch, 'device': device,
              'train_wall_s': round(train_s, 1), 'returncode': train.returncode}  # fmt: skip
    if train.returncode != 0:
        record['error'] = (train.stderr or train.stdout)[-1500:]
        return record
    record.update(parse_train_log(train.stdout + train.stderr))
    if record['s_per_iter']:
        record['images_per_s'] = round(batch / record['s_per_iter'], 1)
    checkpoint = work / f'iter_{iters}.pth'
    test = subprocess.run(
        [sys.executable, 'tools/test.py', CONFIGS[name], str(checkpoint), '--work-dir', str(work),
         *_options(CONFIGS[name], data_root, iters, batch, device)],
        cwd=REPO, env=env, capture_output=True, text=True,
    )  # fmt: skip
    metrics = work / f'metrics_test_iter_{iters}.json'
    if test.returncode == 0 and metrics.is_file():
        record['test_mDice'] = json.loads(metrics.read_text())['summary']['mDice']
    else:
        record['test_error'] = (test.stderr or test.stdout)[-1500:]
    return record


def environment() -> dict:
    """What the figures were measured on."""
    import torch

    info = {'torch': torch.__version__, 'cuda': torch.version.cuda, 'python': sys.version}
    if torch.cuda.is_available():
        info['gpu'] = torch.cuda.get_device_name(0)
    return info


def run(args: argparse.Namespace) -> None:
    """Every model x precision; print a table, write the JSON."""
    data_root = Path(args.data_root)
    if not (data_root / 'img' / 'train').is_dir():
        raise SystemExit(f'{data_root} is not a converted dataset (img/train missing); see step 1')
    precisions = [False] if args.device == 'cpu' else [False, True]
    results = [
        run_one(name, amp, data_root, args.iters, args.batch, args.device)
        for name in args.models
        for amp in precisions
    ]
    document = {'command': ' '.join([Path(sys.executable).name, *sys.argv]),
                'environment': environment(), 'results': results}  # fmt: skip
    for r in results:
        print(
            f'{r["model"]:5} {"amp " if r["amp"] else "fp32"}  s/iter {r.get("s_per_iter")}  '
            f'images/s {r.get("images_per_s")}  peak MB {r.get("peak_memory_mb")}  '
            f'test mDice {r.get("test_mDice")}  ({r["train_wall_s"]} s)'
            + (f'  ERROR {r["error"][-200:]}' if 'error' in r else '')
        )
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2))
    print(json.dumps(document))
    print(f'wrote {out}')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    sub = parser.add_subparsers(dest='step', required=True)
    prep = sub.add_parser('prepare', help='download wheels, convert the sample (with internet)')
    prep.add_argument('--out', default='gpu_carry')
    prep.add_argument('--oxford', help='the Oxford-IIIT Pet archive layout to convert')
    go = sub.add_parser('run', help='train and test hyp1/hyp4, fp32 and --amp')
    go.add_argument('--data-root', required=True)
    go.add_argument('--iters', type=int, default=300)
    go.add_argument('--batch', type=int, default=8)
    go.add_argument('--models', nargs='+', default=list(CONFIGS), choices=list(CONFIGS))
    go.add_argument('--device', default='cuda', choices=['cuda', 'cpu'])
    go.add_argument('--out', default=str(OUT_JSON))
    args = parser.parse_args()
    if args.step == 'prepare':
        prepare(Path(args.out), args.oxford)
    else:
        run(args)


if __name__ == '__main__':
    main()
