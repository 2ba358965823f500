"""``petseg eda`` orchestration: inventory -> per-pair checks (process pool) -> report.

:func:`scan_dataset` is the streaming part (one pair per worker in memory, small results);
:func:`run_eda` adds the outputs: overlays, plots and ``report.json`` in an atomic folder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from practicum_work.core.progress import ordered_map
from practicum_work.data.eda.anomalies import Anomaly
from practicum_work.data.eda.checks import DEFAULT_TINY_FG_PIXELS, check_pair
from practicum_work.data.eda.inventory import inventory_split, resolve_splits
from practicum_work.data.eda.report import sort_key
from practicum_work.data.eda.statistics import SplitStatistics

_CHUNKSIZE = 16


@dataclass
class ScanResult:
    """Everything the scan found; per item only file names and small facts are kept."""

    root: Path
    splits: list[str]
    statistics: dict[str, SplitStatistics]
    anomalies: list[Anomaly]
    # (split, stem) -> (image file, mask file), relative to root, for overlays
    files: dict[tuple[str, str], tuple[str | None, str | None]] = field(default_factory=dict)
    paired_stems: dict[str, list[str]] = field(default_factory=dict)


def _duplicates(hashes: dict[str, list[tuple[str, str, str]]]) -> list[Anomaly]:
    found = []
    for members in hashes.values():
        if len(members) < 2:
            continue
        first = members[0][2]
        for split, stem, file in members[1:]:
            message = f'byte-identical to {first} ({len(members)} copies in the scanned splits)'
            found.append(Anomaly('duplicate_image', split, stem, file, message))
    return found


def scan_dataset(
    data_root: str | Path,
    splits: list[str] | None = None,
    tiny_fg_pixels: int = DEFAULT_TINY_FG_PIXELS,
    workers: int | None = None,
    show_progress: bool = True,
) -> ScanResult:
    """Check every file of the chosen splits; raises DataLayoutError if it cannot run."""
    root = Path(data_root)
    chosen = resolve_splits(root, splits)
    inventories = [inventory_split(root, split, tiny_fg_pixels) for split in chosen]
    result = ScanResult(root, chosen, {s: SplitStatistics(s) for s in chosen}, [])
    jobs = []
    for inventory in inventories:
        result.anomalies += inventory.anomalies
        result.paired_stems[inventory.split] = inventory.paired_stems
        jobs += inventory.jobs
    hashes: dict[str, list[tuple[str, str, str]]] = {}
    checked = ordered_map(
        check_pair, jobs, workers, 'eda: checking files', show_progress, _CHUNKSIZE
    )
    for pair in checked:
        result.statistics[pair.split].add(pair)
        result.anomalies += pair.anomalies
        result.files.setdefault((pair.split, pair.stem), (pair.image_file, pair.mask_file))
        if pair.image_hash is not None:
            hashes.setdefault(pair.image_hash, []).append((pair.split, pair.stem, pair.image_file))
    result.anomalies += _duplicates(hashes)
    for split in chosen:
        for name in result.statistics[split].classes_never_found():
            message = f'class {name!r} appears in no mask of split {split!r}'
            file = f'labels/{split}'
            result.anomalies.append(Anomaly('class_never_found', split, None, file, message))
    result.anomalies.sort(key=sort_key(chosen))
    return result
