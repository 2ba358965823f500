"""A work dir holds one training run: what counts as a run, and starting over without loss.

A run's files are what MMEngine and petseg write into the work dir: checkpoints (``*.pth``,
``last_checkpoint``), metrics (``metrics_*.json``, ``per_image_*.json``), the timestamped log
folders (``<YYYYmmdd_HHMMSS>/``) and the analysis folders of its checkpoints (``best_worst/``,
``postprocess_eval/``). Other files (a config or stem lists placed there beforehand, a
training log of a wrapper) are not a run. Starting over moves the earlier run's files into
``previous_runs/<time>/`` inside the work dir: nothing is deleted, and nothing of the earlier
run is read as part of the new one.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from practicum_work.core.errors import OutputExistsError

PREVIOUS_RUNS = 'previous_runs'
ANALYSIS_DIRS = ('best_worst', 'postprocess_eval')
_TIMESTAMP_DIR = re.compile(r'^\d{8}_\d{6}$')
_RUN_FILE = re.compile(r'^(.+\.pth|last_checkpoint|(metrics|per_image)_.+\.json)$')


class RunExistsError(OutputExistsError):
    """The work dir already holds a run, and neither resuming nor starting over was asked for."""


def earlier_run_files(work_dir: str | Path) -> list[Path]:
    """The files and folders of a run already in ``work_dir`` (sorted; empty when none)."""
    work_dir = Path(work_dir)
    if not work_dir.is_dir():
        return []
    found = []
    for path in work_dir.iterdir():
        if path.is_dir():
            if _TIMESTAMP_DIR.match(path.name) or path.name in ANALYSIS_DIRS:
                found.append(path)
        elif _RUN_FILE.match(path.name):
            found.append(path)
    return sorted(found)


def describe(paths: list[Path], shown: int = 3) -> str:
    """``iter_4.pth, metrics_val_iter_4.json, 20260101_120000/ and 5 more``."""
    names = [p.name + ('/' if p.is_dir() else '') for p in paths]
    text = ', '.join(names[:shown])
    return text + (f' and {len(names) - shown} more' if len(names) > shown else '')


def check_new_run(work_dir: str | Path, resume: bool, overwrite: bool) -> list[Path]:
    """The earlier run's files; refuse (one line) when there are some and no flag says why.

    ``resume``: the run continues (its files are its own). ``overwrite``: start over; the
    caller moves the files aside with :func:`move_aside` once every other check has passed.
    """
    files = earlier_run_files(work_dir)
    if files and not resume and not overwrite:
        raise RunExistsError(
            f'{work_dir} already holds a run ({describe(files)}); continue it with --resume, '
            '--overwrite to start over (the earlier run moves to '
            f'{Path(work_dir) / PREVIOUS_RUNS}/<time>/, nothing is deleted), or pass another '
            '--work-dir'
        )
    return files if overwrite and not resume else []


def move_aside(work_dir: str | Path, files: list[Path]) -> Path | None:
    """Move ``files`` (of ``work_dir``) into ``work_dir/previous_runs/<time>/``; its path."""
    if not files:
        return None
    base = Path(work_dir) / PREVIOUS_RUNS
    stamp = datetime.now().strftime('%Y%m%d_%H%M%S')
    target = base / stamp
    suffix = 1
    while target.exists():
        suffix += 1
        target = base / f'{stamp}_{suffix}'
    target.mkdir(parents=True)
    for path in files:
        path.rename(target / path.name)
    return target
