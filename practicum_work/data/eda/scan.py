"""``petseg eda`` orchestration: inventory -> per-pair checks (process pool) -> report.

:func:`scan_dataset` is the streaming part (one pair per worker in memory, small results);
:func:`run_eda` adds the outputs: overlays, plots and ``report.json`` in an atomic folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from practicum_work.core.layout import MASK_DIR
from practicum_work.core.mask_encoding import (
    BINARY_01,
    CLASS_IDS,
    MAIN_KINDS,
    EncodingTally,
    MaskEncoding,
)
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
    # how the masks encode their classes, judged over all of them (core.mask_encoding)
    encoding: MaskEncoding | None = None
    # per-file findings on masks of the encoding's kind, by type (grouped under it)
    encoding_findings: dict[str, int] = field(default_factory=dict)


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


def _grouped_findings(
    anomalies: list[Anomaly], encoding: MaskEncoding, kinds: dict[tuple[str, str], str]
) -> dict[str, int]:
    """Per-file findings on masks that show the dataset's (non-usable) encoding, by type."""
    if encoding.usable:
        return {}
    main = set(MAIN_KINDS.get(encoding.encoding, ()))
    counts = Counter(
        a.anomaly_type
        for a in anomalies
        if a.stem is not None
        and a.file.startswith(f'{MASK_DIR}/')
        and kinds.get((a.split, a.stem)) in main
    )
    return dict(counts.most_common())


def _encoding_findings(encoding: MaskEncoding, splits: list[str]) -> list[Anomaly]:
    """One split-level finding per split with masks when they are not class ids as a whole."""
    if encoding.files == 0 or encoding.encoding == CLASS_IDS or encoding.written_by:
        return []
    kind = 'binary_masks' if encoding.encoding == BINARY_01 else 'mask_encoding'
    command = f'; convert: {encoding.convert_command}' if encoding.convert_command else ''
    message = f'{encoding.message}{command}'
    return [Anomaly(kind, split, None, f'labels/{split}', message) for split in splits]


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
    tally = EncodingTally(root)
    mask_kinds: dict[tuple[str, str], str] = {}
    checked = ordered_map(
        check_pair, jobs, workers, 'eda: checking files', show_progress, _CHUNKSIZE
    )
    for pair in checked:
        result.statistics[pair.split].add(pair)
        result.anomalies += pair.anomalies
        result.files.setdefault((pair.split, pair.stem), (pair.image_file, pair.mask_file))
        if pair.image_hash is not None:
            hashes.setdefault(pair.image_hash, []).append((pair.split, pair.stem, pair.image_file))
        if pair.mask_summary is not None:
            tally.add(pair.mask_summary)
            mask_kinds[(pair.split, pair.stem)] = pair.mask_summary.kind
    result.anomalies += _duplicates(hashes)
    result.encoding = tally.result()
    result.encoding_findings = _grouped_findings(result.anomalies, result.encoding, mask_kinds)
    with_masks = [s for s in chosen if any(key[0] == s for key in mask_kinds)]
    result.anomalies += _encoding_findings(result.encoding, with_masks)
    for split in chosen:
        for name in result.statistics[split].classes_never_found():
            message = f'class {name!r} appears in no mask of split {split!r}'
            file = f'labels/{split}'
            result.anomalies.append(Anomaly('class_never_found', split, None, file, message))
    result.anomalies.sort(key=sort_key(chosen))
    return result
