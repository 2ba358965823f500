"""``petseg compare``: one table and one chart across experiment work dirs.

Reads only what training and testing wrote into each work dir:

- ``metrics_val_iter_<N>.json`` (MetricsJsonHook during training): the val curve; the best
  val mDice gives the best iteration and the val columns. Without them, the val entries of
  MMEngine's ``<timestamp>/vis_data/scalars.json`` are used.
- ``metrics_test_<checkpoint>.json`` (tools/test.py): the test columns; the file of the best
  checkpoint (``best_mDice_iter_<N>``) is preferred, else the newest.
- ``<timestamp>/<timestamp>.log``: train time = first to last log line of each training log
  (validation included), summed over the latest run and its resumes. A training log that did
  not resume starts a new run: earlier runs of the same folder (work dirs trained into twice
  before tools/train.py refused it) are left out of the time and of the val curve (records
  name their run), with a note.
- the best (else last) checkpoint: parameter count (BN running statistics left out).

Runs are ranked by val (or test) mDice only where they saw the same images: the metrics
records name their data (root, image count, digest of the names); where those differ, a
warning says so (console, report.md, compare.json).

Anything missing shows as '—' (empty in CSV, null in JSON); nothing missing is an error.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from practicum_work.analysis.compare_intervals import add_intervals
from practicum_work.core.atomic import atomic_output_dir
from practicum_work.core.checkpoints import best_iteration, pick_checkpoint
from practicum_work.core.classes import CLASSES
from practicum_work.core.errors import PetsegError
from practicum_work.core.paths import DEFAULT_COMPARE_DIR

DASH = '—'
_TEST_FILE = re.compile(r'^metrics_test_(.+)\.json$')
_LOG_TIME = re.compile(r'^(\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}) - ')
_RUN_STAMP = re.compile(r'(\d{8}_\d{6})$')
RESUMED = 'resumed epoch:'  # what MMEngine's Runner.resume logs
_BN_BUFFERS = ('running_mean', 'running_var', 'num_batches_tracked')
SPLIT_METRICS = ('mIoU', 'mDice', 'aAcc')


@dataclass
class ExperimentSummary:
    """What one work dir holds (metrics in percent, as MMSeg writes them)."""

    name: str
    work_dir: str
    best_iter: int | None = None
    val: dict | None = None  # {'summary', 'per_class', 'iteration', 'source'}
    test: dict | None = None  # {'summary', 'per_class', 'checkpoint', 'source'}
    val_curve: list[tuple[int, float]] = field(default_factory=list)
    train_time_s: float | None = None
    params: int | None = None
    checkpoint: str | None = None
    test_mDice_ci: dict | None = None  # 95% bootstrap interval over test images (compare_intervals)
    notes: list[str] = field(default_factory=list)
    run_logs: list[str] = field(default_factory=list)  # the latest run's training logs


@dataclass
class CompareResult:
    """The comparison: experiments in input order, the ranking and the written files."""

    out_dir: str
    experiments: list[ExperimentSummary]
    rank_by: str
    ranking: list[str]
    conclusion: str
    files: list[str]
    differences: list[dict] = field(default_factory=list)  # best vs each other, paired bootstrap
    warnings: list[str] = field(default_factory=list)  # e.g. ranked on different val sets


def _read_json(path: Path, notes: list[str]) -> dict | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as err:
        notes.append(f'{path.name} unreadable ({type(err).__name__}); ignored')
        return None
    if not isinstance(data, dict):
        notes.append(f'{path.name} is not a metrics record; ignored')
        return None
    return data


def _records_from_scalars(
    work_dir: Path, notes: list[str], stamps: set[str] | None = None
) -> dict[int, dict]:
    """Val entries (``mDice`` with ``step``) of ``vis_data/scalars.json`` (of the ``stamps``
    log folders when given, else of every one)."""
    records: dict[int, dict] = {}
    for path in sorted(work_dir.glob('*/vis_data/scalars.json')):
        if stamps is not None and path.parent.parent.name not in stamps:
            continue
        for line in path.read_text(errors='replace').splitlines():
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if not isinstance(entry, dict) or 'mDice' not in entry or 'step' not in entry:
                continue
            summary, per_class = {}, {}
            for key, value in entry.items():
                if key in ('step', 'time', 'data_time'):
                    continue
                if '.' in key:
                    metric, class_name = key.split('.', 1)
                    per_class.setdefault(class_name, {})[metric] = value
                else:
                    summary[key] = value
            records[int(entry['step'])] = {
                'summary': summary,
                'per_class': per_class,
                'source': str(path.relative_to(work_dir)),
            }
    return records


def read_val_records(
    work_dir: Path, notes: list[str], stamps: set[str] | None = None
) -> dict[int, dict]:
    """``{iteration: record}`` from ``metrics_val_iter_*.json``, else from ``scalars.json``.

    ``stamps``: the log folders of the run to read; a record naming another run (its
    ``experiment`` ends with that run's timestamp) is left out, with a note.
    """
    records: dict[int, dict] = {}
    other = 0
    for path in sorted(work_dir.glob('metrics_val_iter_*.json')):
        data = _read_json(path, notes)
        if data and 'iteration' in data and isinstance(data.get('summary'), dict):
            stamp = _RUN_STAMP.search(str(data.get('experiment', '')))
            if stamps and stamp and stamp.group(1) not in stamps:
                other += 1
                continue
            records[int(data['iteration'])] = {**data, 'source': path.name}
    if other:
        notes.append(f'{other} val record(s) of an earlier run in this folder left out')
    if not records:
        records = _records_from_scalars(work_dir, notes, stamps or None)
    return records


def best_val(records: dict[int, dict]) -> tuple[int, dict] | None:
    """The iteration with the highest val mDice (ties: the earlier one) and its record."""
    scored = [(r['summary'].get('mDice'), it) for it, r in records.items()]
    scored = [(v, it) for v, it in scored if v is not None]
    if not scored:
        return None
    _, iteration = min(scored, key=lambda s: (-s[0], s[1]))
    return iteration, records[iteration]


def read_test_record(work_dir: Path, best_iter: int | None, notes: list[str]) -> dict | None:
    """The test metrics of the best checkpoint, else of the newest ``metrics_test_*.json``."""
    files = [p for p in work_dir.glob('metrics_test_*.json') if _TEST_FILE.match(p.name)]
    if not files:
        return None
    preferred = f'metrics_test_best_mDice_iter_{best_iter}.json'
    files.sort(key=lambda p: (p.name != preferred, 'best' not in p.name, -p.stat().st_mtime))
    for path in files:
        data = _read_json(path, notes)
        if data and isinstance(data.get('summary'), dict):
            if best_iter is not None and path.name != preferred:
                notes.append(
                    f'test metrics are from {path.name}, not from the best checkpoint '
                    f'(iteration {best_iter})'
                )
            return {**data, 'source': path.name}
    return None


@dataclass
class _TrainingLog:
    stamp: str
    seconds: float
    resumed: bool


def _training_logs(work_dir: Path) -> list[_TrainingLog]:
    """The training logs (``<ts>/<ts>.log`` with ``Iter(train)``), oldest first."""
    logs = []
    for log in sorted(work_dir.glob('*/*.log')):
        if log.stem != log.parent.name:
            continue
        first = last = None
        trained = resumed = False
        with log.open(errors='replace') as handle:
            for line in handle:
                match = _LOG_TIME.match(line)
                if match:
                    first = first or match.group(1)
                    last = match.group(1)
                trained = trained or 'Iter(train)' in line
                resumed = resumed or RESUMED in line
        if trained and first and last:
            fmt = '%Y/%m/%d %H:%M:%S'
            seconds = (datetime.strptime(last, fmt) - datetime.strptime(first, fmt)).total_seconds()
            logs.append(_TrainingLog(log.stem, seconds, resumed))
    return logs


def latest_run(work_dir: Path) -> tuple[list[str], int]:
    """The log stamps of the latest training run (its start and its resumes) and how many
    earlier runs the folder holds (a training log that did not resume starts a run)."""
    runs: list[list[_TrainingLog]] = []
    for log in _training_logs(work_dir):
        if log.resumed and runs:
            runs[-1].append(log)
        else:
            runs.append([log])
    if not runs:
        return [], 0
    return [log.stamp for log in runs[-1]], len(runs) - 1


def train_time_seconds(work_dir: Path, stamps: list[str] | None = None) -> float | None:
    """Sum of last - first log line over the training logs of ``stamps`` (default: the latest
    run, see :func:`latest_run`)."""
    if stamps is None:
        stamps, _ = latest_run(work_dir)
    logs = [log for log in _training_logs(work_dir) if log.stamp in stamps]
    return sum(log.seconds for log in logs) if logs else None


def count_parameters(checkpoint: Path) -> int:
    """Number of weights in the checkpoint's ``state_dict`` (BN running statistics excluded)."""
    import torch

    data = torch.load(checkpoint, map_location='cpu', weights_only=False, mmap=True)
    state = data.get('state_dict', data) if isinstance(data, dict) else {}
    return int(
        sum(
            t.numel()
            for k, t in state.items()
            if hasattr(t, 'numel') and not k.endswith(_BN_BUFFERS)
        )
    )


def summarise_experiment(work_dir: str | Path, name: str | None = None) -> ExperimentSummary:
    """Everything ``compare`` shows about one work dir; missing pieces stay ``None``."""
    work_dir = Path(work_dir)
    if not work_dir.is_dir():
        raise PetsegError(f'experiment folder {work_dir} does not exist')
    summary = ExperimentSummary(name=name or work_dir.name, work_dir=str(work_dir))
    stamps, earlier = latest_run(work_dir)
    summary.run_logs = stamps
    if earlier:
        summary.notes.append(
            f'{earlier} earlier training run(s) in this folder started from scratch (not '
            'resumed): train time and val curve are of the latest run only'
        )
    records = read_val_records(work_dir, summary.notes, set(stamps))
    summary.val_curve = sorted(
        (it, float(r['summary']['mDice']))
        for it, r in records.items()
        if r['summary'].get('mDice') is not None
    )
    best = best_val(records)
    checkpoint = pick_checkpoint(work_dir)
    if best:
        summary.best_iter = best[0]
        summary.val = {**best[1], 'iteration': best[0]}
    elif checkpoint and best_iteration(checkpoint) is not None:
        summary.best_iter = best_iteration(checkpoint)
    summary.test = read_test_record(work_dir, summary.best_iter, summary.notes)
    summary.train_time_s = train_time_seconds(work_dir, stamps)
    if checkpoint:
        summary.checkpoint = checkpoint.name
        try:
            summary.params = count_parameters(checkpoint)
        except Exception as err:  # a damaged checkpoint must not stop the comparison
            summary.notes.append(f'{checkpoint.name} unreadable ({type(err).__name__})')
    if not records and summary.test is None:
        summary.notes.append('no metrics found (not trained or tested yet?)')
    return summary


def class_names_of(experiments: Sequence[ExperimentSummary]) -> list[str]:
    """Class names as the metrics files list them (first found), else petseg's."""
    for exp in experiments:
        for record in (exp.val, exp.test):
            if record and record.get('per_class'):
                return list(record['per_class'])
    return list(CLASSES)


def _metric(record: dict | None, metric: str, class_name: str | None = None) -> float | None:
    if not record:
        return None
    if class_name is None:
        return record.get('summary', {}).get(metric)
    return record.get('per_class', {}).get(class_name, {}).get(metric)


def table_rows(
    experiments: Sequence[ExperimentSummary], class_names: Sequence[str]
) -> tuple[list[str], list[list[object]]]:
    """Header and rows (raw values; ``None`` = missing) of the comparison table."""
    header = ['experiment', 'best iter']
    for split in ('val', 'test'):
        header += [f'{split} {m}' for m in SPLIT_METRICS]
        header += ['test mDice 95% CI'] if split == 'test' else []
        header += [f'{split} Dice {c}' for c in class_names]
    header += ['train time (s)', 'params', 'test metrics file']
    rows = []
    for exp in experiments:
        row: list[object] = [exp.name, exp.best_iter]
        for record in (exp.val, exp.test):
            row += [_metric(record, m) for m in SPLIT_METRICS]
            if record is exp.test:
                ci = exp.test_mDice_ci
                row.append(None if ci is None else f'[{ci["low"]:.2f}, {ci["high"]:.2f}]')
            row += [_metric(record, 'Dice', c) for c in class_names]
        row += [
            None if exp.train_time_s is None else round(exp.train_time_s),
            exp.params,
            exp.test['source'] if exp.test else None,
        ]
        rows.append(row)
    return header, rows


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    return f'{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}'


def _display(header: str, value: object) -> str:
    if value is None:
        return DASH
    if header == 'train time (s)':
        return _duration(float(value))
    if header == 'params':
        return f'{int(value) / 1e6:.2f} M'
    if isinstance(value, float):
        return f'{value:.2f}'
    return str(value)


def rank_experiments(
    experiments: Sequence[ExperimentSummary], rank_by: str = 'val'
) -> tuple[list[str], str]:
    """Names ordered by ``<rank_by> mDice`` (best first) and the closing sentence."""
    if rank_by not in ('val', 'test'):
        raise PetsegError(f'--rank-by must be val or test, got {rank_by}')
    scored = [(_metric(getattr(e, rank_by), 'mDice'), e) for e in experiments]
    scored = [(v, e) for v, e in scored if v is not None]
    scored.sort(key=lambda s: -s[0])
    ranking = [e.name for _, e in scored]
    criterion = f'{rank_by} mDice' + (' (best iteration)' if rank_by == 'val' else '')
    if not scored:
        return ranking, f'No experiment has {rank_by} mDice yet, so none is ranked.'
    (top, best), others = scored[0], scored[1:]
    extra = ''
    if rank_by == 'val' and _metric(best.test, 'mDice') is not None:
        extra = f'; its test mDice is {_metric(best.test, "mDice"):.2f}'
    if not others:
        return ranking, (
            f'Best by {criterion}: {best.name} ({top:.2f}), the only experiment with '
            f'{rank_by} metrics{extra}.'
        )
    second_value, second = others[0]
    return ranking, (
        f'Best by {criterion}: {best.name} ({top:.2f}), {top - second_value:.2f} points ahead of '
        f'{second.name} ({second_value:.2f}){extra}.'
    )


def data_warnings(experiments: Sequence[ExperimentSummary], rank_by: str = 'val') -> list[str]:
    """One line per split whose runs saw different images (data root, count or names).

    Uses the ``data`` of the metrics records (MetricsJsonHook); runs whose records lack it
    (older runs) are not judged.
    """
    warnings = []
    for split in ('val', 'test'):
        groups: dict[tuple, list[str]] = {}
        for exp in experiments:
            record = getattr(exp, split)
            data = record.get('data') if record else None
            if _metric(record, 'mDice') is None or not isinstance(data, dict):
                continue
            key = (data.get('data_root', ''), data.get('images'), data.get('digest'))
            groups.setdefault(key, []).append(exp.name)
        if len(groups) < 2:
            continue
        roots = {root for root, _, _ in groups}
        sets = '; '.join(
            f'{", ".join(names)}: {root} ({n} images'
            + (f', list {digest[:6]})' if len(roots) == 1 else ')')
            for (root, n, digest), names in groups.items()
        )
        consequence = (
            f'the ranking by {split} mDice compares different images; test every run on one '
            'test set and rank with --rank-by test'
            if split == rank_by
            else f'their {split} mDice are not comparable'
        )
        warnings.append(f'{split} sets differ ({sets}): {consequence}')
    return warnings


def table_markdown(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A Markdown table with '—' for missing values."""
    shown = ['train time' if h == 'train time (s)' else h for h in header]
    lines = [
        '| ' + ' | '.join(shown) + ' |',
        '|' + '|'.join('---' if i == 0 else '---:' for i in range(len(header))) + '|',
    ]
    for row in rows:
        lines.append('| ' + ' | '.join(_display(h, v) for h, v in zip(header, row)) + ' |')
    return '\n'.join(lines)


def table_csv(header: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """The same table as CSV (missing values are empty cells)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator='\n')
    writer.writerow(header)
    for row in rows:
        writer.writerow(['' if v is None else v for v in row])
    return buffer.getvalue()


def plot_val_curves(experiments: Sequence[ExperimentSummary], path: Path) -> bool:
    """Val mDice against iteration for every experiment on one chart; False when none has one."""
    curves = [e for e in experiments if e.val_curve]
    if not curves:
        return False
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 4.8), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    for exp in curves:
        iters, values = zip(*exp.val_curve)
        (line,) = ax.plot(iters, values, marker='o', markersize=3, label=exp.name)
        if exp.best_iter is not None and exp.val:
            ax.plot(
                exp.best_iter, exp.val['summary']['mDice'], marker='*', markersize=12,
                color=line.get_color(),
            )  # fmt: skip
    ax.set_xlabel('iteration')
    ax.set_ylabel('val mDice (%)')
    ax.set_title('validation mDice (star: best iteration)')
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    return True


def report_markdown(
    experiments: Sequence[ExperimentSummary],
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    conclusion: str,
    has_plot: bool,
    differences: Sequence[dict] = (),
    warnings: Sequence[str] = (),
) -> str:
    """The Markdown report: warnings, table, chart, notes and the closing line."""
    lines = [
        '# Experiment comparison',
        '',
        'Metrics in percent (MMSeg). val = the best validation iteration (by mDice); test = '
        'tools/test.py on the best checkpoint where available. — = not available yet.',
        '',
        *[f'**Warning: {warning}.**\n' for warning in warnings],
        table_markdown(header, rows),
        '',
    ]
    lines += ['![val mDice](val_mDice.png)', ''] if has_plot else ['No validation curves yet.', '']
    if differences:
        lines += [
            '## Is the difference real?',
            '',
            'Paired bootstrap over the same test images (2,000 resamples; per-image areas '
            'summed per resample, so each value is the mDice MMSeg reports):',
            '',
        ]
        lines += [f'- {d["sentence"]}' for d in differences] + ['']
    notes = [(e.name, n) for e in experiments for n in e.notes]
    if notes:
        lines += ['Notes:', ''] + [f'- {name}: {note}' for name, note in notes] + ['']
    lines.append(f'**{conclusion}**')
    return '\n'.join(lines) + '\n'


def _unique_names(work_dirs: Sequence[Path]) -> list[str]:
    # a cross-validate report folder (<run>/report) is named after its run
    dirs = [d.resolve().parent if d.name == 'report' else d for d in work_dirs]
    names = [d.name for d in dirs]
    return [f'{d.parent.name}/{d.name}' if names.count(d.name) > 1 else d.name for d in dirs]


def compare_experiments(
    work_dirs: Sequence[str | Path],
    out: str | Path = DEFAULT_COMPARE_DIR,
    rank_by: str = 'val',
    overwrite: bool = False,
) -> CompareResult:
    """Summarise every work dir; write report.md, compare.csv, compare.json and the chart."""
    if not work_dirs:
        raise PetsegError('give at least one experiment work dir')
    dirs = [Path(d) for d in work_dirs]
    out = Path(out)
    for d in dirs:
        if out.resolve() in (d.resolve(), *d.resolve().parents):
            raise PetsegError(f'output {out} would replace the experiment folder {d}')
    experiments = [summarise_experiment(d, n) for d, n in zip(dirs, _unique_names(dirs))]
    class_names = class_names_of(experiments)
    ranking, conclusion = rank_experiments(experiments, rank_by)
    warnings = data_warnings(experiments, rank_by)
    differences = add_intervals(experiments, ranking)
    header, rows = table_rows(experiments, class_names)
    with atomic_output_dir(out, overwrite) as tmp:
        has_plot = plot_val_curves(experiments, tmp / 'val_mDice.png')
        (tmp / 'compare.csv').write_text(table_csv(header, rows))
        (tmp / 'report.md').write_text(
            report_markdown(experiments, header, rows, conclusion, has_plot, differences, warnings)
        )
        document = {
            'units': 'percent',
            'rank_by': f'{rank_by} mDice',
            'ranking': ranking,
            'conclusion': conclusion,
            'warnings': warnings,
            'differences': differences,
            'experiments': [asdict(e) for e in experiments],
        }
        (tmp / 'compare.json').write_text(json.dumps(document, indent=2))
        files = sorted(p.name for p in tmp.iterdir())
    return CompareResult(
        str(out), experiments, rank_by, ranking, conclusion, files, differences, warnings
    )
