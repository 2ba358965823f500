"""Fallback label-noise injection for the benchmarks, following the ``<root>.noise.json`` contract.

``petseg demo-data --noise default`` is the real source of noisy demo data (it writes
``<root>.noise.json`` next to the dataset). Until that preset exists in a checkout, the
benchmarks corrupt a clean demo dataset with this module and write the same ground-truth file.
Only train and val are corrupted (the test split stays clean), at most one noise type per sample.
"""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

RATES: dict[str, float] = {
    'swap': 0.10,
    'empty_mask': 0.02,
    'tiny_mask': 0.02,
    'stray_values': 0.03,
    'size_mismatch': 0.01,
    'truncated_image': 0.01,
    'image_without_mask': 0.01,
    'mask_without_image': 0.01,
    'rgb_mask': 0.02,
    'palette_mask': 0.02,
    'grayscale_image': 0.01,
}
_NEEDS_FOREGROUND = {'swap', 'empty_mask', 'tiny_mask'}


def _one_species(mask: np.ndarray) -> bool:
    return bool((mask == 1).any()) != bool((mask == 2).any())


def inject_noise(root: str | Path, seed: int = 0, rates: dict[str, float] | None = None) -> Path:
    """Corrupt ``root`` (a clean demo dataset) in place; write and return ``<root>.noise.json``."""
    root = Path(root)
    rates = dict(RATES if rates is None else rates)
    rng = np.random.default_rng([seed, 7919])
    items = []
    for split in ('train', 'val'):
        masks = sorted((root / 'labels' / split).glob('*.png'))
        stems = [p.stem for p in masks]
        order = list(rng.permutation(len(stems)))
        used: set[int] = set()
        for kind, rate in rates.items():
            wanted = round(rate * len(stems))
            picked = 0
            for index in order:
                if picked == wanted:
                    break
                if index in used:
                    continue
                stem = stems[index]
                mask_path = root / 'labels' / split / f'{stem}.png'
                mask = cv2.imread(str(mask_path), cv2.IMREAD_UNCHANGED)
                if kind in _NEEDS_FOREGROUND and not (mask > 0).any():
                    continue
                if kind == 'swap' and not _one_species(mask):
                    continue
                used.add(index)
                picked += 1
                items.append(_apply(root, split, stem, kind, mask, rng))
    noise = {'preset': 'default', 'seed': seed, 'rates': rates, 'items': items}
    noise_file = root.parent / f'{root.name}.noise.json'
    noise_file.write_text(json.dumps(noise, indent=2) + '\n')
    return noise_file


def _apply(root: Path, split: str, stem: str, kind: str, mask: np.ndarray, rng) -> dict:
    mask_rel = f'labels/{split}/{stem}.png'
    image_rel = f'img/{split}/{stem}.jpg'
    mask_path, image_path = root / mask_rel, root / image_rel
    files, detail = [mask_rel], ''
    if kind == 'swap':
        before = 1 if (mask == 1).any() else 2
        swapped = mask.copy()
        swapped[mask == 1], swapped[mask == 2] = 2, 1
        cv2.imwrite(str(mask_path), swapped)
        names = {1: 'cat', 2: 'dog'}
        detail = f'{names[before]} -> {names[3 - before]} ({before} -> {3 - before})'
    elif kind == 'empty_mask':
        cv2.imwrite(str(mask_path), np.zeros_like(mask))
    elif kind == 'tiny_mask':
        ys, xs = np.nonzero(mask)
        keep = rng.choice(len(xs), size=min(len(xs), 6), replace=False)
        tiny = np.zeros_like(mask)
        tiny[ys[keep], xs[keep]] = mask[ys[keep], xs[keep]]
        cv2.imwrite(str(mask_path), tiny)
        detail = f'{len(keep)} foreground pixels kept'
    elif kind == 'stray_values':
        painted = mask.copy()
        h, w = mask.shape
        for value in (3, 128, 254):
            y, x = int(rng.integers(0, h - 8)), int(rng.integers(0, w - 8))
            painted[y : y + 6, x : x + 6] = value
        cv2.imwrite(str(mask_path), painted)
        detail = 'values 3, 128, 254'
    elif kind == 'size_mismatch':
        h, w = mask.shape
        cv2.imwrite(
            str(mask_path), cv2.resize(mask, (w - 16, h - 16), interpolation=cv2.INTER_NEAREST)
        )
        detail = f'{w}x{h} -> {w - 16}x{h - 16}'
    elif kind == 'truncated_image':
        data = image_path.read_bytes()
        image_path.write_bytes(data[: len(data) // 2])
        files = [image_rel]
    elif kind == 'image_without_mask':
        mask_path.unlink()
    elif kind == 'mask_without_image':
        image_path.unlink()
        files = [image_rel]
    elif kind == 'rgb_mask':
        cv2.imwrite(str(mask_path), np.repeat(mask[..., None], 3, axis=2))
    elif kind == 'palette_mask':
        palette_image = Image.frombytes('P', mask.shape[::-1], mask.tobytes())
        palette_image.putpalette([v for i in range(256) for v in (i, (i * 97) % 256, 255 - i)])
        palette_image.save(mask_path)
    elif kind == 'grayscale_image':
        gray = cv2.imread(str(image_path), cv2.IMREAD_GRAYSCALE)
        cv2.imwrite(str(image_path), gray, [cv2.IMWRITE_JPEG_QUALITY, 92])
        files = [image_rel]
    return {'split': split, 'stem': stem, 'type': kind, 'files': files, 'detail': detail}
