"""Report a data tool's run (``petseg eda --clearml``, ``fix-labels --clearml``) to ClearML.

Same mode rules as training (:mod:`practicum_work.tracking.mode`: ``PETSEG_CLEARML``, online
with a configured server, else offline with one warning line) and the same promise: a
ClearML problem is one warning line, never a failed tool run.

An offline session's zip is copied next to the report file (``clearml_<id>.zip``), as
training copies its zip into the run's folder; the original stays in ClearML's cache.

``petseg eda --clearml`` sends report.json, the overlays and the plots;
``petseg fix-labels --clearml`` sends plan.json and the contact sheets (dry run) or
manifest.json (cleaned copy).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.tracking.mode import IMPORT_HINT, resolve_mode

DEFAULT_MAX_IMAGES = 50


@dataclass
class ToolRunRecord:
    """Where a tool run went: mode, task id, offline zip, images sent."""

    mode: str  # 'online' | 'offline' | 'off' ('off' also after a ClearML failure)
    task_id: str | None = None
    offline_session: str | None = None
    images_reported: int = 0
    error: str | None = None


def _warn(message: str) -> None:
    print(f'petseg: warning: {message}', file=sys.stderr)


def flat_scalars(report: Mapping[str, Any], prefix: str = '') -> dict[str, float]:
    """Every number of a nested JSON report as ``{'a.b.c': value}`` (bools and lists left out)."""
    out: dict[str, float] = {}
    for key, value in report.items():
        name = f'{prefix}{key}'
        if isinstance(value, Mapping):
            out.update(flat_scalars(value, f'{name}.'))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            out[name] = float(value)
    return out


def _load_report(report_json: str | Path | Mapping[str, Any]) -> tuple[dict, Path | None]:
    if isinstance(report_json, Mapping):
        return dict(report_json), None
    path = Path(report_json)
    if not path.is_file():
        raise DataLayoutError(f'{path} does not exist (the report to send to ClearML)')
    try:
        report = json.loads(path.read_text(encoding='utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PetsegError(f'{path}: not a JSON report ({err})') from err
    if not isinstance(report, Mapping):
        raise PetsegError(f'{path}: the report is a JSON {type(report).__name__}, not an object')
    return dict(report), path


def report_tool_run(
    name: str,
    report_json: str | Path | Mapping[str, Any],
    images: Iterable[str | Path] = (),
    *,
    mode: str | None = 'auto',
    project: str = 'petseg',
    tags: Iterable[str] = (),
    max_images: int = DEFAULT_MAX_IMAGES,
) -> ToolRunRecord:
    """Send one tool run to ClearML as a ``data_processing`` task named ``<name>_<timestamp>``.

    The report (a dict or a JSON file) becomes a configuration object ``report``, its
    numbers single values ('Summary' in the UI), the file an artifact, and up to
    ``max_images`` image files debug samples (title ``name``, series the file stem).
    ``mode`` follows :func:`~practicum_work.tracking.mode.resolve_mode` (``'auto'`` defers to
    ``PETSEG_CLEARML``). An invalid mode or an unreadable report raises
    :class:`~practicum_work.core.errors.PetsegError`; every ClearML problem is one warning line
    (a failed start gives ``mode='off'``, a later failure sets ``error``), never an exception.
    """
    decision = resolve_mode(mode)
    if decision.mode == 'off':
        return ToolRunRecord('off')
    report, report_path = _load_report(report_json)
    if decision.warning:
        _warn(decision.warning)
    from practicum_work.tracking.task import close_task, start_task

    task_name = f'{name}_{datetime.now():%Y%m%d_%H%M%S}'
    image_paths = [Path(p) for p in images]
    try:
        handle = start_task(
            decision, project, task_name, task_type='data_processing', tags=[name, *tags]
        )
    except Exception as err:
        _warn(f'ClearML start failed ({type(err).__name__}: {err}); {name} ran without tracking')
        return ToolRunRecord('off', error=str(err))
    for message in handle.warnings:
        _warn(message)
    record = ToolRunRecord(handle.mode, task_id=str(handle.task.id))
    try:
        task = handle.task
        task.connect_configuration(report, name='report', description=f'{name} report')
        logger = task.get_logger()
        for key, value in flat_scalars(report).items():
            logger.report_single_value(name=key, value=value)
        if report_path is not None:
            task.upload_artifact(name='report', artifact_object=report_path)
        for path in image_paths[:max_images]:
            logger.report_image(title=name, series=path.stem, iteration=0, local_path=str(path))
            record.images_reported += 1
        if len(image_paths) > max_images:
            _warn(f'ClearML: {len(image_paths) - max_images} of {len(image_paths)} images not sent')
    except Exception as err:
        _warn(f'ClearML reporting failed ({type(err).__name__}: {err}); {name} results are local')
        record.error = str(err)
    try:  # the offline zip goes next to the report too, as training's goes next to the run
        zip_path = close_task(
            handle, copy_zip_to=None if report_path is None else report_path.parent
        )
    except Exception as err:
        _warn(f'ClearML close failed ({type(err).__name__}: {err})')
        record.error = record.error or str(err)
        return record
    if zip_path is not None:
        record.offline_session = str(zip_path)
        print(f'ClearML offline session: {zip_path} ({IMPORT_HINT})', file=sys.stderr)
    return record
