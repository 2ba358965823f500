"""Realistic injected noise for ``petseg demo-data --noise default`` (train and val only).

The clean dataset is rendered first; then, per noisy split, a plan picks distinct images and
corrupts their files in place (inside the temporary output folder). The plan depends only on
the seed and the rendered masks, so the bytes are the same for any ``--workers``. The test
split is never touched.

Preset ``default``, per noisy split of ``n`` images (every image gets at most one fault):

=====================  ======================  ===============================================
type                   how many                what is written
=====================  ======================  ===============================================
``swap``               10 % of n (>= 1)        cat <-> dog exchanged (1 <-> 2) in a mask whose
                                               image shows one species only
``empty_mask``         2 % of n (>= 1)         mask all background (0), the image shows animals
``tiny_mask``          2 % of n (>= 1)         foreground reduced to at most 3x3 pixels
``stray_values``       1.5 % of n (>= 1)       small patches of 1 to 3 of the values 3, 128, 254
``size_mismatch``      1                       mask resized (nearest) to half the image size
``truncated_image``    1                       JPEG cut to 45-75 % of its bytes (no EOI marker)
``image_without_mask`` 1                       the mask file is deleted
``mask_without_image`` 1                       the image file is deleted
``rgb_mask``           1                       mask saved as 3-channel RGB (values replicated)
``palette_mask``       1                       mask saved in PNG palette mode, indices unchanged
``grayscale_image``    1                       image saved as a single-channel JPEG
=====================  ======================  ===============================================

Counts are ``max(1, round(rate * n))``; at 200/60 images that is 20/6 swaps, 4/1 empty,
4/1 tiny, 3/1 stray, so 38 noisy images in train and 16 in val. A split needs enough images
(and enough single-species / animal images) for every type, else :class:`PetsegError` names
the shortfall. The ground truth goes to ``<out>.noise.json`` (see :func:`noise_document`),
next to the dataset and never inside it: tools must not read it, only tests and benchmarks.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from practicum_work.data.classes import BACKGROUND, CAT, CLASSES, DOG, PALETTE
from practicum_work.data.layout import IMAGE_DIR, MASK_DIR
from practicum_work.errors import PetsegError

NOISE_PRESETS: tuple[str, ...] = ('default', 'none')
NOISY_SPLITS: tuple[str, ...] = ('train', 'val')
# Fraction of a split's images (at least one each).
DEFAULT_RATES: dict[str, float] = {
    'swap': 0.10,
    'empty_mask': 0.02,
    'tiny_mask': 0.02,
    'stray_values': 0.015,
}
# Exactly this many per noisy split.
DEFAULT_PER_SPLIT: dict[str, int] = {
    'size_mismatch': 1,
    'truncated_image': 1,
    'image_without_mask': 1,
    'mask_without_image': 1,
    'rgb_mask': 1,
    'palette_mask': 1,
    'grayscale_image': 1,
}
NOISE_TYPES: tuple[str, ...] = (*DEFAULT_RATES, *DEFAULT_PER_SPLIT)
STRAY_VALUES: tuple[int, ...] = (3, 128, 254)
TINY_WINDOW = 3  # tiny masks keep the foreground inside one 3x3 window
_NOISE_STREAM = 7_919  # separates the noise random stream from the rendering streams
_SPLIT_INDEX = {'train': 0, 'val': 1, 'test': 2}


@dataclass(frozen=True)
class SampleInfo:
    """What the planner needs to know about one rendered sample."""

    split: str
    index: int
    stem: str
    classes: tuple[int, ...]  # foreground classes present in the clean mask
    foreground_pixels: int


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


def type_counts(n_images: int) -> dict[str, int]:
    """How many faults of each type the default preset injects into a split of ``n_images``."""
    counts = {name: max(1, round(rate * n_images)) for name, rate in DEFAULT_RATES.items()}
    counts.update(DEFAULT_PER_SPLIT)
    return counts


def _pick(rng: np.random.Generator, pool: list[SampleInfo], k: int, what: str, split: str):
    if len(pool) < k:
        raise PetsegError(
            f"noise preset 'default' needs {k} {what} in split {split!r} but only {len(pool)} "
            'are left; render more images (--n-train/--n-val) or pass --noise none'
        )
    chosen = sorted(rng.choice(len(pool), size=k, replace=False).tolist())
    return [pool[i] for i in chosen]


def plan_split_noise(samples: list[SampleInfo], seed: int, split: str) -> list[tuple[str, int]]:
    """Choose which sample gets which fault: ``[(type, index), ...]``, each index at most once.

    The most constrained types are drawn first: swaps from single-species masks, empty and tiny
    masks from masks with enough foreground, then the rest from whatever is left.
    """
    rng = np.random.default_rng([seed, _SPLIT_INDEX.get(split, 9), _NOISE_STREAM])
    counts = type_counts(len(samples))
    taken: set[int] = set()
    plan: list[tuple[str, int]] = []

    def draw(name: str, eligible, what: str) -> None:
        pool = [s for s in samples if s.index not in taken and eligible(s)]
        for sample in _pick(rng, pool, counts[name], what, split):
            taken.add(sample.index)
            plan.append((name, sample.index))

    draw('swap', lambda s: len(s.classes) == 1, 'images with a single species')
    enough = 4 * TINY_WINDOW * TINY_WINDOW
    draw('empty_mask', lambda s: s.foreground_pixels >= enough, 'images with an animal')
    draw('tiny_mask', lambda s: s.foreground_pixels >= enough, 'images with an animal')
    for name in ('stray_values', *DEFAULT_PER_SPLIT):
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
    detail = f'all {int(np.count_nonzero(mask))} foreground pixels set to background'
    return np.full_like(mask, BACKGROUND), detail


def _tiny(mask: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, str]:
    ys, xs = np.nonzero(mask)
    pick = int(rng.integers(len(ys)))
    y0, x0 = max(0, ys[pick] - 1), max(0, xs[pick] - 1)
    window = (slice(y0, y0 + TINY_WINDOW), slice(x0, x0 + TINY_WINDOW))
    tiny = np.full_like(mask, BACKGROUND)
    tiny[window] = mask[window]
    kept = int(np.count_nonzero(tiny))
    return (
        tiny,
        f'kept {kept} of {len(ys)} foreground pixels (a {TINY_WINDOW}x{TINY_WINDOW} window)',
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
    labels = cv2.imread(str(mask), cv2.IMREAD_UNCHANGED)
    h, w = labels.shape
    palette_image = Image.frombytes('P', (w, h), np.ascontiguousarray(labels).tobytes())
    colours = [v for rgb in PALETTE for v in rgb]
    palette_image.putpalette(colours + [0] * (768 - len(colours)))
    palette_image.save(mask)
    return 'mask', 'mask saved in PNG palette mode (P), indices unchanged'


def _truncate(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    data = image.read_bytes()
    cut = int(len(data) * rng.uniform(0.45, 0.75))
    image.write_bytes(data[:cut])
    return 'image', f'JPEG cut to {cut} of {len(data)} bytes (no end-of-image marker)'


def _drop_mask(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    mask.unlink()
    return 'image', 'mask file deleted'


def _drop_image(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    image.unlink()
    return 'mask', 'image file deleted'


def _grayscale(image: Path, mask: Path, rng: np.random.Generator) -> tuple[str, str]:
    gray = cv2.imread(str(image), cv2.IMREAD_GRAYSCALE)
    cv2.imwrite(str(image), gray, [cv2.IMWRITE_JPEG_QUALITY, 92])
    return 'image', 'image saved as a single-channel (grayscale) JPEG'


FILE_FAULTS = {
    'palette_mask': _palette,
    'truncated_image': _truncate,
    'image_without_mask': _drop_mask,
    'mask_without_image': _drop_image,
    'grayscale_image': _grayscale,
}


def inject(root: Path, split: str, index: int, stem: str, kind: str, seed: int) -> NoiseItem:
    """Corrupt the files of one sample under ``root`` (rendered clean) and describe it."""
    rng = np.random.default_rng([seed, _SPLIT_INDEX.get(split, 9), index, _NOISE_STREAM])
    image_rel = f'{IMAGE_DIR}/{split}/{stem}.jpg'
    mask_rel = f'{MASK_DIR}/{split}/{stem}.png'
    if kind in MASK_FAULTS:
        mask_path = root / mask_rel
        corrupted, detail = MASK_FAULTS[kind](cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED), rng)
        cv2.imwrite(str(mask_path), corrupted)
        return NoiseItem(split, stem, kind, [mask_rel], detail)
    if kind in FILE_FAULTS:
        names, detail = FILE_FAULTS[kind](root / image_rel, root / mask_rel, rng)
        return NoiseItem(split, stem, kind, [image_rel if names == 'image' else mask_rel], detail)
    raise ValueError(f'unknown noise type {kind!r}')


def inject_split_noise(
    root: Path, samples: list[SampleInfo], seed: int, split: str
) -> list[NoiseItem]:
    """Plan and inject the default noise into one split rendered under ``root``."""
    by_index = {s.index: s for s in samples}
    return [
        inject(root, split, index, by_index[index].stem, kind, seed)
        for kind, index in plan_split_noise(samples, seed, split)
    ]


def noise_document(preset: str, seed: int, items: list[NoiseItem]) -> dict:
    """The ``<out>.noise.json`` content: preset, seed, rates, counts and the injected items."""
    counts: dict[str, dict[str, int]] = {}
    for item in items:
        split_counts = counts.setdefault(item.split, dict.fromkeys(NOISE_TYPES, 0))
        split_counts[item.type] += 1
    return {
        'preset': preset,
        'seed': seed,
        'noisy_splits': list(NOISY_SPLITS),
        'rates': dict(DEFAULT_RATES),
        'per_split': dict(DEFAULT_PER_SPLIT),
        'counts': counts,
        'items': [asdict(item) for item in items],
    }
