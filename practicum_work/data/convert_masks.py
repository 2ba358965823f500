"""``petseg convert-masks``: masks in another encoding turned into class ids, in a new copy.

Sources (``--from``): ``0-255`` (0 background, 255 pet; values in between, anti-aliased edges,
go by the threshold 128), ``0-1`` (0 background, 1 pet, 255 ignore kept), ``trimap`` (Oxford:
1 pet, 2 background, 3 border -> 255, or the pet with ``border='pet'``), ``rgb`` (colour masks:
each palette colour -> its class id), ``palette`` (indices -> class ids through a palette:
VOC's 8 cat, 12 dog). Any value or colour the table does not know becomes 255 (ignore) and is
counted in ``conversion.json``.

0/255, 0/1 and trimap masks only say *pet*; the species comes from the user: a file
(:func:`load_species`: ``stem,species`` CSV lines or Oxford's ``list.txt``), the file names
(``species_from_name='oxford'``: a capitalised stem is a cat, as in the Oxford-IIIT Pet
archive), or nowhere with ``binary=True``: the pet is written as 1 (background 0, ignore 255),
which the binary configs (hyp9: ``MergePetClasses`` leaves 1 as pet) read as they are.

The copy is written atomically next to the source, never over it: images and every other file
are hard-linked (copied across file systems), only the masks are rewritten.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.classes import BINARY_CLASSES, CAT, CLASSES, DOG, IGNORE_INDEX
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.core.image_io import UnreadableFileError, read_image_rgb, read_label_map
from practicum_work.core.layout import MASK_DIR, MASK_SUFFIX
from practicum_work.core.mask_encoding import (
    CONVERSION_FILE,
    USABLE_AS_IS,
    MaskEncoding,
    detect_mask_encoding,
    list_mask_files,
)
from practicum_work.core.mask_palettes import COLOUR_PALETTES, INDEX_PALETTES, Palette
from practicum_work.core.progress import ordered_map
from practicum_work.data.settings import BORDER_MODES, NAME_CONVENTIONS
from practicum_work.data.settings import MASK_SOURCES as SOURCES

PET_ONLY_SOURCES = frozenset({'0-255', '0-1', 'trimap'})  # need a species (or binary)
PALETTE_SOURCES = frozenset({'rgb', 'palette'})
TOOL = 'petseg convert-masks'
BINARY_PET = 1  # the binary configs' pet id (MergePetClasses' pet_label)
THRESHOLD_0_255 = 128
CHECK_SAMPLE = 300  # masks read to check that --from fits the data
SPECIES_WORDS = {'cat': CAT, 'dog': DOG, '1': CAT, '2': DOG}
_SHOWN_UNKNOWN = 20


@dataclass
class ConversionSummary:
    """What :func:`convert_masks` wrote (``conversion.json`` holds the same)."""

    tool: str
    data_root: str
    out: str
    source: str
    palette: str | None
    species: str | None
    binary: bool
    border: str
    classes: list[str]
    masks: dict[str, int] = field(default_factory=dict)
    species_counts: dict[str, dict[str, int]] = field(default_factory=dict)
    unknown_values: dict[str, int] = field(default_factory=dict)
    masks_with_unknown: int = 0
    masks_with_unknown_examples: list[str] = field(default_factory=list)
    intermediate_pixels: int = 0
    left_out: list[str] = field(default_factory=list)
    files_linked: int = 0
    detected_before: dict | None = None
    previous_conversion: dict | None = None
    seconds: float = 0.0


# ---------------------------------------------------------------- species


def _species_word(text: str) -> int | None:
    return SPECIES_WORDS.get(text.strip().lower())


def load_species(path: str | Path) -> dict[str, int]:
    """``{stem or split/stem: CAT | DOG}`` from a species file.

    Accepted: CSV ``stem,species`` lines (species ``cat``/``dog`` or ``1``/``2``; a header
    line is skipped), or whitespace columns: ``stem species``, or Oxford-IIIT Pet's
    ``list.txt`` (``Image CLASS-ID SPECIES BREED-ID``, SPECIES 1 cat, 2 dog; ``#`` comments).
    A malformed line or a stem given two species raises naming the file and line.
    """
    path = Path(path)
    if not path.is_file():
        raise DataLayoutError(f'species file {path} does not exist')
    species: dict[str, int] = {}
    lines = path.read_text(encoding='utf-8-sig').splitlines()
    first = True
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith('#'):
            continue
        parts = [p.strip() for p in line.split(',')] if ',' in line else line.split()
        column = 1 if len(parts) == 2 else 2 if len(parts) >= 3 and ',' not in line else None
        value = None if column is None else _species_word(parts[column])
        header, first = first, False
        if value is None:
            if header:
                continue
            raise PetsegError(
                f'{path}:{number}: expected "stem,species" (species cat or dog), or Oxford\'s '
                f'"Image CLASS-ID SPECIES BREED-ID", got {line!r}'
            )
        stem = parts[0]
        if species.get(stem, value) != value:
            raise PetsegError(f'{path}:{number}: {stem} was given another species before')
        species[stem] = value
    if not species:
        raise PetsegError(f'species file {path} lists no "stem,species" line')
    return species


def species_from_name(stem: str, convention: str = 'oxford') -> int:
    """The species a file name means under ``convention`` (``oxford``: capitalised = cat)."""
    if convention not in NAME_CONVENTIONS:
        raise PetsegError(f'--species-from-name takes {", ".join(NAME_CONVENTIONS)}')
    first = stem[:1]
    if not first.isalpha():
        raise PetsegError(
            f'{stem}: the Oxford naming needs a file name starting with a letter '
            '(capitalised = cat, lower case = dog); give --species FILE instead'
        )
    return CAT if first.isupper() else DOG


# ---------------------------------------------------------------- palettes


def _colour(value, where: str) -> tuple[int, int, int]:
    if (
        isinstance(value, list)
        and len(value) == 3
        and all(isinstance(v, int) and 0 <= v <= 255 for v in value)
    ):
        return tuple(value)
    raise PetsegError(f'{where}: expected a colour [r, g, b] (0-255), got {value!r}')


def _index(value, where: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 65535:
        return value
    raise PetsegError(f'{where}: expected a palette index (0-65535), got {value!r}')


def load_palette(spec: str | None, source: str) -> Palette:
    """The palette of ``--palette``: ``ours``, ``voc`` or a JSON file.

    JSON: ``{"background": X, "cat": X, "dog": X, "ignore": X}`` (any of them may be left
    out), X a colour ``[r, g, b]`` for ``--from rgb`` or an index for ``--from palette``, or a
    list of them.
    """
    builtin = COLOUR_PALETTES if source == 'rgb' else INDEX_PALETTES
    spec = spec or 'ours'
    if spec in builtin:
        return builtin[spec]
    path = Path(spec)
    if not path.is_file():
        raise PetsegError(
            f'--palette {spec}: neither {", ".join(builtin)} nor an existing JSON file'
        )
    try:
        document = json.loads(path.read_text(encoding='utf-8'))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise PetsegError(f'{path}: not JSON ({err})') from None
    ids = {name: i for i, name in enumerate(CLASSES)} | {'ignore': IGNORE_INDEX}
    if not isinstance(document, dict) or not document:
        raise PetsegError(f'{path}: expected an object {{"background": ..., "cat": ...}}')
    to_id, names = {}, {}
    for name, values in document.items():
        if name not in ids:
            raise PetsegError(f'{path}: unknown class {name!r} (use {", ".join(ids)})')
        where = f'{path} {name}'
        if source == 'palette':
            entries = [_index(v, where) for v in (values if isinstance(values, list) else [values])]
        else:
            several = isinstance(values, list) and values and isinstance(values[0], list)
            entries = [_colour(v, where) for v in (values if several else [values])]
        for key in entries:
            if to_id.get(key, ids[name]) != ids[name]:
                raise PetsegError(
                    f'{path}: {list(key) if source == "rgb" else key} is given to two classes'
                )
            to_id[key], names[key] = ids[name], name
    return Palette(str(path), to_id, names)


# ---------------------------------------------------------------- one mask


@dataclass(frozen=True)
class MaskJob:
    """One mask to convert (plain data: pickled to a worker)."""

    src: str
    dst: str
    file: str  # relative to the data root, for messages
    source: str
    pet: int | None  # the id pet pixels get (None: the species is unknown)
    border: str
    table: tuple = ()  # rgb / palette: ((key, id), ...)


@dataclass
class MaskResult:
    """What converting one mask found."""

    file: str
    problem: str = ''
    unknown: dict[str, int] = field(default_factory=dict)
    intermediate: int = 0
    has_pet: bool = False  # pet-only sources: the mask has pet pixels
    written: str = ''  # what the written mask holds: 'cat', 'dog', 'cat+dog', 'pet', 'no pet'


def _pet_values(job: MaskJob) -> tuple[int, ...]:
    """The source values that are the pet (they need a species)."""
    if job.source == '0-255':
        return tuple(range(THRESHOLD_0_255, 256))
    if job.source == '0-1':
        return (1,)
    return (1, 3) if job.border == 'pet' else (1,)


def _lut(job: MaskJob, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(lookup table source value -> id, which values the source defines)."""
    lut = np.full(size, IGNORE_INDEX, np.uint8)
    known = np.zeros(size, bool)
    if job.source == 'palette':
        for key, class_id in job.table:
            if key < size:
                lut[key], known[key] = class_id, True
        return lut, known
    defined = {'0-255': (0, 255), '0-1': (0, 1, IGNORE_INDEX), 'trimap': (1, 2, 3)}[job.source]
    known[list(defined)] = True
    if job.source == '0-255':
        lut[:THRESHOLD_0_255] = 0
        known[1:255] = True  # anti-aliased edges: thresholded, counted apart
    elif job.source == '0-1':
        lut[0] = 0
    else:
        lut[2] = 0
    lut[list(_pet_values(job))] = IGNORE_INDEX if job.pet is None else job.pet
    return lut, known


def _convert_single(job: MaskJob, values: np.ndarray, result: MaskResult) -> np.ndarray:
    size = max(256, int(values.max()) + 1)
    lut, known = _lut(job, size)
    counts = np.bincount(values.ravel(), minlength=size)
    if job.source == '0-255':
        result.intermediate = int(counts[1:255].sum())
    if job.source in PET_ONLY_SOURCES:
        result.has_pet = bool(counts[list(_pet_values(job))].any())
    unknown = np.flatnonzero((counts > 0) & ~known)
    result.unknown = {str(int(v)): int(counts[v]) for v in unknown}
    return lut[values]


def _convert_colours(job: MaskJob, rgb: np.ndarray, result: MaskResult) -> np.ndarray:
    pixels = rgb.astype(np.uint32)
    packed = (pixels[..., 0] << 16) | (pixels[..., 1] << 8) | pixels[..., 2]
    keys = np.array([(r << 16) | (g << 8) | b for (r, g, b), _ in job.table], np.uint32)
    ids = np.array([i for _, i in job.table], np.uint8)
    order = np.argsort(keys)
    keys, ids = keys[order], ids[order]
    at = np.clip(np.searchsorted(keys, packed), 0, max(len(keys) - 1, 0))
    found = keys[at] == packed if len(keys) else np.zeros(packed.shape, bool)
    out = np.where(found, ids[at] if len(keys) else IGNORE_INDEX, IGNORE_INDEX).astype(np.uint8)
    if not found.all():
        colours, counts = np.unique(packed[~found], return_counts=True)
        result.unknown = {
            f'{v >> 16},{(v >> 8) & 255},{v & 255}': int(n)
            for v, n in zip(colours.tolist(), counts.tolist())
        }
    return out


_WRITTEN = ((CAT, 'cat'), (DOG, 'dog'))


def convert_one(job: MaskJob) -> MaskResult:
    """Convert one mask and write it (single-channel PNG); problems come back, never raise."""
    result = MaskResult(job.file)
    try:
        if job.source == 'rgb':
            rgb, _ = read_image_rgb(job.src)  # palette PNGs and grey masks give colours too
            out = _convert_colours(job, rgb, result)
        else:
            values, _ = read_label_map(job.src)
            out = _convert_single(job, values, result)
    except UnreadableFileError as err:
        result.problem = str(err)
        return result
    if job.source in PET_ONLY_SOURCES and job.pet is None and result.has_pet:
        result.problem = 'no species given for this mask (it has pet pixels)'
        return result
    present = [name for class_id, name in _WRITTEN if (out == class_id).any()]
    result.written = '+'.join(present) or 'no pet'
    Path(job.dst).parent.mkdir(parents=True, exist_ok=True)
    if not cv2.imwrite(job.dst, out):
        result.problem = f'could not write {job.dst}'
    return result


# ---------------------------------------------------------------- the dataset


def _link_or_copy(src: Path, dst: Path) -> None:
    """Hard-link an unchanged file (no space), or copy it across file systems."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _check_fits(
    detected: MaskEncoding, source: str, force: bool, palette: str | None = None
) -> None:
    """Refuse a ``--from`` that contradicts what the masks clearly are (unless ``force``), and
    petseg's own palette for colour masks drawn with another one (unless ``--palette``)."""
    if force or not detected.files:
        return
    if detected.encoding in USABLE_AS_IS and not (
        source == '0-1' and detected.encoding == 'binary_01'
    ):
        raise PetsegError(
            f'the masks are already class ids ({detected.message}); nothing to convert '
            '(--force converts anyway)'
        )
    if detected.convert_from and source not in detected.convert_from:
        raise PetsegError(
            f'--from {source} does not fit these masks: {detected.message}; '
            f'use --from {detected.convert_from[0]} (or --force)'
        )
    if source in PALETTE_SOURCES and palette is None and detected.palette != 'ours':
        other = 'voc' if detected.palette == 'voc' else 'PALETTE.json'
        raise PetsegError(
            f"--from {source} without --palette reads petseg's colours, but these masks use "
            f'another palette: {detected.message}; give --palette {other} (or --force)'
        )


def _species_label(
    split: str, stem: str, species: Mapping[str, int] | None, convention: str | None
) -> int | None:
    if convention is not None:
        return species_from_name(stem, convention)
    if species is None:
        return None
    return species.get(f'{split}/{stem}', species.get(stem))


def _species_source(species: str | Path | None, convention: str | None) -> str | None:
    """Where the species came from, for conversion.json."""
    if species is not None:
        return str(species)
    return f'file names ({convention} convention)' if convention else None


def _validate(source: str, palette, species, species_name, binary: bool, border: str) -> None:
    if source not in SOURCES:
        raise PetsegError(f'--from must be one of {", ".join(SOURCES)}, got {source!r}')
    if border not in BORDER_MODES:
        raise PetsegError(f'--border must be one of {", ".join(BORDER_MODES)}, got {border!r}')
    given = [o for o, v in (('--species', species), ('--species-from-name', species_name),
                            ('--binary', binary)) if v]  # fmt: skip
    if source in PET_ONLY_SOURCES:
        if len(given) != 1:
            what = 'none' if not given else ' and '.join(given)
            raise PetsegError(
                f'--from {source} masks say only "pet": give the species with exactly one of '
                '--species FILE (stem,species lines), --species-from-name oxford (capitalised '
                f'= cat), or --binary (pet/background for hyp9); got {what}'
            )
        if palette is not None:
            raise PetsegError(f'--palette is for --from rgb or palette, not {source}')
    elif species is not None or species_name is not None:
        raise PetsegError(f'--from {source}: the colours or indices carry the species already')


def convert_masks(
    data_root: str | Path,
    out: str | Path,
    source: str,
    palette: str | None = None,
    species: str | Path | None = None,
    species_from_name: str | None = None,
    binary: bool = False,
    border: str = 'ignore',
    force: bool = False,
    workers: int | None = None,
    overwrite: bool = False,
    show_progress: bool = True,
) -> ConversionSummary:
    """Write a copy of ``data_root`` at ``out`` whose masks are class ids (see module doc).

    Refuses (one-line :class:`PetsegError`) before writing anything: a missing root, an output
    that exists (unless ``overwrite``) or lies inside the input, a ``source`` that the masks
    clearly are not (unless ``force``), a missing species source, a bad species or palette
    file. Masks that cannot be read are left out with their image and listed.
    """
    start = time.perf_counter()
    root, out = Path(data_root), Path(out)
    _validate(source, palette, species, species_from_name, binary, border)
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist')
    check_output_outside(out, root)
    if out.exists() and not overwrite:
        raise OutputExistsError(f'{out} already exists; pass --overwrite to replace it')
    masks = list_mask_files(root)
    if not masks:
        raise DataLayoutError(f'no masks under {root}/{MASK_DIR}/<split>/*{MASK_SUFFIX}')
    table_palette = load_palette(palette, source) if source in PALETTE_SOURCES else None
    species_map = load_species(species) if species is not None else None
    detected = detect_mask_encoding(root, max_files=CHECK_SAMPLE, workers=1)
    _check_fits(detected, source, force, palette)
    summary = ConversionSummary(
        TOOL,
        str(root),
        str(out),
        source,
        None if table_palette is None else table_palette.name,
        _species_source(species, species_from_name),
        binary,
        border,
        list(BINARY_CLASSES if binary else CLASSES),
        detected_before=detected.to_dict(),
    )
    previous = root / CONVERSION_FILE
    if previous.is_file():
        try:
            summary.previous_conversion = json.loads(previous.read_text(encoding='utf-8'))
        except (OSError, ValueError):
            summary.previous_conversion = None
    mask_set = {p.relative_to(root).as_posix() for p in masks}
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        jobs = _jobs(root, tmp, masks, source, table_palette, species_map, species_from_name,
                     binary, border)  # fmt: skip
        results = ordered_map(convert_one, jobs, workers, 'converting masks', show_progress)
        left_out = _collect(summary, jobs, results)
        converted = sum(summary.masks.values())
        if not force and converted and summary.masks_with_unknown * 2 > converted:
            colours = ', '.join(list(summary.unknown_values)[:4])
            raise PetsegError(
                f'{summary.masks_with_unknown} of {converted} masks hold values the table does '
                f'not know ({colours}; e.g. {root / summary.masks_with_unknown_examples[0]}): '
                'they would all become 255 (ignore); give the right --palette (or --force); '
                'nothing was written'
            )
        missing = [p for p in summary.left_out if 'no species given' in p]
        if missing:
            raise PetsegError(
                f'{len(missing)} masks with pet pixels have no species in {species} (e.g. '
                f'{root / missing[0].split(":")[0]}); add them, or use --binary'
            )
        for path in sorted(p for p in root.rglob('*') if p.is_file()):
            relative = path.relative_to(root).as_posix()
            parts = relative.split('/')
            pair = (parts[1], path.stem) if len(parts) == 3 else None
            if relative in mask_set or pair in left_out or relative == CONVERSION_FILE:
                continue
            _link_or_copy(path, tmp / relative)
            summary.files_linked += 1
        summary.seconds = round(time.perf_counter() - start, 3)
        text = json.dumps({**asdict(summary), 'version': _version()}, indent=2)
        (tmp / CONVERSION_FILE).write_text(text + '\n', encoding='utf-8')
    return summary


def _version() -> str:
    from practicum_work import __version__

    return __version__


def _jobs(root, tmp, masks, source, table_palette, species_map, convention, binary, border):
    table = () if table_palette is None else tuple(table_palette.to_id.items())
    if binary and table:  # cat and dog both become the pet
        table = tuple((k, BINARY_PET if v in (CAT, DOG) else v) for k, v in table)
    jobs = []
    for path in masks:
        relative = path.relative_to(root)
        split = relative.parts[1]
        pet = None
        if source in PET_ONLY_SOURCES:
            pet = (
                BINARY_PET if binary else _species_label(split, path.stem, species_map, convention)
            )
        jobs.append(
            MaskJob(str(path), str(tmp / relative), relative.as_posix(), source, pet, border, table)
        )
    return jobs


def _collect(summary: ConversionSummary, jobs: list[MaskJob], results) -> set[tuple[str, str]]:
    """Fold the per-mask results into ``summary``; the (split, stem) pairs left out."""
    unknown: Counter = Counter()
    left_out: set[tuple[str, str]] = set()
    masks: Counter = Counter()
    species: dict[str, Counter] = {}
    for job, result in zip(jobs, results):
        split = Path(job.file).parts[1]
        if result.problem:
            summary.left_out.append(f'{job.file}: {result.problem}')
            left_out.add((split, Path(job.file).stem))
            continue
        masks[split] += 1
        name = 'pet' if summary.binary and result.written != 'no pet' else result.written
        species.setdefault(split, Counter())[name] += 1
        summary.intermediate_pixels += result.intermediate
        if result.unknown:
            unknown.update(result.unknown)
            summary.masks_with_unknown += 1
            if len(summary.masks_with_unknown_examples) < _SHOWN_UNKNOWN:
                summary.masks_with_unknown_examples.append(job.file)
    summary.masks = dict(masks)
    summary.species_counts = {s: dict(c) for s, c in species.items()}
    summary.unknown_values = dict(unknown.most_common(64))
    return left_out
