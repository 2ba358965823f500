"""``petseg inject-noise``: a copy of any dataset with known noise, and its ground truth.

The source is copied whole into a temporary sibling of ``out`` (never hard-linked: the
faults rewrite files), the noise of a preset of :mod:`practicum_work.data.noise_injection`
is planned and injected into the copy's noisy splits, the copy is renamed to ``out`` and the
ground truth written to ``<out>.noise.json``. Only samples that are sound in the source (both
files decode, one-channel mask of the image's size, values 0/1/2/255) are eligible; the others
are listed in the ground truth under ``not_eligible`` and copied as they are.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from practicum_work.core.atomic import atomic_output_dir, atomic_write_text, check_output_outside
from practicum_work.core.classes import FOREGROUND_CLASSES, VALID_LABELS
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.core.image_io import UnreadableFileError, read_image_rgb, read_label_map
from practicum_work.core.layout import DEMO_DATA_HINT, SamplePair, find_splits, pair_split
from practicum_work.core.progress import ordered_map
from practicum_work.data.noise_injection import (
    NOISY_SPLITS,
    PRESETS,
    SampleInfo,
    get_preset,
    inject_split_noise,
    noise_document,
    noise_file_for,
    type_counts,
)


@dataclass
class InjectNoiseSummary:
    """What :func:`inject_noise` wrote."""

    data_root: str
    out: str
    noise_file: str
    preset: str
    seed: int
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    eligible: dict[str, int] = field(default_factory=dict)
    not_eligible: list[str] = field(default_factory=list)


def _describe(pair: SamplePair) -> tuple[tuple[int, ...], int] | str:
    """(foreground classes, cat/dog pixels) of a sound sample, else why it is not eligible."""
    try:
        image, _ = read_image_rgb(pair.image_path)
        mask, _ = read_label_map(pair.mask_path)
    except UnreadableFileError as err:
        return str(err)
    if mask.shape != image.shape[:2]:
        return f'mask {mask.shape[::-1]} and image {image.shape[1::-1]} differ in size (WxH)'
    values = {int(v) for v in np.unique(mask)}
    if not values <= VALID_LABELS:
        return f'mask values {sorted(values - VALID_LABELS)} outside 0, 1, 2, 255'
    present = tuple(c for c in FOREGROUND_CLASSES if c in values)
    return present, int(np.count_nonzero(np.isin(mask, FOREGROUND_CLASSES)))


def _check(root: Path, out: Path, splits: tuple[str, ...], overwrite: bool) -> None:
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist ({DEMO_DATA_HINT})')
    present = find_splits(root)
    if not present:
        raise DataLayoutError(f'{root} has no img/<split> folders (expected {root}/img/train, ...)')
    missing = [s for s in splits if s not in present]
    if missing:
        raise DataLayoutError(
            f'split {missing[0]!r} not found under {root}/img (present: {", ".join(present)})'
        )
    check_output_outside(out, root)
    noise_path = noise_file_for(out)
    if not overwrite:
        for path in (out, noise_path):
            if path.exists():
                raise OutputExistsError(f'{path} already exists; pass --overwrite to replace it')


def _samples(
    root: Path, split: str, workers: int | None, show_progress: bool
) -> tuple[list[SampleInfo], list[str]]:
    """The eligible samples of one split of ``root`` and the reasons the others are not."""
    pairs = pair_split(root, split).pairs
    samples, skipped = [], []
    described = ordered_map(_describe, pairs, workers, f'reading {split}', show_progress)
    for pair, info in zip(pairs, described):
        if isinstance(info, str):
            skipped.append(f'{pair.mask_path.relative_to(root).as_posix()}: {info}')
            continue
        samples.append(
            SampleInfo(
                split,
                len(samples),
                pair.stem,
                info[0],
                info[1],
                pair.image_path.relative_to(root).as_posix(),
                pair.mask_path.relative_to(root).as_posix(),
            )
        )
    return samples, skipped


def _lighter_options(split: str, eligible: int, preset: str, splits: tuple[str, ...]) -> str:
    """inject-noise's own ways out when ``split`` is too small for ``preset``."""
    fitting = []
    for name in PRESETS:
        needed = sum(type_counts(eligible, name).values())
        if name != preset and needed <= eligible:
            fitting.append(f'--preset {name} needs {needed}')
    others = [s for s in splits if s != split]
    ways = [f'a lighter preset ({", ".join(fitting)})'] if fitting else []
    if others:
        ways.append(f'corrupt only {" ".join(others)} (--splits {" ".join(others)})')
    ways.append(f'add images to {split}')
    return ', or '.join(ways)


def _too_small(split: str, eligible: int, preset: str, splits: tuple[str, ...]) -> None:
    """Refuse a split with fewer eligible images than ``preset`` has faults (one image each)."""
    counts = type_counts(eligible, preset)
    needed = sum(counts.values())
    if needed > eligible:
        raise PetsegError(
            f'split {split!r} has {eligible} eligible images but --preset {preset} puts '
            f'{needed} faults into it, one image each; use '
            f'{_lighter_options(split, eligible, preset, splits)}'
        )


def _inject(tmp: Path, samples, seed: int, split: str, preset: str, splits) -> list:
    """The split's noise; a sample pool too small for a fault gets inject-noise's options."""
    _too_small(split, len(samples), preset, splits)
    try:
        return inject_split_noise(tmp, samples, seed, split, preset)
    except PetsegError as err:
        # the planner's own hint speaks of demo-data's options
        reason = str(err).split('; use more images')[0]
        raise PetsegError(
            f'{reason}; use {_lighter_options(split, len(samples), preset, splits)}'
        ) from None


def inject_noise(
    data_root: str | Path,
    out: str | Path,
    preset: str = 'default',
    seed: int = 0,
    splits: tuple[str, ...] = NOISY_SPLITS,
    workers: int | None = None,
    overwrite: bool = False,
    show_progress: bool = True,
) -> InjectNoiseSummary:
    """Copy ``data_root`` to ``out`` with ``preset`` noise in ``splits``; ground truth beside."""
    root, out = Path(data_root), Path(out)
    get_preset(preset)
    splits = tuple(dict.fromkeys(splits))
    if not splits:
        raise PetsegError('name at least one split to corrupt (--splits train val)')
    _check(root, out, splits, overwrite)
    noise_path = noise_file_for(out)
    summary = InjectNoiseSummary(str(root), str(out), str(noise_path), preset, seed)
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        shutil.copytree(root, tmp, dirs_exist_ok=True, symlinks=False)
        items = []
        for split in splits:
            samples, skipped = _samples(tmp, split, workers, show_progress)
            summary.eligible[split] = len(samples)
            summary.not_eligible += skipped
            items += _inject(tmp, samples, seed, split, preset, splits)
        document = noise_document(preset, seed, items, splits, source=str(root))
        document['not_eligible'] = summary.not_eligible
        summary.counts = document['counts']
        noise_path.unlink(missing_ok=True)  # replaced together with the dataset
    atomic_write_text(noise_path, json.dumps(document, indent=2) + '\n')
    return summary
