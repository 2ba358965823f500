"""The noise presets of ``demo-data --noise`` and ``inject-noise --preset``: names and rates.

What each fault writes is :mod:`practicum_work.data.noise_injection`'s job; this module only
says how many of each a preset injects, so the command line can offer the presets (and
describe them) without importing NumPy or OpenCV.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOISY_SPLITS: tuple[str, ...] = ('train', 'val')  # the default; test stays clean
# Fraction of a split's images (at least one each).
LABEL_RATES: dict[str, float] = {
    'swap': 0.10,
    'empty_mask': 0.02,
    'tiny_mask': 0.02,
    'stray_values': 0.015,
}
# Exactly this many per noisy split.
FILE_FAULTS_PER_SPLIT: dict[str, int] = {
    'size_mismatch': 1,
    'truncated_image': 1,
    'image_without_mask': 1,
    'mask_without_image': 1,
    'rgb_mask': 1,
    'palette_mask': 1,
    'grayscale_image': 1,
}
NOISE_TYPES: tuple[str, ...] = (*LABEL_RATES, *FILE_FAULTS_PER_SPLIT)


@dataclass(frozen=True)
class NoisePreset:
    """Rates (share of a split, at least one) and fixed counts per noisy split."""

    rates: dict[str, float] = field(default_factory=dict)
    per_split: dict[str, int] = field(default_factory=dict)


PRESETS: dict[str, NoisePreset] = {
    'default': NoisePreset(dict(LABEL_RATES), dict(FILE_FAULTS_PER_SPLIT)),
    'swaps-only': NoisePreset({'swap': LABEL_RATES['swap']}),
    'labels-only': NoisePreset(dict(LABEL_RATES)),
    'files-only': NoisePreset({}, dict(FILE_FAULTS_PER_SPLIT)),
}
NOISE_PRESETS: tuple[str, ...] = (*PRESETS, 'none')  # demo-data also renders clean data


def describe_preset(name: str) -> str:
    """One line: ``'swap 10%, empty mask 2%, ... and one of each of 7 file faults per split'``."""
    preset = PRESETS[name]
    parts = [f'{kind.replace("_", " ")} {rate * 100:g}%' for kind, rate in preset.rates.items()]
    if preset.per_split:
        counts = set(preset.per_split.values())
        each = 'one' if counts == {1} else '/'.join(map(str, sorted(counts)))
        parts.append(f'{each} of each of {len(preset.per_split)} file faults per split')
    return ', '.join(parts)
