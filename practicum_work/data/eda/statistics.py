"""Per-split statistics, accumulated one :class:`PairResult` at a time.

Pixel shares count labelled pixels only (values 0, 1, 2); ignore pixels (255) and stray
values are counted separately. The foreground share of a mask is (cat + dog) / labelled pixels.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from practicum_work.core.classes import CLASSES, FOREGROUND_CLASSES, IGNORE_INDEX
from practicum_work.data.eda.pairs import PairResult

HISTOGRAM_BINS = 20
_CHANNELS = {'L': 1, 'I': 1, 'LA': 2, 'RGB': 3, 'RGBA': 4}  # mode without ';16' -> channels


def _size_key(size: tuple[int, int]) -> str:
    return f'{size[0]}x{size[1]}'


@dataclass
class SplitStatistics:
    """Running totals for one split (small: counters and one float per mask)."""

    split: str
    images: int = 0
    masks: int = 0
    pairs: int = 0
    masks_with_class_ids: int = 0
    class_pixels: list[int] = field(default_factory=lambda: [0] * len(CLASSES))
    ignore_pixels: int = 0
    stray_pixels: int = 0
    images_with_class: list[int] = field(default_factory=lambda: [0] * len(CLASSES))
    masks_with_ignore: int = 0
    masks_with_value: Counter = field(default_factory=Counter)
    foreground_shares: list[float] = field(default_factory=list)
    image_sizes: Counter = field(default_factory=Counter)
    image_modes: Counter = field(default_factory=Counter)
    mask_sizes: Counter = field(default_factory=Counter)
    mask_modes: Counter = field(default_factory=Counter)

    def add(self, result: PairResult) -> None:
        """Add one scanned pair (or lone image / lone mask)."""
        self.images += result.image_file is not None
        self.masks += result.mask_file is not None
        self.pairs += result.image_file is not None and result.mask_file is not None
        if result.image_size:
            self.image_sizes[_size_key(result.image_size)] += 1
        if result.image_mode:
            self.image_modes[result.image_mode] += 1
        if result.mask_size:
            self.mask_sizes[_size_key(result.mask_size)] += 1
        if result.mask_mode:
            self.mask_modes[result.mask_mode] += 1
        counts = result.value_counts
        if counts is None:
            return
        self.masks_with_class_ids += 1
        labelled = 0
        for value, n in counts.items():
            self.masks_with_value[value] += 1
            if value < len(CLASSES):
                self.class_pixels[value] += n
                self.images_with_class[value] += 1
                labelled += n
            elif value == IGNORE_INDEX:
                self.ignore_pixels += n
                self.masks_with_ignore += 1
            else:
                self.stray_pixels += n
        foreground = sum(counts.get(c, 0) for c in FOREGROUND_CLASSES)
        self.foreground_shares.append(foreground / labelled if labelled else 0.0)

    def classes_never_found(self) -> list[str]:
        """Class names with no pixel in any readable mask of the split."""
        if not self.masks_with_class_ids:
            return []
        return [name for name, n in zip(CLASSES, self.images_with_class) if n == 0]

    def foreground_summary(self) -> dict:
        """Mean, quantiles and a 20-bin histogram over [0, 1] of the foreground shares."""
        shares = np.asarray(self.foreground_shares, dtype=np.float64)
        edges = np.linspace(0.0, 1.0, HISTOGRAM_BINS + 1)
        hist = np.histogram(shares, bins=edges)[0] if shares.size else np.zeros(HISTOGRAM_BINS)
        summary: dict = {'masks': int(shares.size)}
        if shares.size:
            quantiles = np.quantile(shares, [0.05, 0.25, 0.5, 0.75, 0.95])
            summary.update(
                mean=round(float(shares.mean()), 6),
                min=round(float(shares.min()), 6),
                p05=round(float(quantiles[0]), 6),
                p25=round(float(quantiles[1]), 6),
                median=round(float(quantiles[2]), 6),
                p75=round(float(quantiles[3]), 6),
                p95=round(float(quantiles[4]), 6),
                max=round(float(shares.max()), 6),
            )
        summary['histogram'] = {
            'bin_edges': [round(float(e), 4) for e in edges],
            'counts': [int(c) for c in hist],
        }
        return summary

    def to_dict(self) -> dict:
        """JSON-ready statistics of the split."""
        labelled = sum(self.class_pixels)
        all_pixels = labelled + self.ignore_pixels + self.stray_pixels
        channels = Counter()
        for mode, n in self.image_modes.items():
            channels[str(_CHANNELS.get(mode.split(';')[0], mode))] += n
        return {
            'files': {
                'images': self.images,
                'masks': self.masks,
                'pairs': self.pairs,
                'masks_with_class_ids': self.masks_with_class_ids,
            },
            'class_pixels': dict(zip(CLASSES, self.class_pixels)),
            'class_pixel_share': {
                name: round(n / labelled, 6) if labelled else 0.0
                for name, n in zip(CLASSES, self.class_pixels)
            },
            'ignore_pixels': self.ignore_pixels,
            'ignore_share_of_all_pixels': round(self.ignore_pixels / all_pixels, 6)
            if all_pixels
            else 0.0,
            'stray_pixels': self.stray_pixels,
            'images_with_class': dict(zip(CLASSES, self.images_with_class)),
            'masks_with_ignore': self.masks_with_ignore,
            'masks_with_value': {str(v): n for v, n in sorted(self.masks_with_value.items())},
            'foreground_share': self.foreground_summary(),
            'image_sizes': dict(self.image_sizes.most_common()),
            'image_modes': dict(self.image_modes.most_common()),
            'image_channels': dict(channels.most_common()),
            'mask_sizes': dict(self.mask_sizes.most_common()),
            'mask_modes': dict(self.mask_modes.most_common()),
        }
