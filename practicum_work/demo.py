"""``petseg demo``: the main job on generated data, end to end, on CPU in minutes.

demo-data (with injected noise) -> eda -> fix-labels (dry run, then clean_v1) -> class-weights
-> train hyp1 on the raw data and on clean_v1 -> test both on the same test split ->
best-worst for both -> compare. Every run writes a new folder ``work_dirs/demo/<timestamp>/``,
so re-running never overwrites an earlier run; ``summary.json`` lists every artifact and the
command that made it.
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from practicum_work import test, train
from practicum_work.core.checkpoints import pick_checkpoint
from practicum_work.core.config import short_run_options
from practicum_work.core.errors import OutputExistsError, PetsegError
from practicum_work.core.options import settings_json
from practicum_work.core.paths import DEFAULT_DEMO_DIR, repo_path
from practicum_work.core.tool_runner import run_module_logged
from practicum_work.demo_settings import DemoSettings

HYP1 = 'configs/hyp1_segformer_b0.py'


@dataclass
class DemoResult:
    """Where the demo wrote everything, and its headline numbers."""

    run_dir: str
    settings: dict
    artifacts: dict[str, str] = field(default_factory=dict)
    headline: dict = field(default_factory=dict)
    steps: list[str] = field(default_factory=list)
    clearml_sessions: list[str] = field(default_factory=list)  # offline session zips
    wall_time_s: float = 0.0


def train_options(settings: DemoSettings, data_root: Path) -> dict:
    """The ``--cfg-options`` the demo trains with (CPU recipe + short schedule)."""
    options = short_run_options(
        repo_path(HYP1),
        iters=settings.iters,
        val_interval=settings.val_interval,
        crop=settings.crop,
        batch_size=settings.batch_size,
        lr=settings.lr,
        workers=settings.workers,
        seed=settings.seed,
    )
    options['data_root'] = str(data_root)
    if settings.clearml != 'auto':
        options['clearml.mode'] = settings.clearml
    return options


def best_checkpoint(work_dir: Path) -> Path:
    """The checkpoint of a training run the demo tests (see ``core.checkpoints``)."""
    checkpoint = pick_checkpoint(work_dir)
    if checkpoint is None:
        raise PetsegError(f'no checkpoint found in {work_dir}')
    return checkpoint


def new_run_dir(out_root: Path) -> Path:
    """A fresh run folder under ``out_root``; never an existing one."""
    run_dir = out_root / datetime.now().strftime('%Y%m%d_%H%M%S')
    if run_dir.exists():
        raise OutputExistsError(f'{run_dir} already exists; wait a second and run again')
    run_dir.mkdir(parents=True)
    return run_dir


class _Demo:
    """One demo run: its folder, settings and the record of what it did."""

    def __init__(self, run_dir: Path, settings: DemoSettings, show_progress: bool, say: Callable):
        self.run_dir = run_dir
        self.settings = settings
        self.show_progress = show_progress
        self.say = say
        self.result = DemoResult(run_dir=str(run_dir), settings=settings_json(settings))

    def step(self, title: str, command: str) -> None:
        self.say(f'\n[{len(self.result.steps) + 1}] {title}\n    $ {command}')
        self.result.steps.append(command)

    def artifact(self, name: str, path: Path) -> None:
        self.result.artifacts[name] = str(path)

    def make_data(self) -> Path:
        """The noisy raw dataset: generated, or the real photos converted with known noise."""
        if self.settings.oxford:
            return self.make_real_data(Path(self.settings.oxford))
        from practicum_work.data.demo_data import generate_demo_dataset

        s = self.settings
        data_root = self.run_dir / 'data' / 'pets_demo'
        self.step('demo data with injected noise', f'petseg demo-data --out {data_root}')
        summary = generate_demo_dataset(
            data_root,
            seed=s.seed,
            n_train=s.n_train,
            n_val=s.n_val,
            n_test=s.n_test,
            noise='default',
            show_progress=self.show_progress,
        )
        self.artifact('data (raw, noisy)', data_root)
        self.artifact('injected noise (ground truth)', Path(summary.noise_file))
        return data_root

    def make_real_data(self, src: Path) -> Path:
        from practicum_work.data.inject_noise import inject_noise
        from practicum_work.data.oxford_pet import convert_oxford_pet

        converted = self.run_dir / 'data' / 'oxford_pets'
        self.step(
            'real photos in the petseg layout',
            f'petseg convert-oxford-pet --src {src} --out {converted}',
        )
        convert_oxford_pet(src, converted, show_progress=self.show_progress)
        self.artifact('data (converted real photos)', converted)
        noisy = self.run_dir / 'data' / 'oxford_pets_noisy'
        self.step(
            'known noise injected into train and val',
            f'petseg inject-noise --data-root {converted} --out {noisy} '
            f'--seed {self.settings.seed}',
        )
        summary = inject_noise(
            converted, noisy, seed=self.settings.seed, show_progress=self.show_progress
        )
        self.artifact('data (raw, noisy)', noisy)
        self.artifact('injected noise (ground truth)', Path(summary.noise_file))
        return noisy

    def eda(self, data_root: Path) -> dict:
        from practicum_work.data.eda.run import run_eda

        out = self.run_dir / 'eda'
        self.step('technical scan', f'petseg eda --data-root {data_root} --out {out}')
        report = run_eda(data_root, out, show_progress=self.show_progress).report
        self.artifact('eda report (report.json, overlays/, plots)', out)
        return report

    def fix_labels(self, data_root: Path) -> tuple[Path, dict]:
        from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels

        plan_dir = self.run_dir / 'label_fix'
        clean = data_root.parent / f'{data_root.name}_clean_v1'
        # Generated scenes are no ImageNet photos: the demo judges them with the self classifier.
        classifier = 'auto' if self.settings.oxford else 'self'
        self.step(
            'label fixing, dry run (plan + contact sheets)',
            f'petseg fix-labels --data-root {data_root} --dry-run --plan-dir {plan_dir} '
            f'--classifier {classifier}',
        )
        quiet = lambda message: None  # noqa: E731
        common = dict(data_root=data_root, classifier=classifier, show_progress=self.show_progress)
        dry = run_fix_labels(FixLabelsSettings(dry_run=True, plan_dir=plan_dir, **common), quiet)
        self.artifact('label-fix plan (plan.json, contact sheets)', plan_dir)
        self.step(
            'label fixing, cleaned copy: the plan applied exactly (no second judging)',
            f'petseg fix-labels --apply {plan_dir} --out {clean}',
        )
        run_fix_labels(
            FixLabelsSettings(apply=plan_dir, out=clean, show_progress=self.show_progress), quiet
        )
        self.artifact('data (clean_v1, manifest.json)', clean)
        return clean, {**dry.plan.summary, 'classifier': _classifier_headline(dry.plan.classifier)}

    def class_weights(self, data_root: Path) -> dict:
        from practicum_work.data.class_weights import class_weight_report, count_split_pixels

        out = self.run_dir / 'class_weights.json'
        self.step(
            'class weights of clean_v1',
            f'petseg class-weights --data-root {data_root} --json {out}',
        )
        report = class_weight_report(count_split_pixels(data_root, 'train', show_progress=False))
        out.write_text(json.dumps(report, indent=2))
        self.artifact('class weights', out)
        return report

    def train_and_test(self, name: str, train_root: Path, test_root: Path) -> dict:
        """Train hyp1 on ``train_root`` and test it on ``test_root``, each in its own process.

        A process per run (``python -m practicum_work.train`` / ``.test``): MMEngine's global
        logger and visualizer instances and ClearML's one task per process stay with their run.
        """
        work_dir, logs = self.run_dir / name, self.run_dir / 'logs'
        options = train_options(self.settings, train_root)
        args = train.command_line(repo_path(HYP1), work_dir=work_dir, cfg_options=options)
        shown = f'python -m {train.MODULE} {HYP1} --work-dir {work_dir} --cfg-options ...'
        self.step(f'train {name}', shown)
        run_module_logged(
            train.MODULE, args, logs / f'train_{name}.log', f'train {name}', self.show_progress
        )
        checkpoint = best_checkpoint(work_dir)
        test_options = {k: v for k, v in options.items() if k.startswith(('test_', 'clearml'))}
        test_options['data_root'] = str(test_root)
        args = test.command_line(
            repo_path(HYP1), checkpoint, work_dir=work_dir, cfg_options=test_options
        )
        shown = f'python -m {test.MODULE} {HYP1} {checkpoint} --work-dir {work_dir} ...'
        self.step(f'test {name} on the raw test split', shown)
        run_module_logged(
            test.MODULE, args, logs / f'test_{name}.log', f'test {name}', self.show_progress
        )
        self.artifact(f'{name} (checkpoints, logs, metrics_*.json)', work_dir)
        sessions = sorted(work_dir.glob('*/clearml_offline-*.zip'))
        self.result.clearml_sessions += [str(path) for path in sessions]
        return json.loads((work_dir / f'metrics_test_{checkpoint.stem}.json').read_text())

    def best_worst(self, name: str, test_root: Path) -> None:
        from practicum_work.analysis.best_worst import run_best_worst

        work_dir = self.run_dir / name
        checkpoint, out = best_checkpoint(work_dir), work_dir / 'best_worst'
        self.step(
            f'best/worst predictions of {name}',
            f'petseg best-worst {HYP1} {checkpoint} --data-root {test_root}',
        )
        run_best_worst(
            repo_path(HYP1),
            checkpoint,
            k=self.settings.best_worst_k,
            out=out,
            data_root=str(test_root),
            workers=self.settings.workers,
            show_progress=self.show_progress,
        )
        self.artifact(f'{name} best/worst panels', out)

    def compare(self, names: list[str]) -> str:
        from practicum_work.analysis.compare import compare_experiments

        dirs, out = [self.run_dir / n for n in names], self.run_dir / 'compare'
        self.step('compare', 'petseg compare ' + ' '.join(map(str, dirs)) + f' --out {out}')
        result = compare_experiments(dirs, out, rank_by='test')
        self.artifact('comparison (report.md, compare.csv, val_mDice.png)', out)
        return ' '.join([result.conclusion, *(d['sentence'] for d in result.differences)])


def _classifier_headline(info: dict) -> dict:
    """Which species classifier judged the swaps, and how reliable it measured itself."""
    measures = info.get('reliability', {}).get('measures', {})
    return {
        'used': info.get('used'),
        'reliable': info.get('reliable'),
        'agreement': measures.get('agreement'),
        'uncertain_share': measures.get('uncertain_share'),
    }


def _swap_scores(noise_file: Path, plan_dir: Path) -> dict:
    """Swap precision and recall of the dry-run plan against the injected ground truth."""
    truth = {
        (i['split'], i['stem']) for i in json.loads(noise_file.read_text())['items']
        if i['type'] == 'swap'
    }  # fmt: skip
    plan = json.loads((plan_dir / 'plan.json').read_text())
    applied = {
        (i['split'], i['stem'])
        for i in plan['items']
        if any(c['type'] in ('swap_species', 'swap_component') for c in i['changes'])
    }
    hits = len(truth & applied)
    return {
        'injected': len(truth),
        'applied': len(applied),
        'correct': hits,
        'precision': round(hits / len(applied), 4) if applied else None,
        'recall': round(hits / len(truth), 4) if truth else None,
    }


def _noise_headline(noise_file: Path, eda_report: dict, plan_summary: dict, plan_dir: Path) -> dict:
    """What the tools found, next to what was injected (the demo made the noise itself)."""
    injected = Counter(item['type'] for item in json.loads(noise_file.read_text())['items'])
    return {
        'injected': dict(sorted(injected.items())),
        'eda_findings_by_severity': eda_report.get('summary', {}).get('by_severity', {}),
        'fix_labels_plan': plan_summary,
        'swaps': _swap_scores(noise_file, plan_dir),
    }


def run_demo(
    out_root: str | Path = DEFAULT_DEMO_DIR,
    settings: DemoSettings | None = None,
    show_progress: bool = True,
    say: Callable[[str], None] = print,
) -> DemoResult:
    """Run every step of the demo in a new run folder and return its summary."""
    settings = settings or DemoSettings()
    start = time.monotonic()
    demo = _Demo(new_run_dir(Path(out_root)), settings, show_progress, say)
    raw = demo.make_data()
    eda_report = demo.eda(raw)
    clean, plan_summary = demo.fix_labels(raw)
    weights = demo.class_weights(clean)
    metrics = {
        'hyp1_raw': demo.train_and_test('hyp1_raw', raw, raw),
        'hyp1_clean_v1': demo.train_and_test('hyp1_clean_v1', clean, raw),
    }
    for name in metrics:
        demo.best_worst(name, raw)
    conclusion = demo.compare(list(metrics))
    result = demo.result
    result.headline = {
        'data': 'real photos: ' + settings.oxford if settings.oxford else 'generated scenes',
        'noise': _noise_headline(
            Path(f'{raw}.noise.json'), eda_report, plan_summary, demo.run_dir / 'label_fix'
        ),
        'test_mDice': {name: m['summary']['mDice'] for name, m in metrics.items()},
        'test_dice_per_class': {
            name: {c: v.get('Dice') for c, v in m['per_class'].items()}
            for name, m in metrics.items()
        },
        'class_weights_sqrt': weights['weights'].get('sqrt'),
        'conclusion': conclusion,
    }
    result.wall_time_s = round(time.monotonic() - start, 1)
    (demo.run_dir / 'summary.json').write_text(json.dumps(asdict(result), indent=2))
    return result
