"""One pair in a worker: read once, run the registered per-pair checks, return small facts.

The worker reads each file once (:func:`~practicum_work.data.checks.sample.read_pair`) and
returns counts, sizes, the checks' findings and measures and the mask's encoding evidence,
never pixels, so memory stays flat however many pairs are scanned.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from practicum_work.core.findings import Check, Finding
from practicum_work.core.mask_encoding import MaskSummary, palette_colours, summarise_pixels
from practicum_work.data.checks import load_checks
from practicum_work.data.checks.sample import read_pair
from practicum_work.data.checks.settings import CheckSettings

__all__ = ['PairJob', 'PairResult', 'check_pair']


@dataclass(frozen=True)
class PairJob:
    """What one worker call scans: an image, a mask, or both (paired by stem).

    Paths are plain strings: a job is pickled to a worker, and ``Path`` objects cost ~25x more.
    """

    root: str
    split: str
    stem: str
    image_path: str | None
    mask_path: str | None
    settings: CheckSettings = field(default_factory=CheckSettings)


@dataclass
class PairResult:
    """Small per-pair facts for the statistics, the dataset-level checks and the report."""

    split: str
    stem: str
    image_file: str | None
    mask_file: str | None
    findings: list[Finding] = field(default_factory=list)
    image_size: tuple[int, int] | None = None
    image_mode: str | None = None
    mask_size: tuple[int, int] | None = None
    mask_mode: str | None = None
    # value -> pixel count of the mask's class ids (None when they could not be read)
    value_counts: dict[int, int] | None = None
    # the mask's evidence for the dataset-level encoding (core.mask_encoding)
    mask_summary: MaskSummary | None = None
    # check name -> what its on_pair returned (for its on_dataset)
    measures: dict[str, Any] = field(default_factory=dict)


@cache
def _pair_checks() -> tuple[Check, ...]:
    """The registered checks eda runs on each pair (once per process)."""
    return tuple(load_checks().instances('eda', 'on_pair'))


def check_pair(job: PairJob) -> PairResult:
    """Read and check one pair (either file may be None); never raises for bad files."""
    sample = read_pair(job.root, job.split, job.stem, job.image_path, job.mask_path, job.settings)
    result = PairResult(job.split, job.stem, sample.image_file, sample.mask_file)
    for check in _pair_checks():
        measure = check.on_pair(sample, result.findings)
        if measure is not None:
            result.measures[check.name] = measure
    if sample.image is not None:
        result.image_size, result.image_mode = sample.image.size, sample.image.mode or None
    mask = sample.mask
    if mask is not None:
        result.mask_size, result.mask_mode = mask.size, mask.mode or None
        result.value_counts = sample.value_counts
        if mask.problem:
            result.mask_summary = MaskSummary(sample.mask_file, mask.mode, problem=mask.message)
        else:
            colours = palette_colours(job.mask_path) if mask.mode == 'P' else None
            result.mask_summary = summarise_pixels(
                mask.pixels if sample.labels is None else sample.labels,
                mask.mode,
                sample.mask_file,
                sample.value_counts,
                index_colours=colours,
            )
    return result
