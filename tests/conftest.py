"""Shared fixtures: tiny generated datasets and helpers to run the tools like a user."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import cv2
import numpy as np
import pytest

from practicum_work.tracking.mode import SERVER_ENV_VARS, env_without_server

# No test reaches the Hugging Face hub (fix-labels --classifier auto would try it): tests that
# need ImageNet weights bring their own (a weights file or a cache folder of their own).
os.environ['HF_HUB_OFFLINE'] = '1'

REPO_ROOT = Path(__file__).resolve().parents[1]
CONFIGS = sorted(p for p in (REPO_ROOT / 'configs').glob('*.py'))
HYP1 = 'configs/hyp1_segformer_b0.py'
# The test pipeline at the tiny dataset's size, without dataloader worker processes.
TINY_TEST_OPTIONS = {
    'test_dataloader.dataset.pipeline.1.scale': (64, 64),
    'val_dataloader.dataset.pipeline.1.scale': (64, 64),
    'test_dataloader.num_workers': 0,
    'test_dataloader.persistent_workers': False,
}


@pytest.fixture(scope='session', autouse=True)
def clearml_isolated(tmp_path_factory):
    """No test reaches a real ClearML server, config or cache.

    ClearML tracking is off by default (``PETSEG_CLEARML=off``); the tracking tests turn it
    on explicitly, with HOME pointed at a temp dir (see :func:`clearml_env`).
    """
    home = tmp_path_factory.mktemp('clearml_home')
    with pytest.MonkeyPatch.context() as patch:
        for name in SERVER_ENV_VARS:
            patch.delenv(name, raising=False)
        patch.setenv('PETSEG_CLEARML', 'off')
        patch.setenv('CLEARML_CONFIG_FILE', str(home / 'no_clearml.conf'))
        patch.setenv('CLEARML_CACHE_DIR', str(home / 'cache'))
        yield home


@pytest.fixture(autouse=True)
def clearml_state_stays_in_its_test():
    """What an in-process ClearML task writes into os.environ (``CLEARML_OFFLINE_MODE`` from
    ``Task.set_offline``, the master-process marker) is undone after the test, so that tools
    started by later tests decide their own mode, as a user's fresh shell would."""
    before = {k: v for k, v in os.environ.items() if k.startswith(('CLEARML_', 'TRAINS_'))}
    yield
    for key in [k for k in os.environ if k.startswith(('CLEARML_', 'TRAINS_'))]:
        if key not in before:
            del os.environ[key]
    os.environ.update(before)


def clearml_env(home: Path, mode: str = 'offline', **extra: str) -> dict[str, str]:
    """The environment of a tool run tracked by ClearML in ``mode`` with HOME at ``home``."""
    env = env_without_server()
    env.update(
        HOME=str(home),
        PETSEG_CLEARML=mode,
        CLEARML_CONFIG_FILE=str(home / 'clearml.conf'),
        CLEARML_CACHE_DIR=str(home / '.clearml' / 'cache'),
        PYTHONUNBUFFERED='1',
    )
    env.update(extra)
    return env


@pytest.fixture(scope='session')
def tiny_dataset(tmp_path_factory) -> Path:
    """A clean generated dataset: 8 train, 4 val, 4 test images of 64x64."""
    from practicum_work.data.demo_data import generate_demo_dataset

    root = tmp_path_factory.mktemp('data') / 'pets_tiny'
    generate_demo_dataset(
        root, seed=0, n_train=8, n_val=4, n_test=4, size=64, workers=1, show_progress=False
    )
    return root


@pytest.fixture(scope='session')
def noisy_dataset(tmp_path_factory) -> Path:
    """Default injected noise (every type once in train and val), 14/14/4 images of 64x64.

    The ground truth is ``<root>.noise.json`` (``noise_injection.noise_file_for(root)``).
    """
    from practicum_work.data.demo_data import generate_demo_dataset

    root = tmp_path_factory.mktemp('noisy') / 'pets_noisy'
    generate_demo_dataset(
        root,
        seed=0,
        n_train=14,
        n_val=14,
        n_test=4,
        size=64,
        noise='default',
        workers=1,
        show_progress=False,
    )
    return root


def run_tool(
    *args: str, cwd: Path = REPO_ROOT, timeout: int = 900, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    """Run ``python <args>`` from the repository root, as a user would; capture output."""
    env = dict(env if env is not None else os.environ, PYTHONUNBUFFERED='1')
    return subprocess.run(
        [sys.executable, *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def quick_cfg_options(data_root: Path, max_iters: int, config: str = HYP1) -> list[str]:
    """``--cfg-options`` of the README's CPU recipe for ``config`` at 64 px (tiny datasets)."""
    from practicum_work.core.config import cpu_quick_options
    from practicum_work.core.tool_runner import cfg_option_args

    opts = cpu_quick_options(
        REPO_ROOT / config, max_iters, val_interval=2, crop=64, batch_size=2, workers=0,
        eval_scale=64,
    )  # fmt: skip
    opts['data_root'] = str(data_root)
    return cfg_option_args(opts)


def train_quick(
    config: str, work_dir: Path, data_root: Path, max_iters: int, *extra: str
) -> subprocess.CompletedProcess:
    """tools/train.py with the CPU recipe for ``max_iters`` (validation every 2); must succeed."""
    result = run_tool(
        'tools/train.py',
        config,
        '--work-dir',
        str(work_dir),
        *extra,
        *quick_cfg_options(data_root, max_iters, config),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return result


@pytest.fixture(scope='session')
def hyp1_run(tiny_dataset, tmp_path_factory) -> Path:
    """hyp1 trained for 4 iterations on the tiny dataset (checkpoints and val metrics at 2, 4).

    Shared by every test that needs a checkpoint; treat it as read-only (copy it to change it).
    """
    work_dir = tmp_path_factory.mktemp('hyp1')
    train_quick(HYP1, work_dir, tiny_dataset, max_iters=4)
    return work_dir


# A toy cats/dogs dataset whose species a shape classifier cannot confuse (label fixing):
# cats are spiky stars, dogs smooth ellipses (random size, place, rotation, colour), so every
# injected cat<->dog swap is a known answer for the ``self`` classifier.


def _draw_animal(rng: np.random.Generator, size: int, label: int) -> np.ndarray:
    mask = np.zeros((size, size), np.uint8)
    cx, cy = rng.uniform(0.35, 0.65, 2) * size
    radius = rng.uniform(0.2, 0.3) * size
    if label == 1:  # a spiky star
        points = int(rng.integers(5, 8))
        angles = np.linspace(0, 2 * np.pi, 2 * points, endpoint=False) + rng.uniform(0, np.pi)
        radii = np.where(np.arange(2 * points) % 2 == 0, radius, radius * 0.4)
        poly = np.stack([cx + radii * np.cos(angles), cy + radii * np.sin(angles)], 1)
        cv2.fillPoly(mask, [poly.astype(np.int32)], 1)
    else:  # a smooth ellipse
        axes = (int(radius), int(radius * rng.uniform(0.6, 0.9)))
        cv2.ellipse(mask, (int(cx), int(cy)), axes, float(rng.uniform(0, 180)), 0, 360, 1, -1)
    return mask


def write_toy_dataset(
    root: Path, counts: dict[str, int], size: int = 96, seed: int = 0
) -> dict[str, list[str]]:
    """Write img/ and labels/ for ``counts`` per split; returns the stems per split."""
    rng = np.random.default_rng(seed)
    stems: dict[str, list[str]] = {}
    for split, n in counts.items():
        (root / 'img' / split).mkdir(parents=True, exist_ok=True)
        (root / 'labels' / split).mkdir(parents=True, exist_ok=True)
        stems[split] = []
        for index in range(n):
            label = 1 + index % 2
            shape = _draw_animal(rng, size, label)
            image = np.full((size, size, 3), rng.integers(0, 256, 3), np.uint8)
            image = np.clip(image + rng.normal(0, 12, image.shape), 0, 255).astype(np.uint8)
            image[shape > 0] = rng.integers(0, 256, 3)
            stem = f'{split}_{index:04d}'
            cv2.imwrite(str(root / 'img' / split / f'{stem}.jpg'), image)
            cv2.imwrite(str(root / 'labels' / split / f'{stem}.png'), shape * label)
            stems[split].append(stem)
    return stems


def swap_mask(path: Path) -> None:
    """Exchange cat and dog in one mask file (in place: test data only)."""
    mask = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    swapped = mask.copy()
    swapped[mask == 1], swapped[mask == 2] = 2, 1
    cv2.imwrite(str(path), swapped)


@pytest.fixture(scope='session')
def toy_dataset(tmp_path_factory) -> Path:
    """24 train, 8 val, 6 test toy images of 96 px; train_0002, train_0005, val_0001 swapped."""
    root = tmp_path_factory.mktemp('toy') / 'pets_toy'
    write_toy_dataset(root, {'train': 24, 'val': 8, 'test': 6})
    for rel in (
        'labels/train/train_0002.png',
        'labels/train/train_0005.png',
        'labels/val/val_0001.png',
        'labels/test/test_0003.png',
    ):
        swap_mask(root / rel)
    return root


# A dataset with every kind of flagged sample and its dry-run plan (review and decisions tests)


def make_review_dataset(root: Path) -> Path:
    """Toy scenes (30 train, 10 val, 4 test) with swaps, an empty, a stray-valued, a tiny and
    a size-mismatched mask: flagged samples of every decision (fix, review, drop)."""
    write_toy_dataset(root, {'train': 30, 'val': 10, 'test': 4})
    for rel in ('labels/train/train_0002.png', 'labels/train/train_0005.png',
                'labels/val/val_0001.png'):  # fmt: skip
        swap_mask(root / rel)
    labels = root / 'labels' / 'train'
    cv2.imwrite(str(labels / 'train_0007.png'), np.zeros((96, 96), np.uint8))  # empty
    stray = cv2.imread(str(labels / 'train_0008.png'), cv2.IMREAD_UNCHANGED)
    stray[:4, :4] = 7
    cv2.imwrite(str(labels / 'train_0008.png'), stray)
    tiny = np.zeros((96, 96), np.uint8)
    tiny[40:43, 40:43] = 1
    cv2.imwrite(str(labels / 'train_0009.png'), tiny)
    small = cv2.imread(str(labels / 'train_0010.png'), cv2.IMREAD_UNCHANGED)
    cv2.imwrite(str(labels / 'train_0010.png'), cv2.resize(small, (48, 48), cv2.INTER_NEAREST))
    return root


@pytest.fixture(scope='session')
def review_plan(tmp_path_factory) -> tuple[Path, Path]:
    """(dataset root, plan folder) of a fix-labels --dry-run on the review dataset."""
    from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels

    base = tmp_path_factory.mktemp('review')
    root = make_review_dataset(base / 'pets_review')
    plan = base / 'plan'
    settings = FixLabelsSettings(
        data_root=root, dry_run=True, plan_dir=plan, classifier='self', folds=4, workers=1,
        show_progress=False,
    )  # fmt: skip
    run_fix_labels(settings, log=lambda _: None)
    return root, plan


@pytest.fixture
def fresh_plan(review_plan, tmp_path) -> tuple[Path, Path]:
    """A private copy of the plan folder (decisions.json starts empty); the dataset is shared."""
    root, plan = review_plan
    copy = tmp_path / 'plan'
    shutil.copytree(plan, copy)
    return root, copy


def load_benchmark_module(name: str) -> ModuleType:
    """A module of ``benchmarks/`` (scripts, not a package), loaded from its file."""
    path = REPO_ROOT / 'benchmarks' / f'{name}.py'
    spec = importlib.util.spec_from_file_location(f'benchmarks_{name}', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
