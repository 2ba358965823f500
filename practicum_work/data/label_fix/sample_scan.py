"""Read every image/mask pair once: problems, pixel statistics, species regions, descriptors.

:func:`scan_sample` runs in worker processes (one pair in memory each) and returns a small
:class:`SampleScan`; the masks themselves are read again only when the cleaned copy is written.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from practicum_work.core.image_io import UnreadableFileError, read_image_rgb, read_label_map
from practicum_work.core.layout import SplitPairing
from practicum_work.core.progress import ordered_map
from practicum_work.data.label_fix.fingerprints import file_fingerprint
from practicum_work.data.label_fix.mask_policies import (
    class_pixel_counts,
    foreground_problem,
    replace_stray,
    resize_nearest,
    stray_values,
)
from practicum_work.data.label_fix.region_features import region_features
from practicum_work.data.label_fix.regions import SpeciesRegion, find_regions
from practicum_work.data.label_fix.visual_words import (
    MAX_VOCABULARY_REGIONS,
    SAMPLE_PER_REGION,
    VOCABULARY_SIZE,
    dense_descriptors,
    encode_words,
    learn_vocabulary,
    load_vocabulary,
    sample_rows,
)


@dataclass(frozen=True)
class ScanSettings:
    """What the scan needs to know of the policies (picklable, sent to every worker)."""

    min_fg_pixels: int | None = None  # None: 0.2% of the image area, at least 16
    stray_policy: str = 'ignore'
    size_policy: str = 'drop'
    features: bool = True  # region descriptors for the ``self`` classifier
    vocabulary: str | None = None  # .npy of visual words (see visual_words); None: no words


@dataclass
class SampleScan:
    """What one sample looks like; paths are relative to the data root."""

    split: str
    stem: str
    image: str | None
    mask: str | None
    problem: str | None = None  # why the sample cannot be used at all (left out)
    problem_detail: str = ''
    image_size: tuple[int, int] | None = None  # (width, height)
    image_mode: str | None = None
    mask_size: tuple[int, int] | None = None
    mask_mode: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # of the mask as stored
    stray: dict[int, int] = field(default_factory=dict)
    size_mismatch: bool = False
    foreground_problem: str | None = None  # 'empty_mask' / 'tiny_mask' after format fixes
    regions: list[SpeciesRegion] = field(default_factory=list)
    features: np.ndarray | None = None  # (len(regions), F) descriptors for the self classifier
    fingerprints: dict[str, dict] = field(default_factory=dict)  # 'image'/'mask' -> fingerprint


def resolve_min_fg_pixels(min_fg_pixels: int | None, shape: tuple[int, ...]) -> int:
    """The tiny-mask threshold: as given, or 0.2% of the image area (at least 16 pixels)."""
    if min_fg_pixels is not None:
        return int(min_fg_pixels)
    return max(16, round(0.002 * shape[0] * shape[1]))


def _rel(path: Path | None, root: Path) -> str | None:
    return None if path is None else path.relative_to(root).as_posix()


def scan_jobs(
    root: Path, pairings: list[SplitPairing], settings: ScanSettings
) -> list[tuple[Path, str, str, str | None, str | None, str | None, ScanSettings]]:
    """One job per sample: paired, unpaired and ambiguous files alike, in a stable order."""
    jobs = []
    for pairing in pairings:
        split = pairing.split
        entries: list[tuple[str, Path | None, Path | None, str | None]] = []
        entries += [(p.stem, p.image_path, p.mask_path, None) for p in pairing.pairs]
        entries += [(p.stem, p, None, 'image_without_mask') for p in pairing.images_without_mask]
        entries += [(p.stem, None, p, 'mask_without_image') for p in pairing.masks_without_image]
        entries += [(p.stem, p, None, 'ambiguous_image') for p in pairing.ambiguous_images]
        for stem, image, mask, problem in sorted(entries, key=lambda e: (e[0], str(e[1]))):
            jobs.append((root, split, stem, _rel(image, root), _rel(mask, root), problem, settings))
    return jobs


ScanJob = tuple[Path, str, str, str | None, str | None, str | None, ScanSettings]


def _read(root: Path, rel: str | None, reader, problem: str, scan: SampleScan):
    """``reader(root / rel)``, or None (absent, or unreadable: the scan records the problem)."""
    if rel is None:
        return None
    try:
        return reader(root / rel)
    except UnreadableFileError as err:
        scan.problem = scan.problem or problem
        scan.problem_detail = scan.problem_detail or f'{rel}: {err}'
        return None


def _inspect(job: ScanJob) -> tuple[SampleScan, np.ndarray | None, list[np.ndarray]]:
    """The scan of one sample without descriptors, its image and its regions' pixel selections."""
    root, split, stem, image_rel, mask_rel, problem, settings = job
    scan = SampleScan(split, stem, image_rel, mask_rel, problem)
    if problem == 'image_without_mask':
        scan.problem_detail = f'{image_rel} has no mask'
    elif problem == 'mask_without_image':
        scan.problem_detail = f'{mask_rel} has no image'
    elif problem == 'ambiguous_image':
        scan.problem_detail = f'more than one image file with stem {stem!r}: {image_rel}'
    for key, rel in (('image', image_rel), ('mask', mask_rel)):
        if rel is not None and (root / rel).is_file():
            scan.fingerprints[key] = file_fingerprint(root / rel)
    image = _read(root, image_rel, read_image_rgb, 'image_unreadable', scan)
    if image is not None:
        image, scan.image_mode = image
        scan.image_size = (image.shape[1], image.shape[0])
    mask = _read(root, mask_rel, read_label_map, 'mask_unreadable', scan)
    if mask is not None:
        mask, scan.mask_mode = mask
        scan.mask_size = (mask.shape[1], mask.shape[0])
    if mask is None:
        return scan, image, []
    scan.counts = class_pixel_counts(mask)
    scan.stray = stray_values(mask)
    fixed = replace_stray(mask, settings.stray_policy)
    if scan.image_size is not None and scan.mask_size != scan.image_size:
        scan.size_mismatch = True
        if settings.size_policy != 'resize':
            return scan, image, []
        fixed = resize_nearest(fixed, scan.image_size)
    min_pixels = resolve_min_fg_pixels(settings.min_fg_pixels, fixed.shape)
    scan.foreground_problem = foreground_problem(fixed, min_pixels)
    if scan.problem is not None or scan.foreground_problem is not None:
        return scan, image, []
    scan.regions, selections = find_regions(fixed, min_pixels)
    return scan, image, selections


def _descriptor_vector(image: np.ndarray, selection: np.ndarray, vocabulary: str | None):
    features = region_features(image, selection)
    if vocabulary is None:
        return features
    words = encode_words(dense_descriptors(image, selection), load_vocabulary(vocabulary))
    return np.concatenate([features, words])


def scan_sample(job: ScanJob) -> SampleScan:
    """Inspect one sample (see :func:`scan_jobs` for the job tuple)."""
    scan, image, selections = _inspect(job)
    settings = job[-1]
    if settings.features and image is not None and selections:
        scan.features = np.stack(
            [_descriptor_vector(image, s, settings.vocabulary) for s in selections]
        )
    return scan


def descriptor_sample(job: ScanJob) -> np.ndarray:
    """Up to ``SAMPLE_PER_REGION`` dense descriptors of a single-species sample (else none)."""
    scan, image, selections = _inspect(job)
    if image is None or len(selections) != 1 or scan.regions[0].scope != 'image':
        return np.zeros((0, 128), np.float32)
    seed = zlib.crc32(f'{scan.split}/{scan.stem}'.encode())
    return sample_rows(dense_descriptors(image, selections[0]), SAMPLE_PER_REGION, seed)


def learn_dataset_vocabulary(
    jobs: list[ScanJob],
    seed: int = 0,
    workers: int | None = None,
    show_progress: bool = True,
    learn_from: tuple[str, ...] = ('train', 'val'),
) -> np.ndarray | None:
    """Visual words learned from up to ``MAX_VOCABULARY_REGIONS`` samples of ``learn_from``.

    No label is used (only where the animals are). None when too few descriptors are found.
    """
    pool = [job for job in jobs if job[1] in learn_from and job[5] is None]
    if len(pool) > MAX_VOCABULARY_REGIONS:
        chosen = np.random.default_rng(seed).choice(len(pool), MAX_VOCABULARY_REGIONS, False)
        pool = [pool[i] for i in sorted(chosen)]
    samples = list(ordered_map(descriptor_sample, pool, workers, 'visual words', show_progress))
    stacked = np.concatenate(samples) if samples else np.zeros((0, 128), np.float32)
    if len(stacked) < 4 * VOCABULARY_SIZE:
        return None
    return learn_vocabulary(stacked, VOCABULARY_SIZE, seed)
