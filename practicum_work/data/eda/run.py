"""``petseg eda`` end to end: scan, overlays, plots and report.json, written atomically."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from practicum_work.core.atomic import atomic_output_dir, atomic_write_text, check_output_outside
from practicum_work.core.findings import CHECKS, Finding, severity_rank
from practicum_work.core.options import settings_json
from practicum_work.core.paths import default_eda_dir
from practicum_work.core.progress import ordered_map
from practicum_work.data.eda.inventory import resolve_splits
from practicum_work.data.eda.overlays import OverlayJob, draw_overlay
from practicum_work.data.eda.plots import write_plots
from practicum_work.data.eda.report import REPORT_FILE, summarise
from practicum_work.data.eda.scan import TOOL, ScanResult, scan_dataset
from practicum_work.data.eda.settings import EdaSettings


@dataclass
class EdaResult:
    """Where the outputs went and the report that was written."""

    out: Path
    report: dict


def default_out(data_root: str | Path) -> Path:
    """``work_dirs/eda/<name of the data root>`` (``core.paths``)."""
    return default_eda_dir(data_root)


def _flagged(scan: ScanResult, limit: int | None) -> dict[tuple[str, str], list[Finding]]:
    """The flagged pairs to draw: worst severity first, then report order; ``limit`` of them."""
    by_stem: dict[tuple[str, str], list[Finding]] = {}
    for finding in scan.findings:
        if finding.stem is not None and (finding.split, finding.stem) in scan.files:
            by_stem.setdefault((finding.split, finding.stem), []).append(finding)
    worst = {key: min(severity_rank(f.severity) for f in found)
             for key, found in by_stem.items()}  # fmt: skip
    keys = sorted(by_stem, key=lambda key: worst[key])[: limit if limit is not None else None]
    chosen = set(keys)
    return {key: found for key, found in by_stem.items() if key in chosen}


def _overlay_jobs(scan: ScanResult, out: Path, per_split: int, seed: int, limit: int | None):
    """Overlays for flagged stems (up to ``limit``) and ``per_split`` random pairs per split."""
    by_stem = _flagged(scan, limit)
    random_keys = []
    for index, split in enumerate(scan.splits):
        stems = scan.paired_stems[split]
        rng = np.random.default_rng([seed, index])
        picks = rng.choice(len(stems), size=min(per_split, len(stems)), replace=False)
        random_keys += [(split, stems[i]) for i in sorted(picks.tolist())]
    keys = list(by_stem) + [k for k in random_keys if k not in by_stem]
    jobs, relative = [], {}
    for split, stem in keys:
        image_file, mask_file = scan.files[(split, stem)]
        findings = by_stem.get((split, stem), [])
        caption = [f'{split} / {stem}'] + [f'{f.severity} {f.kind}: {f.message}' for f in findings]
        if not findings:
            caption.append('random sample: no findings')
        rel = f'overlays/{split}/{stem}.png'
        relative[(split, stem)] = rel
        jobs.append(
            OverlayJob(
                image_path=scan.root / image_file if image_file else None,
                mask_path=scan.root / mask_file if mask_file else None,
                caption=tuple(caption),
                out_path=out / rel,
            )
        )
    flagged = [relative[k] for k in by_stem]
    randoms = [relative[k] for k in random_keys]
    return jobs, relative, flagged, randoms


def build_report(
    scan: ScanResult, statistics: dict, settings: dict, overlays: dict, plots: list[str]
) -> dict:
    """The ``report.json`` document."""
    from practicum_work import __version__

    items = []
    for finding in scan.findings:
        item = finding.to_json()
        if finding.stem is not None:
            item['overlay'] = overlays['by_stem'].get((finding.split, finding.stem))
        items.append(item)
    return {
        'tool': f'petseg eda {__version__}',
        'data_root': str(scan.root),
        'splits': scan.splits,
        'settings': settings,
        'kinds': {
            name: {'severity': kind.severity, 'meaning': kind.meaning, 'action': kind.action}
            for name, kind in CHECKS.kinds(TOOL).items()
        },
        'summary': summarise(scan.findings, scan.splits, statistics),
        'mask_encoding': _encoding_record(scan),
        'statistics': statistics,
        'items': items,
        'overlays': {
            'flagged': overlays['flagged'],
            'random': overlays['random'],
            'flagged_not_drawn': sorted(
                {f'{i["split"]}/{i["stem"]}' for i in items if i.get('overlay', '') is None}
                & {f'{split}/{stem}' for split, stem in scan.files}
            ),
        },
        'plots': plots,
    }


def _encoding_record(scan: ScanResult) -> dict | None:
    """The dataset-level mask encoding, with the per-file findings it explains."""
    if scan.encoding is None:
        return None
    return {**scan.encoding.to_dict(), 'findings_on_these_masks': scan.encoding_findings}


def run_eda(data_root: str | Path, out: str | Path | None = None, **options) -> EdaResult:
    """:func:`eda` with ``EdaSettings(data_root=..., out=..., **options)`` (defaults there)."""
    return eda(EdaSettings(data_root=data_root, out=out, **options))


def eda(settings: EdaSettings) -> EdaResult:
    """Scan the data root and write report.json, overlays/ and plots to ``out`` (atomically).

    ``flagged_overlays`` caps the overlays of flagged pairs (errors first; 'all': all of
    them); the others are listed with ``overlay: null`` and drawn on demand by
    ``petseg review``. The input is only read. Raises PetsegError subclasses (one line) when
    the scan cannot run: no such root, no splits, an unknown split, an output that exists or
    lies inside the input.
    """
    root = settings.data_root
    out = settings.out if settings.out is not None else default_out(root)
    resolve_splits(root, settings.splits)  # fail before creating anything
    check_output_outside(out, root)
    with atomic_output_dir(out, overwrite=settings.overwrite) as tmp:
        scan = scan_dataset(
            root, settings.splits, settings, settings.workers, settings.show_progress
        )
        jobs, by_stem, flagged, randoms = _overlay_jobs(
            scan, tmp, settings.overlays, settings.seed, settings.flagged_limit
        )
        overlays = ordered_map(
            draw_overlay, jobs, settings.workers, 'eda: overlays', settings.show_progress, 4
        )
        for _ in overlays:
            pass
        statistics = {split: scan.statistics[split].to_dict() for split in scan.splits}
        plots = write_plots(statistics, tmp)
        overlay_index = {'by_stem': by_stem, 'flagged': flagged, 'random': randoms}
        report = build_report(scan, statistics, settings_json(settings), overlay_index, plots)
        atomic_write_text(
            tmp / REPORT_FILE, json.dumps(report, indent=2, ensure_ascii=False) + '\n'
        )
    return EdaResult(out=out, report=report)
