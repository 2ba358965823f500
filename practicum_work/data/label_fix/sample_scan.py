"""Read every image/mask pair once: the registered checks' findings, pixel statistics, species
regions, descriptors.

:func:`scan_sample` runs in worker processes (one pair in memory each) and returns a small
:class:`SampleScan`. Each pair is read once (:func:`~practicum_work.data.checks.sample.read_pair`,
the reader eda uses) and the checks fix-labels runs (:mod:`practicum_work.data.checks`) judge
it: the same findings under the same names as eda's. Checks of what the labels say (empty and
tiny masks) judge the mask as the cleaned copy would hold it, after the format fixes of the
policies (stray values replaced, a size fixed). The masks are read again only when the copy is
written.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np

from practicum_work.core.findings import ERROR, Check, Finding
from practicum_work.core.image_io import decoded_rgb
from practicum_work.core.layout import SplitPairing
from practicum_work.core.mask_encoding import count_values
from practicum_work.core.progress import ordered_map
from practicum_work.data.checks import load_checks
from practicum_work.data.checks.foreground import min_fg_pixels
from practicum_work.data.checks.sample import PairSample, read_pair
from practicum_work.data.checks.settings import CheckSettings
from practicum_work.data.checks.stray_values import stray_counts
from practicum_work.data.label_fix.fingerprints import file_fingerprint
from practicum_work.data.label_fix.mask_policies import (
    class_pixel_counts,
    replace_stray,
    resize_nearest,
)
from practicum_work.data.label_fix.region_features import region_features
from practicum_work.data.label_fix.regions import SpeciesRegion, find_regions
from practicum_work.data.label_fix.settings import MaskPolicies
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

TOOL = 'fix-labels'
_PAIRING_DETAIL = {
    'image_without_mask': '{image} has no mask',
    'mask_without_image': '{mask} has no image',
    'ambiguous_image': 'more than one image file with stem {stem!r}: {image}',
}


@dataclass(frozen=True)
class ScanJob:
    """One sample to scan (paths relative to ``root``), picklable for the workers."""

    root: str
    split: str
    stem: str
    image: str | None
    mask: str | None
    problem: str | None  # the pairing finding that leaves it out, or None
    policies: MaskPolicies = field(default_factory=MaskPolicies)
    features: bool = True  # region descriptors for the ``self`` classifier
    vocabulary: str | None = None  # .npy of visual words (see visual_words); None: no words


@dataclass
class SampleScan:
    """What one sample looks like; paths are relative to the data root."""

    split: str
    stem: str
    image: str | None
    mask: str | None
    problem: str | None = None  # the kind of finding that leaves it out (unusable)
    problem_detail: str = ''
    image_size: tuple[int, int] | None = None  # (width, height)
    image_mode: str | None = None
    mask_size: tuple[int, int] | None = None
    mask_mode: str | None = None
    counts: dict[str, int] = field(default_factory=dict)  # of the mask as stored
    stray: dict[int, int] = field(default_factory=dict)
    size_mismatch: bool = False
    foreground_problem: str | None = None  # 'empty_mask' / 'tiny_mask' after format fixes
    findings: list[Finding] = field(default_factory=list)  # the registered checks' (one record)
    regions: list[SpeciesRegion] = field(default_factory=list)
    features: np.ndarray | None = None  # (len(regions), F) descriptors for the self classifier
    fingerprints: dict[str, dict] = field(default_factory=dict)  # 'image'/'mask' -> fingerprint


def scan_jobs(
    root: Path,
    pairings: list[SplitPairing],
    policies: MaskPolicies | None = None,
    features: bool = True,
) -> list[ScanJob]:
    """One job per sample: paired, unpaired and ambiguous files alike, in a stable order."""
    policies = policies or MaskPolicies()
    jobs = []
    for pairing in pairings:
        entries: list[tuple[str, Path | None, Path | None, str | None]] = []
        entries += [(p.stem, p.image_path, p.mask_path, None) for p in pairing.pairs]
        entries += [(p.stem, p, None, 'image_without_mask') for p in pairing.images_without_mask]
        entries += [(p.stem, None, p, 'mask_without_image') for p in pairing.masks_without_image]
        entries += [(p.stem, p, None, 'ambiguous_image') for p in pairing.ambiguous_images]
        for stem, image, mask, problem in sorted(entries, key=lambda e: (e[0], str(e[1]))):
            rel = [None if p is None else p.relative_to(root).as_posix() for p in (image, mask)]
            jobs.append(ScanJob(str(root), pairing.split, stem, *rel, problem, policies, features))
    return jobs


@cache
def _checks() -> tuple[tuple[Check, ...], tuple[Check, ...]]:
    """The per-pair checks fix-labels runs: on the files as stored, on the labels as fixed."""
    checks = load_checks().instances(TOOL, 'on_pair')
    return (
        tuple(c for c in checks if not c.judges_labels),
        tuple(c for c in checks if c.judges_labels),
    )


def _left_out(job: ScanJob, sample: PairSample, scan: SampleScan) -> None:
    """Why the sample cannot be used at all (unpaired, or a file without pixels or ids)."""
    if job.problem is not None:
        detail = _PAIRING_DETAIL[job.problem].format(image=job.image, mask=job.mask, stem=job.stem)
        file = job.image or job.mask
        scan.findings.insert(
            0, load_checks().finding(job.problem, job.split, job.stem, detail, file=file)
        )
        scan.problem, scan.problem_detail = job.problem, detail
        return
    if sample.image_ok and sample.labels is not None:
        return
    bad = sample.image_file if not sample.image_ok else sample.mask_file
    cause = next(f for f in scan.findings if f.file == bad and f.severity == ERROR)
    scan.problem, scan.problem_detail = cause.kind, f'{bad}: {cause.message}'


def _inspect(job: ScanJob) -> tuple[SampleScan, np.ndarray | None, list[np.ndarray]]:
    """The scan of one sample without descriptors, its RGB image and its regions' pixels."""
    root = Path(job.root)
    scan = SampleScan(job.split, job.stem, job.image, job.mask)
    for key, rel in (('image', job.image), ('mask', job.mask)):
        if rel is not None and (root / rel).is_file():
            scan.fingerprints[key] = file_fingerprint(root / rel)
    thresholds = CheckSettings.of(job.policies)
    sample = read_pair(
        job.root,
        job.split,
        job.stem,
        None if job.image is None else str(root / job.image),
        None if job.mask is None else str(root / job.mask),
        thresholds,
        colour=job.features,
    )
    as_stored, of_labels = _checks()
    for check in as_stored:
        check.on_pair(sample, scan.findings)
    if sample.image is not None:
        scan.image_size, scan.image_mode = sample.image.size, sample.image.mode or None
    if sample.mask is not None:
        scan.mask_size, scan.mask_mode = sample.mask.size, sample.mask.mode or None
    _left_out(job, sample, scan)
    image = decoded_rgb(sample.image) if job.features and sample.image_ok else None
    if sample.labels is None:
        return scan, image, []
    scan.counts = class_pixel_counts(sample.value_counts)
    scan.stray = stray_counts(sample.value_counts)
    fixed = replace_stray(sample.labels, job.policies.stray_policy)
    if scan.image_size is not None and scan.mask_size != scan.image_size:
        scan.size_mismatch = True
        if job.policies.size_policy != 'resize':
            return scan, image, []
        fixed = resize_nearest(fixed, scan.image_size)
    as_fixed = replace(sample, labels=fixed, value_counts=count_values(fixed))
    judged: list[Finding] = []
    for check in of_labels:
        check.on_pair(as_fixed, judged)
    scan.findings += judged
    scan.foreground_problem = next((f.kind for f in judged), None)
    if scan.problem is not None or scan.foreground_problem is not None:
        return scan, image, []
    min_pixels = min_fg_pixels(job.policies.min_fg_share, fixed.size)
    scan.regions, selections = find_regions(fixed, min_pixels)
    return scan, image, selections


def _descriptor_vector(image: np.ndarray, selection: np.ndarray, vocabulary: str | None):
    features = region_features(image, selection)
    if vocabulary is None:
        return features
    words = encode_words(dense_descriptors(image, selection), load_vocabulary(vocabulary))
    return np.concatenate([features, words])


def scan_sample(job: ScanJob) -> SampleScan:
    """Inspect one sample: findings, statistics, regions and (``job.features``) descriptors."""
    scan, image, selections = _inspect(job)
    if job.features and image is not None and selections:
        scan.features = np.stack([_descriptor_vector(image, s, job.vocabulary) for s in selections])
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
    pool = [job for job in jobs if job.split in learn_from and job.problem is None]
    if len(pool) > MAX_VOCABULARY_REGIONS:
        chosen = np.random.default_rng(seed).choice(len(pool), MAX_VOCABULARY_REGIONS, False)
        pool = [pool[i] for i in sorted(chosen)]
    samples = list(ordered_map(descriptor_sample, pool, workers, 'visual words', show_progress))
    stacked = np.concatenate(samples) if samples else np.zeros((0, 128), np.float32)
    if len(stacked) < 4 * VOCABULARY_SIZE:
        return None
    return learn_vocabulary(stacked, VOCABULARY_SIZE, seed)
