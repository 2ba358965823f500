"""``petseg convert-oxford-pet``: the Oxford-IIIT Pet dataset in petseg's layout.

Source: the two official archives unpacked into one folder, or the folder that
``torchvision.datasets.OxfordIIITPet(root, download=True)`` writes (``root/oxford-iiit-pet/``;
both the root and that folder are accepted). :func:`download_oxford_pet` fetches the archives
through torchvision (its URLs and checksums, none of our own). Layout: ``images/<name>.jpg``,
``annotations/list.txt`` (columns ``Image CLASS-ID SPECIES BREED-ID``, SPECIES 1 = cat,
2 = dog, ``#`` comment lines),
``annotations/trainval.txt`` and ``annotations/test.txt`` (same columns), and
``annotations/trimaps/<name>.png`` (1 pet, 2 background, 3 border). Output: ``img/<split>``
and ``labels/<split>`` with 0 background, the image's species (1 cat, 2 dog) on pet pixels,
the border as 255 (``border='ignore'``) or as the pet (``border='pet'``); every image scaled so
that its longer side is ``size`` (aspect kept; images with area/bilinear, masks nearest); val
carved deterministically from trainval (per breed, ``val_fraction``, ``seed``).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.classes import BACKGROUND, CAT, DOG, IGNORE_INDEX
from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.core.image_io import (
    UnreadableFileError,
    read_image_rgb,
    read_label_map,
    write_pair,
)
from practicum_work.core.layout import IMAGE_DIR, MASK_DIR
from practicum_work.core.progress import ordered_map
from practicum_work.data.convert_masks import species_from_name
from practicum_work.data.settings import BORDER_MODES

TRIMAP_PET, TRIMAP_BACKGROUND, TRIMAP_BORDER = 1, 2, 3
SPECIES_CLASS = {1: CAT, 2: DOG}
JPEG_QUALITY = 95


@dataclass(frozen=True)
class PetRecord:
    """One annotated image: name, breed class id (1-37), species class (1 cat, 2 dog)."""

    name: str
    class_id: int
    label: int


@dataclass
class OxfordPetSummary:
    """What the conversion wrote and what it left out (with reasons)."""

    src: str
    out: str
    size: int
    border: str
    val_fraction: float
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    species: dict[str, dict[str, int]] = field(default_factory=dict)
    left_out: list[str] = field(default_factory=list)
    unexpected_trimap_pixels: int = 0
    # images no split file lists: name -> 'cat (file name)' ... when converted (into train)
    unlisted: dict[str, str] = field(default_factory=dict)
    unlisted_left_out: list[str] = field(default_factory=list)


def read_annotation_file(path: Path) -> list[PetRecord]:
    """Parse list.txt / trainval.txt / test.txt; a malformed line raises naming it."""
    if not path.is_file():
        raise DataLayoutError(f'{path} is missing (expected the Oxford-IIIT Pet annotations)')
    records = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        parts = line.split()
        try:
            name, class_id, species = parts[0], int(parts[1]), int(parts[2])
        except (IndexError, ValueError):
            raise PetsegError(
                f'{path}:{number}: expected "Image CLASS-ID SPECIES BREED-ID", got {line!r}'
            ) from None
        if species not in SPECIES_CLASS:
            raise PetsegError(f'{path}:{number}: SPECIES must be 1 (cat) or 2 (dog), got {species}')
        records.append(PetRecord(name, class_id, SPECIES_CLASS[species]))
    return records


def carve_val(records: list[PetRecord], fraction: float, seed: int) -> tuple[list, list]:
    """Split trainval into (train, val): ``fraction`` of each breed, chosen by ``seed``."""
    if not 0.0 <= fraction < 1.0:
        raise PetsegError(f'--val-fraction must be in [0, 1), got {fraction}')
    rng = np.random.default_rng(seed)
    val_names: set[str] = set()
    by_breed: dict[int, list[PetRecord]] = {}
    for record in sorted(records, key=lambda r: r.name):
        by_breed.setdefault(record.class_id, []).append(record)
    for class_id in sorted(by_breed):
        members = by_breed[class_id]
        n_val = round(fraction * len(members))
        for index in rng.permutation(len(members))[:n_val]:
            val_names.add(members[index].name)
    train = [r for r in records if r.name not in val_names]
    val = [r for r in records if r.name in val_names]
    return train, val


def trimap_to_labels(trimap: np.ndarray, label: int, border: str = 'ignore') -> np.ndarray:
    """Class map from a trimap: pet -> ``label``, background -> 0, border -> 255 or ``label``."""
    out = np.full(trimap.shape, IGNORE_INDEX, np.uint8)
    out[trimap == TRIMAP_BACKGROUND] = BACKGROUND
    out[trimap == TRIMAP_PET] = label
    out[trimap == TRIMAP_BORDER] = label if border == 'pet' else IGNORE_INDEX
    return out


def _target_size(width: int, height: int, size: int) -> tuple[int, int]:
    scale = size / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def _convert_one(job: tuple[Path, Path, str, PetRecord, int, str]) -> tuple[str, str, str, int]:
    """Write one image and mask; returns (split, name, problem or '', unexpected pixels)."""
    src, out, split, record, size, border = job
    image_path = src / 'images' / f'{record.name}.jpg'
    trimap_path = src / 'annotations' / 'trimaps' / f'{record.name}.png'
    if not image_path.is_file():
        return split, record.name, f'{image_path} is missing', 0
    if not trimap_path.is_file():
        return split, record.name, f'{trimap_path} is missing', 0
    try:
        image, _ = read_image_rgb(image_path)
    except UnreadableFileError as err:
        return split, record.name, f'{image_path}: {err}', 0
    try:
        trimap, _ = read_label_map(trimap_path)
    except UnreadableFileError as err:
        return split, record.name, f'{trimap_path}: {err}', 0
    if trimap.shape != image.shape[:2]:
        size = f'trimap {trimap.shape} != image {image.shape[:2]}'
        return split, record.name, f'{trimap_path}: {size}', 0
    unexpected = int(np.count_nonzero(~np.isin(trimap, (1, 2, 3))))
    labels = trimap_to_labels(trimap, record.label, border)
    width, height = _target_size(image.shape[1], image.shape[0], size)
    shrink = width < image.shape[1]
    image = cv2.resize(
        image, (width, height), interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR
    )
    labels = cv2.resize(labels, (width, height), interpolation=cv2.INTER_NEAREST)
    write_pair(out, split, record.name, image, labels, JPEG_QUALITY)
    return split, record.name, '', unexpected


TORCHVISION_FOLDER = 'oxford-iiit-pet'


def resolve_source(src: str | Path) -> Path:
    """The folder holding ``images/`` and ``annotations/``: ``src`` or its torchvision subfolder."""
    src = Path(src)
    nested = src / TORCHVISION_FOLDER
    if not (src / 'images').is_dir() and (nested / 'images').is_dir():
        return nested
    return src


def download_oxford_pet(root: str | Path) -> Path:
    """Fetch (or find already fetched) Oxford-IIIT Pet under ``root`` with torchvision.

    Returns the dataset folder (``root/oxford-iiit-pet``). Without network, a one-line
    :class:`PetsegError` says so and what to do instead.
    """
    from torchvision.datasets import OxfordIIITPet

    root = Path(root)
    created = [p for p in (root, root / TORCHVISION_FOLDER) if not p.exists()]
    try:
        OxfordIIITPet(str(root), split='trainval', target_types='segmentation', download=True)
    except (OSError, RuntimeError) as err:  # URLError is an OSError; checksum/extract errors
        for folder in reversed(created):  # leave no empty folder behind
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        reason = ' '.join(str(getattr(err, 'reason', err)).split())[:160]
        raise PetsegError(
            f'cannot download Oxford-IIIT Pet into {root} through torchvision '
            f'({type(err).__name__}: {reason}); without network, fetch images.tar.gz and '
            'annotations.tar.gz from https://www.robots.ox.ac.uk/~vgg/data/pets/, unpack both '
            'into one folder and pass it as --src'
        ) from err
    return root / TORCHVISION_FOLDER


def read_splits(annotations: Path, val_fraction: float, seed: int) -> dict[str, list[PetRecord]]:
    """train / val / test records from list.txt, trainval.txt and test.txt (val carved)."""
    species = {r.name: r.label for r in read_annotation_file(annotations / 'list.txt')}
    trainval = read_annotation_file(annotations / 'trainval.txt')
    test = read_annotation_file(annotations / 'test.txt')
    for record in (*trainval, *test):
        if species.get(record.name, record.label) != record.label:
            raise PetsegError(
                f'{record.name}: species differs between list.txt and the split files'
            )
    if not trainval and not test:
        raise DataLayoutError(
            f'{annotations}/trainval.txt and test.txt list no image; nothing to convert'
        )
    train, val = carve_val(trainval, val_fraction, seed)
    return {'train': train, 'val': val, 'test': test}


UNLISTED_HINT = (
    '--include-unlisted converts them into train (species from list.txt, else the file name: '
    'capitalised = cat, as list.txt says)'
)


def unlisted_images(src: Path, splits: dict[str, list[PetRecord]]) -> list[str]:
    """Names of ``images/*.jpg`` that neither trainval.txt nor test.txt lists."""
    listed = {record.name for records in splits.values() for record in records}
    return sorted(p.stem for p in (src / 'images').glob('*.jpg') if p.stem not in listed)


def _add_unlisted(
    src: Path, splits: dict[str, list[PetRecord]], summary: OxfordPetSummary, include: bool
) -> None:
    """List the unlisted images as left out, or add them to train with a stated species."""
    known = {r.name: r.label for r in read_annotation_file(src / 'annotations' / 'list.txt')}
    for name in unlisted_images(src, splits):
        if not include:
            summary.left_out.append(
                f'images/{name}.jpg: not listed in annotations/trainval.txt or test.txt (no '
                'split); --include-unlisted converts it into train'
            )
            summary.unlisted_left_out.append(name)
            continue
        label, origin = known.get(name), 'list.txt'
        if label is None:
            try:
                label, origin = species_from_name(name, 'oxford'), 'file name'
            except PetsegError as err:
                summary.left_out.append(f'images/{name}.jpg: {err}')
                continue
        splits['train'].append(PetRecord(name, 0, label))
        summary.unlisted[name] = f'{"cat" if label == CAT else "dog"} ({origin})'


def convert_oxford_pet(
    src: str | Path,
    out: str | Path,
    size: int = 256,
    border: str = 'ignore',
    val_fraction: float = 0.15,
    seed: int = 0,
    workers: int | None = None,
    overwrite: bool = False,
    show_progress: bool = True,
    include_unlisted: bool = False,
) -> OxfordPetSummary:
    """Convert the Oxford-IIIT Pet folder ``src`` into ``out`` (atomically).

    ``src`` is the archive folder or torchvision's download root (see :func:`resolve_source`).
    Images that neither trainval.txt nor test.txt lists are left out and listed, or with
    ``include_unlisted`` converted into train, their species from list.txt or, failing that,
    from the file name (the archive's convention: a capitalised name is a cat).
    """
    out = Path(out)
    if not Path(src).is_dir():
        raise DataLayoutError(f'Oxford-IIIT Pet folder {src} does not exist')
    src = resolve_source(src)
    for needed in (src / 'images', src / 'annotations' / 'trimaps'):
        if not needed.is_dir():
            raise DataLayoutError(f'{needed} is missing (expected the Oxford-IIIT Pet layout)')
    if border not in BORDER_MODES:
        raise PetsegError(f'--border must be one of {BORDER_MODES}, got {border!r}')
    if size < 8:
        raise PetsegError(f'--size must be at least 8, got {size}')
    check_output_outside(out, src)
    splits = read_splits(src / 'annotations', val_fraction, seed)
    summary = OxfordPetSummary(str(src), str(out), size, border, val_fraction, seed)
    _add_unlisted(src, splits, summary, include_unlisted)
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        for split in splits:
            (tmp / IMAGE_DIR / split).mkdir(parents=True)
            (tmp / MASK_DIR / split).mkdir(parents=True)
        jobs = [
            (src, tmp, split, record, size, border)
            for split, records in splits.items()
            for record in sorted(records, key=lambda r: r.name)
        ]
        counts: Counter = Counter()
        per_species: dict[str, Counter] = {s: Counter() for s in splits}
        results = ordered_map(_convert_one, jobs, workers, 'converting', show_progress)
        for job, (split, name, problem, unexpected) in zip(jobs, results):
            if problem:
                summary.left_out.append(f'{split}/{name}: {problem}')
                continue
            counts[split] += 1
            per_species[split]['cat' if job[3].label == CAT else 'dog'] += 1
            summary.unexpected_trimap_pixels += unexpected
        if not sum(counts.values()):  # raising here discards the temporary output
            raise PetsegError(
                f'no image of {src} could be converted ({len(summary.left_out)} left out, '
                f'e.g. {summary.left_out[0]})'
            )
        summary.counts = {s: counts[s] for s in splits}
        summary.species = {s: dict(per_species[s]) for s in splits}
        (tmp / 'conversion.json').write_text(json.dumps(asdict(summary), indent=2) + '\n')
    return summary
