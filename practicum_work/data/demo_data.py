"""``petseg demo-data``: a deterministic synthetic cats/dogs dataset in the real layout.

With ``noise='default'`` (the CLI default; other presets of
:mod:`practicum_work.data.noise_injection` too) the train and val splits get realistic faults
(swapped cat/dog labels, empty and tiny masks, stray values, a size mismatch, a truncated JPEG,
unpaired files, RGB and palette masks, a grayscale image) and the ground truth is written to
``<out>.noise.json``; see :mod:`practicum_work.data.noise_injection` for the exact rates.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from practicum_work.core.atomic import atomic_output_dir, atomic_write_text
from practicum_work.core.errors import OutputExistsError
from practicum_work.core.image_io import write_pair
from practicum_work.core.layout import IMAGE_DIR, MASK_DIR, SPLITS
from practicum_work.core.progress import ordered_map
from practicum_work.data.demo_scenes import render_scene
from practicum_work.data.noise_injection import (
    NOISE_PRESETS,
    NOISY_SPLITS,
    SampleInfo,
    inject_split_noise,
    noise_document,
    noise_file_for,
)

JPEG_QUALITY = 92
_SPLIT_SEEDS = {split: index for index, split in enumerate(SPLITS)}


@dataclass
class DemoDataSummary:
    """What ``generate_demo_dataset`` wrote."""

    out: str
    seed: int
    size: int
    noise: str
    counts: dict[str, int] = field(default_factory=dict)
    foreground_share: dict[str, float] = field(default_factory=dict)
    noise_file: str | None = None
    # Injected faults per split and type (empty for noise='none').
    noise_counts: dict[str, dict[str, int]] = field(default_factory=dict)


def _render_sample(job: tuple[int, str, int, int]) -> tuple[str, str, np.ndarray, np.ndarray]:
    seed, split, index, size = job
    rng = np.random.default_rng([seed, _SPLIT_SEEDS[split], index])
    scene = render_scene(rng, size)
    return split, f'{split}_{index:04d}', scene.image, scene.mask


def _render_all(
    root: Path, seed: int, counts: dict[str, int], size: int, workers, show_progress: bool
) -> tuple[dict[str, list[SampleInfo]], dict[str, int]]:
    """Render and write every scene; what the noise planner needs, and foreground pixels."""
    for split in SPLITS:
        (root / IMAGE_DIR / split).mkdir(parents=True)
        (root / MASK_DIR / split).mkdir(parents=True)
    jobs = [(seed, split, i, size) for split in SPLITS for i in range(counts[split])]
    fg_pixels = dict.fromkeys(SPLITS, 0)
    samples: dict[str, list[SampleInfo]] = {split: [] for split in SPLITS}
    results = ordered_map(
        _render_sample, jobs, workers, 'rendering demo data', show_progress, chunksize=8
    )
    for split, stem, image, mask in results:
        write_pair(root, split, stem, image, mask, JPEG_QUALITY)
        n_foreground = int(np.count_nonzero(mask))
        fg_pixels[split] += n_foreground
        classes = tuple(int(c) for c in np.unique(mask) if c != 0)
        index = len(samples[split])
        samples[split].append(SampleInfo(split, index, stem, classes, n_foreground))
    return samples, fg_pixels


def generate_demo_dataset(
    out: str | Path,
    seed: int = 0,
    n_train: int = 200,
    n_val: int = 60,
    n_test: int = 60,
    size: int = 256,
    noise: str = 'none',
    workers: int | None = None,
    overwrite: bool = False,
    show_progress: bool = True,
) -> DemoDataSummary:
    """Render the dataset into ``out`` (atomically) and return a summary.

    ``noise='none'`` writes clean masks. ``noise='default'`` (or another preset) corrupts train
    and val as documented in :mod:`practicum_work.data.noise_injection` and writes the ground
    truth to ``<out>.noise.json``; that file is refused and replaced together with the dataset
    (``overwrite``), and a stale one is removed when ``overwrite`` renders without noise.
    """
    if noise not in NOISE_PRESETS:
        raise ValueError(f'unknown noise preset {noise!r} (choose from {", ".join(NOISE_PRESETS)})')
    noisy = noise != 'none'
    out = Path(out)
    noise_path = noise_file_for(out)
    if noise_path.exists() and not overwrite:
        raise OutputExistsError(
            f'{noise_path} already exists (ground truth of an earlier dataset); '
            'pass --overwrite to replace it'
        )
    counts = {'train': n_train, 'val': n_val, 'test': n_test}
    summary = DemoDataSummary(out=str(out), seed=seed, size=size, noise=noise, counts=counts)
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        samples, fg_pixels = _render_all(tmp, seed, counts, size, workers, show_progress)
        summary.foreground_share = {
            s: round(fg_pixels[s] / max(1, counts[s] * size * size), 4) for s in SPLITS
        }
        items = []
        if noisy:
            for split in NOISY_SPLITS:
                items += inject_split_noise(tmp, samples[split], seed, split, noise)
            document = noise_document(noise, seed, items)
            summary.noise_counts = document['counts']
            summary.noise_file = str(noise_path)
        readme = {k: v for k, v in asdict(summary).items() if k not in ('noise_counts',)}
        (tmp / 'README.txt').write_text(
            'petseg demo data (synthetic). Made by: petseg demo-data '
            f'--out {out} --seed {seed} --size {size} --noise {noise}\n'
            + json.dumps(readme, indent=2)
            + '\n'
        )
        if noise_path.exists():  # replaced together with the dataset (overwrite was given)
            noise_path.unlink()
    if noisy:
        atomic_write_text(noise_path, json.dumps(document, indent=2) + '\n')
    return summary
