"""The scan behind ``petseg eda``: listing -> per-pair checks (process pool) -> dataset checks.

:func:`scan_dataset` streams (one pair per worker in memory, small results) and runs the
registered checks (:mod:`practicum_work.data.checks`) that eda runs, at their stages: the
layout checks on each split's listing, the per-pair checks in the workers, the dataset checks
once at the end (duplicates, the masks' encoding, classes never found, thresholds learned from
the dataset). :func:`~.run.run_eda` adds the outputs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from practicum_work.core.findings import Finding
from practicum_work.core.layout import MASK_DIR
from practicum_work.core.mask_encoding import MAIN_KINDS, EncodingTally, MaskEncoding
from practicum_work.core.progress import ordered_map
from practicum_work.data.checks import load_checks
from practicum_work.data.checks.sample import Measure
from practicum_work.data.checks.settings import CheckSettings
from practicum_work.data.eda.inventory import inventory_split, resolve_splits
from practicum_work.data.eda.pairs import check_pair
from practicum_work.data.eda.report import sort_key
from practicum_work.data.eda.statistics import SplitStatistics

TOOL = 'eda'
_CHUNKSIZE = 16


@dataclass
class ScanResult:
    """Everything the scan found; per item only file names and small facts are kept."""

    root: Path
    splits: list[str]
    statistics: dict[str, SplitStatistics]
    findings: list[Finding]
    # (split, stem) -> (image file, mask file), relative to root, for overlays
    files: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)
    paired_stems: dict[str, list[str]] = field(default_factory=dict)
    # how the masks encode their classes, judged over all of them (core.mask_encoding)
    encoding: MaskEncoding | None = None
    # per-file findings on masks of the encoding's kind, by kind (grouped under it)
    encoding_findings: dict[str, int] = field(default_factory=dict)
    # the splits that hold at least one mask
    mask_splits: list[str] = field(default_factory=list)
    # check name -> what its on_pair returned for each pair, in scan order
    measures: dict[str, list[Measure]] = field(default_factory=dict)


def _grouped_findings(
    findings: list[Finding], encoding: MaskEncoding, kinds: dict[tuple[str, str], str]
) -> dict[str, int]:
    """Per-file findings on masks that show the dataset's (non-usable) encoding, by kind."""
    if encoding.usable:
        return {}
    main = set(MAIN_KINDS.get(encoding.encoding, ()))
    counts = Counter(
        f.kind
        for f in findings
        if f.stem is not None
        and (f.file or '').startswith(f'{MASK_DIR}/')
        and kinds.get((f.split, f.stem)) in main
    )
    return dict(counts.most_common())


def scan_dataset(
    data_root: str | Path,
    splits: list[str] | None = None,
    settings: object | None = None,
    workers: int | None = None,
    show_progress: bool = True,
) -> ScanResult:
    """Check every file of the chosen splits; raises DataLayoutError if it cannot run.

    ``settings``: anything holding the check thresholds (``CheckSettings``, ``EdaSettings``).
    """
    root = Path(data_root)
    settings = CheckSettings() if settings is None else CheckSettings.of(settings)
    checks = load_checks()
    chosen = resolve_splits(root, splits)
    inventories = [inventory_split(root, split, settings) for split in chosen]
    result = ScanResult(root, chosen, {s: SplitStatistics(s) for s in chosen}, [])
    jobs = []
    for inventory in inventories:
        for check in checks.instances(TOOL, 'on_layout'):
            check.on_layout(inventory.listing, result.findings)
        result.paired_stems[inventory.split] = inventory.paired_stems
        jobs += inventory.jobs
    tally = EncodingTally(root)
    mask_kinds: dict[tuple[str, str], str] = {}
    checked = ordered_map(
        check_pair, jobs, workers, 'eda: checking files', show_progress, _CHUNKSIZE
    )
    for pair in checked:
        result.statistics[pair.split].add(pair)
        result.findings += pair.findings
        result.files.setdefault((pair.split, pair.stem), (pair.image_file, pair.mask_file))
        for name, value in pair.measures.items():
            measure = Measure(pair.split, pair.stem, pair.image_file, pair.mask_file, value)
            result.measures.setdefault(name, []).append(measure)
        if pair.mask_summary is not None:
            tally.add(pair.mask_summary)
            mask_kinds[(pair.split, pair.stem)] = pair.mask_summary.kind
    result.encoding = tally.result()
    result.encoding_findings = _grouped_findings(result.findings, result.encoding, mask_kinds)
    result.mask_splits = [s for s in chosen if any(key[0] == s for key in mask_kinds)]
    for check in checks.instances(TOOL, 'on_dataset'):
        check.on_dataset(result, result.findings)
    result.findings.sort(key=sort_key(chosen))
    return result
