"""``petseg compare``'s intervals: test mDice per experiment and the best against each other.

Reads ``per_image_<split>_<checkpoint>.json`` beside the test metrics that compare shows
(written by MetricsJsonHook during ``tools/test.py``); experiments without it get no interval.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from practicum_work.analysis.bootstrap import (
    DEFAULT_RESAMPLES,
    PerImageAreas,
    difference_sentence,
    mdice_interval,
    paired_difference,
    read_per_image,
)
from practicum_work.core.errors import PetsegError


def per_image_file(work_dir: str | Path, test_source: str | None) -> Path | None:
    """The per-image areas of the test metrics file ``test_source`` (None when missing)."""
    if not test_source or not test_source.startswith('metrics_'):
        return None
    path = Path(work_dir) / test_source.replace('metrics_', 'per_image_', 1)
    return path if path.is_file() else None


def load_areas(experiments: Sequence, notes_of: dict[str, list[str]]) -> dict[str, PerImageAreas]:
    """``{experiment name: areas}`` for the experiments whose test run left per-image areas."""
    found = {}
    for exp in experiments:
        path = per_image_file(exp.work_dir, exp.test['source'] if exp.test else None)
        if path is None:
            continue
        try:
            found[exp.name] = read_per_image(path)
        except PetsegError as err:
            notes_of[exp.name].append(str(err))
    return found


def add_intervals(
    experiments: Sequence, ranking: Sequence[str], resamples: int = DEFAULT_RESAMPLES, seed: int = 0
) -> list[dict]:
    """Set each experiment's ``test_mDice_ci``; return the best-vs-other differences."""
    notes_of = {exp.name: exp.notes for exp in experiments}
    areas = load_areas(experiments, notes_of)
    for exp in experiments:
        if exp.name in areas and len(areas[exp.name].images) >= 2:
            exp.test_mDice_ci = mdice_interval(areas[exp.name], resamples, seed).to_json()
    best = next((name for name in ranking if name in areas), None)
    differences = []
    for name in ranking:
        if best is None or name == best or name not in areas:
            continue
        try:
            diff = paired_difference(areas[best], areas[name], resamples, seed)
        except PetsegError as err:
            notes_of[name].append(f'no paired comparison with {best}: {err}')
            continue
        differences.append(
            {
                'best': best,
                'other': name,
                'difference': diff.to_json(),
                'sentence': difference_sentence(best, name, diff),
            }
        )
    return differences
