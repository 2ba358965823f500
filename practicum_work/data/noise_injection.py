"""Known label noise for any dataset in petseg's layout: presets, the plan, the faults.

Used by ``petseg demo-data --noise PRESET`` (on the freshly rendered scenes) and by
``petseg inject-noise`` (on a copy of any dataset, real photos included). Per noisy split a
plan picks distinct samples and corrupts their files in place, inside the temporary output
folder. The plan depends only on the seed, the split and what the clean masks contain, so the
bytes are the same for any ``--workers``. Splits outside ``noisy_splits`` (test by default) are
never touched.

Preset ``default``, per noisy split of ``n`` eligible images (every image gets at most one
fault):

=====================  ======================  ===============================================
type                   how many                what is written
=====================  ======================  ===============================================
``swap``               10 % of n (>= 1)        cat <-> dog exchanged (1 <-> 2) in a mask with
                                               one species only
``empty_mask``         2 % of n (>= 1)         mask all background (0), the image shows animals
``tiny_mask``          2 % of n (>= 1)         cat/dog pixels reduced to one 3x3 window
``stray_values``       1.5 % of n (>= 1)       small patches of 1 to 3 of the values 3, 128, 254
``size_mismatch``      1                       mask resized (nearest) to half the image size
``truncated_image``    1                       image file cut to 45-75 % of its bytes (no end
                                               marker: JPEG EOI / PNG IEND)
``image_without_mask`` 1                       the mask file is deleted
``mask_without_image`` 1                       the image file is deleted
``rgb_mask``           1                       mask saved as 3-channel RGB (values replicated)
``palette_mask``       1                       mask saved in PNG palette mode, indices unchanged
``grayscale_image``    1                       image saved single-channel, same file format
=====================  ======================  ===============================================

Other presets: ``swaps-only`` (the swaps alone), ``labels-only`` (swaps, empty, tiny and
stray values: what a careless annotator does, no broken files), ``files-only`` (the seven
file faults). Counts are ``max(1, round(rate * n))``; at 200/60 images the default preset is
20/6 swaps, 4/1 empty, 4/1 tiny, 3/1 stray, so 38 noisy images in train and 16 in val. A split
needs enough eligible images for every type, else :class:`PetsegError` names the shortfall.
The ground truth goes to ``<out>.noise.json`` (see :func:`noise_document`), next to the
dataset and never inside it: tools must not read it, only tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from practicum_work.core.classes import BACKGROUND, CAT, CLASSES, DOG, PALETTE
from practicum_work.core.errors import PetsegError
from practicum_work.core.image_io import read_image_rgb, read_label_map
from practicum_work.data.noise_presets import (  # noqa: F401 (re-exported: the noise vocabulary)
    FILE_FAULTS_PER_SPLIT,
    LABEL_RATES,
    NOISE_PRESETS,
    NOISE_TYPES,
    NOISY_SPLITS,
    PRESETS,
    NoisePreset,
)

STRAY_VALUES: tuple[int, ...] = (3, 128, 254)
TINY_WINDOW = 3  # tiny masks keep the foreground inside one 3x3 window
_NOISE_STREAM = 7_919  # separates the noise random stream from the rendering streams
_SPLIT_INDEX = {'train': 0, 'val': 1, 'test': 2}


@dataclass(frozen=True)
class SampleInfo:
    """What the planner needs to know about one clean sample."""

    split: str
    index: int
    stem: str
    classes: tuple[int, ...]  # foreground classes present in the clean mask
    foreground_pixels: int
    image_rel: str = ''  # paths under the dataset root ('' = img/<split>/<stem>.jpg ...)
    mask_rel: str = ''

    def image_file(self) -> str:
        """The image path under the dataset root."""
        return self.image_rel or f'img/{self.split}/{self.stem}.jpg'

    def mask_file(self) -> str:
        """The mask path under the dataset root."""
        return self.mask_rel or f'labels/{self.split}/{self.stem}.png'


@dataclass
class NoiseItem:
    """One injected fault (one entry of ``<out>.noise.json``)."""

    split: str
    stem: str
    type: str
    files: list[str]
    detail: str = ''


def noise_file_for(out: str | Path) -> Path:
    """``data/X`` -> ``data/X.noise.json`` (next to the dataset, never inside it)."""
    out = Path(out)
    return out.parent / f'{out.name}.noise.json'


def get_preset(name: str) -> NoisePreset:
    """The preset called ``name``; a clear error naming the choices otherwise."""
    if name not in PRESETS:
        raise PetsegError(f'unknown noise preset {name!r} (choose from {", ".join(PRESETS)})')
    return PRESETS[name]


def type_counts(n_images: int, preset: str = 'default') -> dict[str, int]:
    """How many faults of each type ``preset`` injects into a split of ``n_images``."""
    chosen = get_preset(preset)
    counts = {name: max(1, round(rate * n_images)) for name, rate in chosen.rates.items()}
    counts.update(chosen.per_split)
    return counts


def _pick(rng: np.random.Generator, pool: list[SampleInfo], k: int, what: str, split: str):
    if len(pool) < k:
        raise PetsegError(
            f'the noise needs {k} {what} in split {split!r} but only {len(pool)} are left; '
            'use more images or a lighter preset (--noise none for demo data)'
        )
    chosen = sorted(rng.choice(len(pool), size=k, replace=False).tolist())
    return [pool[i] for i in chosen]


def plan_split_noise(
    samples: list[SampleInfo], seed: int, split: str, preset: str = 'default'
) -> list[tuple[str, int]]:
    """Choose which sample gets which fault: ``[(type, index), ...]``, each index at most once.

    The most constrained types are drawn first: swaps from single-species masks, empty and tiny
    masks from masks with enough foreground, then the rest from whatever is left.
    """
    rng = np.random.default_rng([seed, _SPLIT_INDEX.get(split, 9), _NOISE_STREAM])
    counts = type_counts(len(samples), preset)
    taken: set[int] = set()
    plan: list[tuple[str, int]] = []

    def draw(name: str, eligible, what: str) -> None:
        if name not in counts:
            return
        pool = [s for s in samples if s.index not in taken and eligible(s)]
        for sample in _pick(rng, pool, counts[name], what, split):
            taken.add(sample.index)
            plan.append((name, sample.index))

    draw('swap', lambda s: len(s.classes) == 1, 'images with a single species')
    enough = 4 * TINY_WINDOW * TINY_WINDOW
    draw('empty_mask', lambda s: s.foreground_pixels >= enough, 'images with an animal')
    draw('tiny_mask', lambda s: s.foreground_pixels >= enough, 'images with an animal')
    for name in ('stray_values', *FILE_FAULTS_PER_SPLIT):
        draw(name, lambda s: True, 'images')
    return sorted(plan, key=lambda item: item[1])


# Mask faults: (clean mask, rng) -> (corrupted mask, detail); written back as PNG by OpenCV.
def _swap(mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    source = CAT if (mask == CAT).any() else DOG
    target = DOG if source == CAT else CAT
    swapped = mask.copy()
    swapped[mask == source] = target
    return swapped, f'{CLASSES[source]} -> {CLASSES[target]} ({source} -> {target})'


def _empty(mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    animal = int(np.count_nonzero((mask == CAT) | (mask == DOG)))
    detail = f'all {animal} cat/dog pixels (and any ignore pixels) set to background'
    return np.full_like(mask, BACKGROUND), detail


def _tiny(mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    animal = (mask == CAT) | (mask == DOG)
    ys, xs = np.nonzero(animal)
    pick = int(rng.integers(len(ys)))
    y0, x0 = max(0, ys[pick] - 1), max(0, xs[pick] - 1)
    window = (slice(y0, y0 + TINY_WINDOW), slice(x0, x0 + TINY_WINDOW))
    tiny = np.full_like(mask, BACKGROUND)
    tiny[window] = np.where(animal[window], mask[window], BACKGROUND)
    kept = int(np.count_nonzero(tiny))
    return (
        tiny,
        f'kept {kept} of {len(ys)} cat/dog pixels (a {TINY_WINDOW}x{TINY_WINDOW} window)',
    )


def _stray(mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    h, w = mask.shape
    n_values = int(rng.integers(1, len(STRAY_VALUES) + 1))
    values = sorted(rng.choice(STRAY_VALUES, size=n_values, replace=False).tolist())
    painted = mask.copy()
    for value in values:
        ph, pw = (int(v) for v in rng.integers(2, max(3, min(h, w) // 8), 2))
        y, x = int(rng.integers(0, h - ph)), int(rng.integers(0, w - pw))
        painted[y : y + ph, x : x + pw] = value
    return painted, f'values {", ".join(str(v) for v in values)} painted in small patches'


def _half_size(mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    h, w = mask.shape
    small = cv2.resize(mask, (w // 2, h // 2), interpolation=cv2.INTER_NEAREST)
    return small, f'mask {w // 2}x{h // 2}, image {w}x{h} (WxH)'


def _rgb(mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    return np.dstack([mask] * 3), 'mask saved as 3-channel RGB (values replicated in every channel)'


MASK_FAULTS = {
    'swap': _swap,
    'empty_mask': _empty,
    'tiny_mask': _tiny,
    'stray_values': _stray,
    'size_mismatch': _half_size,
    'rgb_mask': _rgb,
}


# File faults: (image path, mask path, rng) -> (the file the item names: 'image'|'mask', detail).
def _palette(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    labels, _ = read_label_map(mask)
    h, w = labels.shape
    palette_image = Image.frombytes('P', (w, h), np.ascontiguousarray(labels, np.uint8).tobytes())
    colours = [v for rgb in PALETTE for v in rgb]
    palette_image.putpalette(colours + [0] * (768 - len(colours)))
    palette_image.save(mask)
    return 'mask', 'mask saved in PNG palette mode (P), indices unchanged'


def _truncate(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    data = image.read_bytes()
    cut = int(len(data) * rng.uniform(0.45, 0.75))
    image.write_bytes(data[:cut])
    kind = 'PNG' if image.suffix.lower() == '.png' else 'JPEG'
    marker = 'IEND chunk' if kind == 'PNG' else 'end-of-image marker'
    return 'image', f'{kind} cut to {cut} of {len(data)} bytes (no {marker})'


def _drop_mask(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    mask.unlink()
    return 'image', 'mask file deleted'


def _drop_image(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    image.unlink()
    return 'mask', 'image file deleted'


def _grayscale(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    rgb, _ = read_image_rgb(image)
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    cv2.imwrite(str(image), gray, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return 'image', 'image saved single-channel (grayscale), same file format'


FILE_FAULTS = {
    'palette_mask': _palette,
    'truncated_image': _truncate,
    'image_without_mask': _drop_mask,
    'mask_without_image': _drop_image,
    'grayscale_image': _grayscale,
}


def inject(root: Path, sample: SampleInfo, kind: str, seed: int) -> NoiseItem:
    """Corrupt the files of one sample under ``root`` (a writable copy) and describe it."""
    split, stem = sample.split, sample.stem
    rng = np.random.default_rng([seed, _SPLIT_INDEX.get(split, 9), sample.index, _NOISE_STREAM])
    image_rel, mask_rel = sample.image_file(), sample.mask_file()
    if kind in MASK_FAULTS:
        mask_path = root / mask_rel
        labels, _ = read_label_map(mask_path)
        corrupted, detail = MASK_FAULTS[kind](labels.astype(np.uint8), rng)
        mask_path.unlink()  # a fresh file: never write through a hard link into a source
        cv2.imwrite(str(mask_path), corrupted)
        return NoiseItem(split, stem, kind, [mask_rel], detail)
    if kind in FILE_FAULTS:
        names, detail = FILE_FAULTS[kind](root / image_rel, root / mask_rel, rng)
        return NoiseItem(split, stem, kind, [image_rel if names == 'image' else mask_rel], detail)
    raise ValueError(f'unknown noise type {kind!r}')


def inject_split_noise(
    root: Path, samples: list[SampleInfo], seed: int, split: str, preset: str = 'default'
) -> list[NoiseItem]:
    """Plan and inject ``preset`` into one split of the writable dataset ``root``."""
    by_index = {s.index: s for s in samples}
    return [
        inject(root, by_index[index], kind, seed)
        for kind, index in plan_split_noise(samples, seed, split, preset)
    ]


def noise_document(
    preset: str,
    seed: int,
    items: list[NoiseItem],
    noisy_splits: tuple[str, ...] = NOISY_SPLITS,
    source: str | None = None,
) -> dict:
    """The ``<out>.noise.json`` content: preset, seed, rates, counts and the injected items."""
    chosen = get_preset(preset)
    counts: dict[str, dict[str, int]] = {
        split: dict.fromkeys((*chosen.rates, *chosen.per_split), 0) for split in noisy_splits
    }
    for item in items:
        counts.setdefault(item.split, {}).setdefault(item.type, 0)
        counts[item.split][item.type] += 1
    document = {
        'preset': preset,
        'seed': seed,
        'noisy_splits': list(noisy_splits),
        'rates': dict(chosen.rates),
        'per_split': dict(chosen.per_split),
        'counts': counts,
        'items': [asdict(item) for item in items],
    }
    if source is not None:
        document['source'] = source
    return document
