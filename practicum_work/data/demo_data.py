"""``petseg demo-data``: a deterministic synthetic cats/dogs dataset in the real layout."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from practicum_work.data.atomic import atomic_output_dir
from practicum_work.data.demo_scenes import render_scene
from practicum_work.data.layout import IMAGE_DIR, MASK_DIR, SPLITS
from practicum_work.progress import ordered_map

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


def _render_sample(job: tuple[int, str, int, int]) -> tuple[str, str, np.ndarray, np.ndarray]:
    seed, split, index, size = job
    rng = np.random.default_rng([seed, _SPLIT_SEEDS[split], index])
    scene = render_scene(rng, size)
    return split, f'{split}_{index:04d}', scene.image, scene.mask


def _write_sample(root: Path, split: str, stem: str, image: np.ndarray, mask: np.ndarray) -> None:
    image_bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    cv2.imwrite(str(root / IMAGE_DIR / split / f'{stem}.jpg'), image_bgr, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    cv2.imwrite(str(root / MASK_DIR / split / f'{stem}.png'), mask)


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

    ``noise='none'`` writes clean masks.
    """
    if noise != 'none':
        raise ValueError(f'unknown noise preset {noise!r}')
    out = Path(out)
    counts = {'train': n_train, 'val': n_val, 'test': n_test}
    summary = DemoDataSummary(out=str(out), seed=seed, size=size, noise=noise, counts=counts)
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        for split in SPLITS:
            (tmp / IMAGE_DIR / split).mkdir(parents=True)
            (tmp / MASK_DIR / split).mkdir(parents=True)
        jobs = [(seed, split, i, size) for split in SPLITS for i in range(counts[split])]
        fg_pixels = dict.fromkeys(SPLITS, 0)
        results = ordered_map(
            _render_sample, jobs, workers, 'rendering demo data', show_progress, chunksize=8
        )
        for split, stem, image, mask in results:
            _write_sample(tmp, split, stem, image, mask)
            fg_pixels[split] += int(np.count_nonzero(mask))
        summary.foreground_share = {
            s: round(fg_pixels[s] / max(1, counts[s] * size * size), 4) for s in SPLITS
        }
        (tmp / 'README.txt').write_text(
            'petseg demo data (synthetic). Made by: petseg demo-data '
            f'--out {out} --seed {seed} --size {size} --noise {noise}\n'
            + json.dumps(asdict(summary), indent=2)
            + '\n'
        )
    return summary


