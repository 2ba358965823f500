"""How a dataset's masks encode their classes, recognised from all its masks at once.

One mask alone is often ambiguous (a mask holding only 0 and 1 may be ours with a cat, or a
binary 0/1 mask); a dataset is not: its value histogram, channels and colours, summed over
every mask, tell the common encodings apart.

``class_ids``  ours: 0 background, 1 cat, 2 dog, 255 ignore (palette PNGs whose indices are
               these ids included: they are read as indices).
``binary_01``  0/1 (and 255) only, no 2 anywhere: pet/background masks (hyp9 reads them as
               they are; ``petseg convert-masks --binary`` writes them) or a cats-only dataset.
``0-255``      0 background, 255 pet: the pet would be *ignored* by training.
``trimap``     Oxford-IIIT Pet trimaps: 1 pet, 2 background, 3 border, no 0.
``rgb``        colour masks (channels differ) with a palette: ours (:data:`~.classes.PALETTE`,
               ignore white) or VOC's (cat (64, 0, 0), dog (64, 0, 128)); else unknown.
``palette``    indices that are not ours: VOC's (8 cat, 12 dog) or an unknown palette PNG.
``mixed``      several of these in one dataset (a second one on >= 25 % of the files).
``unknown``    none of these (or no readable mask, or no foreground value anywhere).

The palettes (ours, VOC's) are in :mod:`.mask_palettes`.

Entry points: :func:`require_class_ids` (training's preflight, fix-labels: the record, or one
clear error with the convert command); :func:`detect_mask_encoding` (list, read and classify a
dataset's masks, or an even sample of them); :class:`EncodingTally` (add one
:class:`MaskSummary` at a time, for a tool that reads the masks anyway, e.g. eda) and
:func:`summarise_pixels`. The result is a :class:`MaskEncoding`: the encoding, its evidence, a
one-line message and the convert command.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from practicum_work.core.classes import BACKGROUND, CAT, DOG, IGNORE_INDEX
from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.core.image_io import read_mask
from practicum_work.core.layout import MASK_DIR, MASK_SUFFIX, SPLITS
from practicum_work.core.mask_palettes import (
    COLOUR_PALETTES,
    INDEX_PALETTES,
    PALETTE_TITLES,
    VOC_CAT,
    VOC_DOG,
    Colour,
    Palette,
)

CLASS_IDS, BINARY_01, ZERO_255, TRIMAP = 'class_ids', 'binary_01', '0-255', 'trimap'
RGB, PALETTE_INDICES, MIXED, UNKNOWN = 'rgb', 'palette', 'mixed', 'unknown'
ENCODINGS: tuple[str, ...] = (
    CLASS_IDS, BINARY_01, ZERO_255, TRIMAP, RGB, PALETTE_INDICES, MIXED, UNKNOWN,
)  # fmt: skip
USABLE_AS_IS = frozenset({CLASS_IDS, BINARY_01})

# Per-file kinds (one mask's evidence; the dataset decides).
IDS, AMBIGUOUS, BLANK, ZERO_255_FILE, TRIMAP_FILE = 'ids', 'ambiguous', 'blank', '0-255', 'trimap'
COLOUR, INDICES, OTHER, UNREADABLE = 'colour', 'indices', 'other', 'unreadable'
NEUTRAL_KINDS = frozenset({AMBIGUOUS, BLANK, UNREADABLE})
KIND_DESCRIPTION: dict[str, str] = {
    IDS: 'class ids (0 with 1 and/or 2)',
    AMBIGUOUS: '1/2 without 0 (ids without background, or a trimap without border)',
    BLANK: 'a single value or background with ignore only',
    ZERO_255_FILE: '0/255 only',
    TRIMAP_FILE: 'trimap values 1/2/3',
    COLOUR: 'RGB colours (channels differ)',
    INDICES: 'indices 3..20 (VOC-like)',
    OTHER: 'other values',
    UNREADABLE: 'unreadable',
}

OURS_INDICES = frozenset({0, 1, 2, IGNORE_INDEX})
TRIMAP_VALUES = frozenset({1, 2, 3})
MIXED_SHARE = 0.25  # a second encoding on >= 25 % of the files (and >= 2 files) makes it mixed
PALETTE_COVERAGE = 0.95  # a colour palette is recognised when its colours cover 95 % of pixels
PETS_SHARE = 0.5  # ... and it reads at least half of the other pixels as cat or dog
MAX_COLOURS_PER_FILE = 64
_MAX_TALLY_COLOURS = 4096
_SHOWN = 8
_EXACT_HIST_LIMIT = 1 << 24  # float32 histogram counts are exact below 2**24 pixels
_OXFORD_STEM = re.compile(r'^[A-Za-z][A-Za-z_]*_\d+$')
# The marker ``petseg convert-masks`` leaves at the top of its output.
CONVERSION_FILE = 'conversion.json'


def count_values(labels: np.ndarray) -> dict[int, int]:
    """``{value: pixel count}`` of a 2-D label map (vectorised)."""
    if labels.dtype == np.uint8:
        if labels.size < _EXACT_HIST_LIMIT:
            hist = cv2.calcHist([labels], [0], None, [256], [0, 256]).ravel()
        else:
            hist = np.bincount(labels.ravel(), minlength=256)
        (values,) = np.nonzero(hist)
        return {int(v): int(hist[v]) for v in values}
    values, counts = np.unique(labels, return_counts=True)
    return {int(v): int(c) for v, c in zip(values, counts)}


def count_colours(rgb: np.ndarray) -> dict[Colour, int]:
    """``{(r, g, b): pixel count}`` of an (H, W, 3) uint8 image (packed to 24 bits, vectorised)."""
    rgb = rgb.astype(np.uint32, copy=False)
    packed = (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]
    values, counts = np.unique(packed.ravel(), return_counts=True)
    return {
        (int(v >> 16), int((v >> 8) & 255), int(v & 255)): int(n)
        for v, n in zip(values.tolist(), counts.tolist())
    }


@dataclass
class MaskSummary:
    """One mask's evidence: mode, value counts (one channel) or colour counts (channels differ)."""

    file: str
    mode: str = ''
    values: dict[int, int] | None = None
    colours: dict[Colour, int] | None = None  # the most frequent MAX_COLOURS_PER_FILE
    other_colour_pixels: int = 0  # pixels of the colours left out of ``colours``
    index_colours: dict[int, Colour] | None = None  # palette PNG: the colour of each used index
    problem: str = ''

    @property
    def kind(self) -> str:
        """What this one mask looks like (see :data:`KIND_DESCRIPTION`)."""
        if self.problem:
            return UNREADABLE
        if self.colours is not None:
            return COLOUR
        return value_kind(self.values or {})


def value_kind(counts: Mapping[int, int]) -> str:
    """The kind of a single-channel mask from its value counts."""
    present = set(counts)
    total = sum(counts.values()) or 1
    foreground = present & {1, 2}
    if present <= OURS_INDICES:
        if foreground:
            return IDS if 0 in present else AMBIGUOUS
        return ZERO_255_FILE if present == {0, IGNORE_INDEX} else BLANK
    if present <= TRIMAP_VALUES:  # holds 3 (else it was handled above)
        return TRIMAP_FILE
    extreme = counts.get(0, 0) + counts.get(255, 0)
    small = counts.get(1, 0) + counts.get(2, 0)
    between = present - {0, 1, 2, 255}
    if (
        {0, 255} <= present
        and len(between) >= 3
        and extreme >= 0.95 * total
        and small <= 0.01 * total
    ):
        return ZERO_255_FILE  # anti-aliased 0/255 (intermediate values on the edges)
    if 0 in present and foreground and sum(counts.get(v, 0) for v in OURS_INDICES) >= 0.9 * total:
        return IDS  # class ids with a few stray values (eda reports them per file)
    if present <= set(range(21)) | {IGNORE_INDEX}:
        return INDICES
    return OTHER


def summarise_pixels(
    pixels: np.ndarray,
    mode: str,
    file: str,
    values: Mapping[int, int] | None = None,
    index_colours: Mapping[int, Colour] | None = None,
) -> MaskSummary:
    """The summary of one decoded mask (RGB(A) channel order for colour masks).

    ``values``: value counts already computed by the caller (skips counting again).
    """
    summary = MaskSummary(file, mode)
    if pixels.ndim == 3:
        colour = pixels[..., :1] if pixels.shape[2] == 2 else pixels[..., :3]
        if colour.shape[2] == 3 and not (colour == colour[..., :1]).all():
            counts = count_colours(colour)
            top = sorted(counts.items(), key=lambda kv: -kv[1])
            summary.colours = dict(top[:MAX_COLOURS_PER_FILE])
            summary.other_colour_pixels = sum(n for _, n in top[MAX_COLOURS_PER_FILE:])
            return summary
        pixels = np.ascontiguousarray(colour[..., 0])
    if values is None:
        if pixels.dtype.kind == 'f':
            pixels = np.round(pixels).astype(np.int64)
        elif pixels.dtype == bool:
            pixels = pixels.astype(np.uint8)
        values = count_values(pixels)
    summary.values = dict(values)
    if index_colours is not None:
        summary.index_colours = {i: index_colours[i] for i in summary.values if i in index_colours}
    return summary


def palette_colours(path: Path) -> dict[int, Colour] | None:
    """The colours of a palette PNG's indices (header and PLTE chunk only)."""
    try:
        with Image.open(path) as image:
            flat = image.getpalette() or []
    except (OSError, ValueError, SyntaxError):
        return None
    return {i // 3: tuple(flat[i : i + 3]) for i in range(0, len(flat) - 2, 3)}


def summarise_mask_file(path: str | Path, file: str | None = None) -> MaskSummary:
    """Read one mask (:func:`~.image_io.read_mask`, stored values kept) and summarise it."""
    path = Path(path)
    file = file or str(path)
    decoded = read_mask(path)
    if decoded.problem or decoded.pixels is None:
        return MaskSummary(file, decoded.mode, problem=decoded.message or 'unreadable')
    colours = palette_colours(path) if decoded.mode == 'P' else None
    return summarise_pixels(decoded.pixels, decoded.mode, file, index_colours=colours)


def _name_kind(stem: str) -> str:
    """'upper' / 'lower' for stems in Oxford-IIIT Pet's naming (``Breed_123``), else ''."""
    if not _OXFORD_STEM.match(stem):
        return ''
    return 'upper' if stem[0].isupper() else 'lower'


@dataclass
class MaskEncoding:
    """What a dataset's masks are: the encoding, its evidence, a message and the fix.

    ``usable`` is True when the masks can be trained on as they are (``class_ids``, and
    ``binary_01`` for the binary configs or a cats-only dataset).
    """

    encoding: str
    message: str
    convert_command: str | None = None
    convert_from: tuple[str, ...] = ()  # the --from values that fit (the first is suggested)
    palette: str | None = None  # rgb / palette: 'ours', 'voc' or None (not recognised)
    files: int = 0  # masks looked at
    files_found: int = 0  # masks in the dataset (more than ``files`` when sampled)
    kinds: dict[str, int] = field(default_factory=dict)  # per-file kind -> files
    values: dict[int, int] = field(default_factory=dict)  # value -> pixels (one channel)
    files_with_value: dict[int, int] = field(default_factory=dict)
    colours: list[dict] = field(default_factory=list)  # most frequent colours, with names
    modes: dict[str, int] = field(default_factory=dict)
    examples: dict[str, list[str]] = field(default_factory=dict)  # kind -> first files
    written_by: str | None = None  # 'petseg convert-masks --binary' when its marker says so
    seconds: float = 0.0

    @property
    def usable(self) -> bool:
        """Whether training and the data tools can read the masks as class ids as they are."""
        return self.encoding in USABLE_AS_IS

    @property
    def example(self) -> str | None:
        """One file showing the encoding (of its main kind), for messages."""
        for kind in MAIN_KINDS.get(self.encoding, ()):
            if self.examples.get(kind):
                return self.examples[kind][0]
        return next((files[0] for files in self.examples.values() if files), None)

    def to_dict(self) -> dict:
        """JSON-ready record (report.json's ``mask_encoding``)."""
        return {
            'encoding': self.encoding,
            'usable_as_is': self.usable,
            'message': self.message,
            'convert_command': self.convert_command,
            'convert_from': list(self.convert_from),
            'palette': self.palette,
            'files': self.files,
            'files_found': self.files_found,
            'files_by_kind': dict(self.kinds),
            'value_pixels': {str(v): n for v, n in sorted(self.values.items())[:64]},
            'files_with_value': {str(v): n for v, n in sorted(self.files_with_value.items())[:64]},
            'colours': self.colours,
            'mask_modes': dict(self.modes),
            'examples': self.examples,
            'written_by': self.written_by,
            'seconds': round(self.seconds, 3),
        }


MAIN_KINDS: dict[str, tuple[str, ...]] = {
    CLASS_IDS: (IDS,),
    BINARY_01: (IDS,),
    ZERO_255: (ZERO_255_FILE,),
    TRIMAP: (TRIMAP_FILE,),
    RGB: (COLOUR,),
    PALETTE_INDICES: (INDICES, OTHER),
    UNKNOWN: (OTHER, AMBIGUOUS, BLANK, UNREADABLE),
}


class EncodingTally:
    """Running evidence over a dataset's masks: add :class:`MaskSummary` records, then
    :meth:`result`. Memory stays small (counters; colours capped)."""

    def __init__(self, data_root: str | Path | None = None, examples: int = 3) -> None:
        self.data_root = None if data_root is None else Path(data_root)
        self.max_examples = examples
        self.files = 0
        self.kinds: Counter = Counter()
        self.values: Counter = Counter()
        self.files_with_value: Counter = Counter()
        self.colours: Counter = Counter()
        self.modes: Counter = Counter()
        self.index_colours: dict[int, Colour] = {}
        self.examples: dict[str, list[str]] = {}
        self.name_kinds: Counter = Counter()

    def add(self, summary: MaskSummary) -> None:
        """Add one mask's summary."""
        self.files += 1
        kind = summary.kind
        self.kinds[kind] += 1
        if summary.mode:
            self.modes[summary.mode] += 1
        listed = self.examples.setdefault(kind, [])
        if len(listed) < self.max_examples:
            listed.append(summary.file)
        self.name_kinds[_name_kind(Path(summary.file).stem)] += 1
        if summary.values is not None:
            self.values.update(summary.values)
            self.files_with_value.update(summary.values.keys())
        if summary.colours is not None:
            self.colours.update(summary.colours)
            if len(self.colours) > _MAX_TALLY_COLOURS:  # keep the frequent ones only
                self.colours = Counter(dict(self.colours.most_common(_MAX_TALLY_COLOURS // 4)))
        for index, colour in (summary.index_colours or {}).items():
            self.index_colours.setdefault(index, colour)

    def result(self, files_found: int | None = None, seconds: float = 0.0) -> MaskEncoding:
        """Classify the dataset from everything added (see the module doc)."""
        record = MaskEncoding(
            UNKNOWN,
            '',
            files=self.files,
            files_found=self.files if files_found is None else files_found,
            kinds=dict(self.kinds.most_common()),
            values=dict(sorted(self.values.items())),
            files_with_value=dict(sorted(self.files_with_value.items())),
            modes=dict(self.modes.most_common()),
            examples={k: list(v) for k, v in self.examples.items()},
            seconds=seconds,
        )
        _classify(self, record)
        return record


def _decisive(kinds: Mapping[str, int]) -> list[tuple[str, int]]:
    return sorted(
        ((k, n) for k, n in kinds.items() if k not in NEUTRAL_KINDS and n),
        key=lambda kv: -kv[1],
    )


def _root_text(root: Path | None) -> tuple[str, str]:
    if root is None:
        return 'DATA_ROOT', 'DATA_ROOT_ids'
    return str(root), f'{str(root).rstrip("/")}_ids'


def _command(root: Path | None, source: str, *extra: str) -> str:
    """The convert-masks command line for ``root`` (placeholders where the user must choose)."""
    data, out = _root_text(root)
    return ' '.join(
        ['petseg convert-masks', '--data-root', data, '--out', out, '--from', source, *extra]
    )


def _suggest(record: MaskEncoding, root: Path | None, source: str, *extra: str) -> None:
    """Set the convert command (``--from source``) and the sources that fit."""
    record.convert_command = _command(root, source, *extra)
    record.convert_from = (source,)


def _species_option(tally: EncodingTally) -> tuple[str, str]:
    """The species option to suggest and a note: Oxford's naming only when the names fit it."""
    names = tally.name_kinds
    if names.get('upper') and names.get('lower') and not names.get(''):
        return (
            '--species-from-name oxford',
            ' (Oxford-style names, capitalised = cat; if not, --species FILE.csv or --binary)',
        )
    return (
        '--species SPECIES.csv',
        ' (SPECIES.csv: "stem,species" lines; or --binary for pet/background, hyp9)',
    )


def _written_binary(root: Path | None) -> bool:
    if root is None or not (root / CONVERSION_FILE).is_file():
        return False
    try:
        marker = json.loads((root / CONVERSION_FILE).read_text(encoding='utf-8'))
    except (OSError, ValueError):
        return False
    return (
        isinstance(marker, dict)
        and marker.get('tool') == 'petseg convert-masks'
        and bool(marker.get('binary'))
    )


def _named_colours(colours: Mapping[Colour, int], palette: Palette | None) -> list[dict]:
    total = sum(colours.values()) or 1
    names = palette.names if palette is not None else {}
    return [
        {'rgb': list(c), 'pixels': n, 'share': round(n / total, 4), 'name': names.get(c)}
        for c, n in sorted(colours.items(), key=lambda kv: -kv[1])[:12]
    ]


def _pets_share(counts: Mapping, palette: Palette) -> float:
    """Of the pixels ``palette`` reads as neither background nor ignore, the share it reads as
    cat or dog (1.0 when there are none)."""
    ids = [(palette.to_id.get(value), n) for value, n in counts.items()]
    animals = [(i, n) for i, n in ids if i not in (BACKGROUND, IGNORE_INDEX)]
    total = sum(n for _, n in animals)
    return sum(n for i, n in animals if i in (CAT, DOG)) / total if total else 1.0


def _best_palette(counts: Mapping, palettes: Mapping[str, Palette]) -> Palette | None:
    """The palette whose values cover the pixels and that reads most of the foreground as cat or
    dog; None otherwise (e.g. colours that only happen to be VOC's bicycle and bottle)."""
    scored = sorted(((p.coverage(counts), p.name) for p in palettes.values()), reverse=True)
    for coverage, name in scored:
        if coverage >= PALETTE_COVERAGE and _pets_share(counts, palettes[name]) >= PETS_SHARE:
            return palettes[name]
    return None


def _values_text(values: Mapping[int, int], limit: int = _SHOWN) -> str:
    total = sum(values.values()) or 1
    top = sorted(values.items(), key=lambda kv: -kv[1])[:limit]
    shown = ', '.join(f'{v} ({100 * n / total:.1f} %)' for v, n in top)
    return shown + (f' and {len(values) - limit} more' if len(values) > limit else '')


def _colours_text(colours: list[dict], limit: int = 4) -> str:
    return ', '.join(
        f'{tuple(c["rgb"])}{" " + c["name"] if c["name"] else ""} {100 * c["share"]:.1f} %'
        for c in colours[:limit]
    )


def _classify(tally: EncodingTally, record: MaskEncoding) -> None:
    """Fill ``record``'s encoding, message and command from the tally (the decision table)."""
    if tally.files == 0:
        record.message = 'no masks found (expected labels/<split>/*.png)'
        return
    decisive = _decisive(tally.kinds)
    if not decisive and tally.kinds.get(AMBIGUOUS) and set(tally.values) <= TRIMAP_VALUES:
        # 1 and 2 but no 0 in any mask: trimaps without border pixels, not class ids
        decisive = [(TRIMAP_FILE, tally.kinds[AMBIGUOUS])]
    if not decisive:
        record.message = _nothing_decisive(tally, record)
        return
    main, main_files = decisive[0]
    total = sum(k for _, k in decisive)
    if any(c >= 2 and c >= MIXED_SHARE * total for _, c in decisive[1:]):
        record.encoding = MIXED
        parts = [f'{c} {KIND_DESCRIPTION[k]} (e.g. {tally.examples[k][0]})' for k, c in decisive]
        record.message = (
            f'mixed mask encodings: {"; ".join(parts[:4])}; convert or fix each part separately'
        )
        return
    odd = [f'{c} {KIND_DESCRIPTION[k]} (e.g. {tally.examples[k][0]})' for k, c in decisive[1:]]
    where = f'{main_files} of {tally.files}{" sampled" if record.files_found > tally.files else ""}'
    decide = {
        IDS: _ids,
        ZERO_255_FILE: _zero_255,
        TRIMAP_FILE: _trimap,
        COLOUR: _colour,
        INDICES: _indices,
        OTHER: _indices,
    }[main]
    text = decide(tally, record, f'{where} masks')
    record.message = text + (f'; odd ones out: {"; ".join(odd)}' if odd else '')


def _nothing_decisive(tally: EncodingTally, record: MaskEncoding) -> str:
    if tally.kinds.get(UNREADABLE, 0) == tally.files:
        return f'no readable mask ({tally.files} unreadable, e.g. {record.example})'
    if tally.kinds.get(AMBIGUOUS):
        return (
            'masks hold 1/2 but never 0 (class ids without background, or trimaps without '
            f'border?): values {_values_text(tally.values)}'
        )
    return (
        f'no mask holds a foreground value (values {_values_text(tally.values)}); nothing to '
        'learn a pet from'
    )


def _ids(tally: EncodingTally, record: MaskEncoding, where: str) -> str:
    root = tally.data_root
    if tally.values.get(2):
        record.encoding = CLASS_IDS
        palette = ', palette PNGs read as indices' if tally.modes.get('P') else ''
        return f'class ids (0 background, 1 cat, 2 dog, 255 ignore) in {where}{palette}'
    record.encoding = BINARY_01
    if _written_binary(root):
        record.written_by = 'petseg convert-masks --binary'
        return (
            f'binary pet/background masks (0/1/255, written by petseg convert-masks --binary) '
            f'in {where}: for the binary configs (hyp9); 3-class configs would read every pet '
            'as a cat'
        )
    option, note = _species_option(tally)
    _suggest(record, root, '0-1', option)
    return (
        f'values 0/1 only in {where}, no 2 (dog) anywhere: binary pet masks (hyp9 reads them '
        f'as they are) or cats only; for cat/dog give the species{note}'
    )


def _zero_255(tally: EncodingTally, record: MaskEncoding, where: str) -> str:
    record.encoding = ZERO_255
    option, note = _species_option(tally)
    _suggest(record, tally.data_root, '0-255', option)
    return (
        f'0/255 masks in {where}: the pet is stored as 255, which training ignores, so a model '
        f'would learn background only; convert them{note}'
    )


def _trimap(tally: EncodingTally, record: MaskEncoding, where: str) -> str:
    record.encoding = TRIMAP
    option, note = _species_option(tally)
    _suggest(record, tally.data_root, 'trimap', option)
    return (
        f'Oxford trimaps (1 pet, 2 background, 3 border) in {where}: 1 and 2 would be read as '
        f'cat and dog; convert them{note}'
    )


def _palette_options(palette: Palette | None) -> tuple[str, ...]:
    if palette is None:
        return ('--palette', 'PALETTE.json')
    return () if palette.name == 'ours' else ('--palette', palette.name)


def _colour(tally: EncodingTally, record: MaskEncoding, where: str) -> str:
    record.encoding = RGB
    palette = _best_palette(tally.colours, COLOUR_PALETTES)
    record.palette = palette.name if palette else None
    record.colours = _named_colours(tally.colours, palette)
    _suggest(record, tally.data_root, 'rgb', *_palette_options(palette))
    which = PALETTE_TITLES[palette.name] if palette else 'a palette petseg does not know'
    hint = (
        ''
        if palette
        else ' (PALETTE.json: {"background": [r, g, b], "cat": [r, g, b], "dog": [r, g, b], '
        '"ignore": [r, g, b]}; a list of colours per class also works)'
    )
    return (
        f'RGB colour masks in {where}, {which} (colours: {_colours_text(record.colours)}); '
        f'convert the colours to class ids{hint}'
    )


def _indices(tally: EncodingTally, record: MaskEncoding, where: str) -> str:
    root = tally.data_root
    voc = _best_palette(tally.values, INDEX_PALETTES)
    if (
        voc is not None
        and voc.name == 'voc'
        and (tally.values.get(VOC_CAT) or tally.values.get(VOC_DOG))
    ):
        record.encoding, record.palette = PALETTE_INDICES, 'voc'
        _suggest(record, root, 'palette', '--palette', 'voc')
        return (
            f'VOC class indices (8 cat, 12 dog, 255 void) in {where}: not our ids; convert them '
            '(the other VOC classes become 255)'
        )
    if tally.modes.get('P', 0) < sum(tally.kinds.get(k, 0) for k in (INDICES, OTHER)):
        return (
            f'mask values not recognised in {where}: {_values_text(tally.values)} (expected 0 '
            'background, 1 cat, 2 dog, 255 ignore)'
        )
    record.encoding = PALETTE_INDICES
    colours: Counter = Counter()
    for value, count in tally.values.items():
        if value in tally.index_colours:
            colours[tally.index_colours[value]] += count
    by_colour = _best_palette(colours, COLOUR_PALETTES)
    record.colours = _named_colours(colours, by_colour)
    if by_colour is not None:
        record.palette = by_colour.name
        _suggest(record, root, 'rgb', *_palette_options(by_colour))
        how = f'their colours are {PALETTE_TITLES[by_colour.name]}: convert by colour'
        record.convert_from = ('rgb', 'palette')
    else:
        _suggest(record, root, 'palette', '--palette', 'PALETTE.json')
        record.convert_from = ('palette', 'rgb')
        how = (
            'give the index of each class (PALETTE.json: {"background": 0, "cat": i, "dog": j, '
            '"ignore": k}), or their colours with --from rgb'
        )
    return (
        f'palette PNGs whose indices are not our ids in {where} (indices '
        f'{_values_text(tally.values)}); {how}'
    )


def list_mask_files(data_root: str | Path, splits: Sequence[str] | None = None) -> list[Path]:
    """``labels/<split>/*.png`` of the chosen splits (default: every folder under labels/)."""
    root = Path(data_root)
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist')
    mask_root = root / MASK_DIR
    if splits is None:
        present = (
            sorted(p.name for p in mask_root.iterdir() if p.is_dir()) if mask_root.is_dir() else []
        )
        splits = [s for s in SPLITS if s in present] + [s for s in present if s not in SPLITS]
    files = []
    for split in splits:
        folder = mask_root / split
        if folder.is_dir():
            files += sorted(
                p for p in folder.iterdir()
                if p.suffix.lower() == MASK_SUFFIX and not p.name.startswith('.') and p.is_file()
            )  # fmt: skip
    return files


def even_sample(items: Sequence, limit: int | None) -> list:
    """``limit`` items spread evenly over ``items`` (every split and stem range), in order."""
    if limit is None or len(items) <= limit:
        return list(items)
    picks = np.unique(np.linspace(0, len(items) - 1, max(1, limit)).round().astype(int))
    return [items[i] for i in picks]


def detect_mask_encoding(
    data_root: str | Path,
    splits: Sequence[str] | None = None,
    max_files: int | None = None,
    workers: int | None = 1,
    show_progress: bool = False,
) -> MaskEncoding:
    """Read the masks of ``data_root`` (``labels/<split>/*.png``) and recognise their encoding.

    ``max_files``: read only that many, spread evenly over the sorted list (None: all).
    ``workers`` > 1 reads in processes (:func:`~.progress.ordered_map`). A missing data root
    raises :class:`~.errors.DataLayoutError`; anything else is in the returned record.
    """
    from practicum_work.core.progress import ordered_map

    start = time.perf_counter()
    root = Path(data_root)
    found = list_mask_files(root, splits)
    chosen = even_sample(found, max_files)
    tally = EncodingTally(root)
    jobs = [(str(p), p.relative_to(root).as_posix()) for p in chosen]
    for summary in ordered_map(
        _summarise_job, jobs, workers, 'reading masks', show_progress, chunksize=16
    ):
        tally.add(summary)
    return tally.result(len(found), time.perf_counter() - start)


CHECK_FILES = 300  # masks :func:`require_class_ids` reads by default (spread over the dataset)


class MaskEncodingError(PetsegError):
    """A dataset whose masks are not class ids; the message names the encoding and the fix."""

    def __init__(self, message: str, encoding: MaskEncoding) -> None:
        super().__init__(message)
        self.encoding = encoding


def require_class_ids(
    data_root: str | Path,
    splits: Sequence[str] | None = None,
    max_files: int | None = CHECK_FILES,
    workers: int | None = 1,
) -> MaskEncoding:
    """The masks' encoding when they can be used as class ids; else one clear error.

    For the tools that read masks as class ids (training's preflight, fix-labels): returns the
    :class:`MaskEncoding` (``class_ids`` or ``binary_01``; check ``encoding`` and
    ``written_by`` to warn about 0/1 masks under a 3-class config) or raises
    :class:`MaskEncodingError`: the data root, what the masks are, one file, the command that
    converts them. A missing data root raises :class:`~.errors.DataLayoutError`.
    """
    found = detect_mask_encoding(data_root, splits, max_files=max_files, workers=workers)
    if found.usable:
        return found
    example = f' (e.g. {Path(data_root) / found.example})' if found.example else ''
    fix = f'; convert them: {found.convert_command}' if found.convert_command else ''
    raise MaskEncodingError(
        f'the masks of {data_root} are not class ids: {found.message}{example}{fix}', found
    )


def _summarise_job(job: tuple[str, str]) -> MaskSummary:
    return summarise_mask_file(job[0], job[1])
