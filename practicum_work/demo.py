"""``petseg demo``: the main job on generated data, end to end, on CPU in minutes.

Every run writes a new folder ``work_dirs/demo/<timestamp>/`` (data, experiments, logs,
``summary.json``), so re-running never overwrites an earlier run.
"""

from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from practicum_work.config_utils import cpu_quick_options
from practicum_work.data.demo_data import generate_demo_dataset
from practicum_work.errors import OutputExistsError, PetsegError
from practicum_work.tool_runner import cfg_option_args, repo_path, run_tool_logged

HYP1 = 'configs/hyp1_segformer_b0.py'


@dataclass
class DemoSettings:
    """The short CPU schedule of the demo (stated in its output)."""

    iters: int = 600
    val_interval: int = 200
    crop: int = 128
    batch_size: int = 8
    lr: float = 6e-4  # from scratch (no pretrained weights offline): 10x the pretrained recipe
    n_train: int = 200
    n_val: int = 60
    n_test: int = 60
    seed: int = 0
    workers: int = 2
    clearml: str = 'auto'  # auto: PETSEG_CLEARML, else online with a server, else offline


@dataclass
class DemoResult:
    """Where the demo wrote everything, and its headline numbers."""

    run_dir: str
    settings: dict
    data_root: str
    work_dir: str
    best_checkpoint: str
    test_metrics: dict
    wall_time_s: float
    steps: list[str] = field(default_factory=list)
    clearml_sessions: list[str] = field(default_factory=list)  # offline session zips


def train_options(settings: DemoSettings, data_root: Path) -> dict:
    """The ``--cfg-options`` the demo passes to tools/train.py (CPU recipe + short schedule)."""
    options = cpu_quick_options(
        max_iters=settings.iters,
        val_interval=settings.val_interval,
        crop=settings.crop,
        batch_size=settings.batch_size,
        workers=settings.workers,
    )
    warmup = max(1, settings.iters // 12)
    options.update(
        {
            'data_root': str(data_root),
            'optim_wrapper.optimizer.lr': settings.lr,
            'param_scheduler.0.end': warmup,
            'param_scheduler.1.begin': warmup,
            'param_scheduler.1.end': settings.iters,
            'randomness.seed': settings.seed,
        }
    )
    if settings.clearml != 'auto':
        options['clearml.mode'] = settings.clearml
    return options


def best_checkpoint(work_dir: Path) -> Path:
    """The best-by-mDice checkpoint of a training run (else its last one)."""
    best = sorted(work_dir.glob('best_mDice_iter_*.pth'))
    if best:
        return best[-1]
    last = work_dir / 'last_checkpoint'
    if last.is_file():
        return Path(last.read_text().strip())
    raise PetsegError(f'no checkpoint found in {work_dir}')


def new_run_dir(out_root: Path) -> Path:
    """A fresh run folder under ``out_root``; never an existing one."""
    run_dir = out_root / datetime.now().strftime('%Y%m%d_%H%M%S')
    if run_dir.exists():
        raise OutputExistsError(f'{run_dir} already exists; wait a second and run again')
    run_dir.mkdir(parents=True)
    return run_dir


def run_demo(
    out_root: str | Path = 'work_dirs/demo',
    settings: DemoSettings | None = None,
    show_progress: bool = True,
) -> DemoResult:
    """Generate data, train hyp1 briefly, test the best checkpoint; return the summary."""
    settings = settings or DemoSettings()
    start = time.monotonic()
    run_dir = new_run_dir(Path(out_root))
    steps = []
    data_root = run_dir / 'data' / 'pets_demo'
    generate_demo_dataset(
        data_root,
        seed=settings.seed,
        n_train=settings.n_train,
        n_val=settings.n_val,
        n_test=settings.n_test,
        show_progress=show_progress,
    )
    steps.append(f'petseg demo-data --out {data_root} --seed {settings.seed}')

    work_dir = run_dir / 'hyp1_segformer_b0'
    options = train_options(settings, data_root)
    train_args = [str(repo_path('tools/train.py')), HYP1, '--work-dir', str(work_dir)]
    train_args += cfg_option_args(options)
    run_tool_logged(train_args, run_dir / 'logs' / 'train_hyp1.log', 'train hyp1', show_progress)
    steps.append('python ' + ' '.join(train_args))

    checkpoint = best_checkpoint(work_dir)
    test_options = {
        k: v for k, v in options.items() if k.startswith(('data_root', 'test_', 'clearml'))
    }
    test_args = [
        str(repo_path('tools/test.py')),
        HYP1,
        str(checkpoint),
        '--work-dir',
        str(work_dir),
    ]
    test_args += cfg_option_args(test_options)
    run_tool_logged(test_args, run_dir / 'logs' / 'test_hyp1.log', 'test hyp1', show_progress)
    steps.append('python ' + ' '.join(test_args))

    metrics_file = work_dir / f'metrics_test_{checkpoint.stem}.json'
    test_metrics = json.loads(metrics_file.read_text())
    result = DemoResult(
        run_dir=str(run_dir),
        settings=asdict(settings),
        data_root=str(data_root),
        work_dir=str(work_dir),
        best_checkpoint=str(checkpoint),
        test_metrics=test_metrics,
        wall_time_s=round(time.monotonic() - start, 1),
        steps=steps,
        clearml_sessions=[str(p) for p in sorted(work_dir.glob('*/clearml_offline-*.zip'))],
    )
    (run_dir / 'summary.json').write_text(json.dumps(asdict(result), indent=2))
    return result
