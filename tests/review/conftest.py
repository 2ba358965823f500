"""Review sources beyond the fix-labels plan: an eda report with mask findings, served live."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pytest

from practicum_work.review.server import ReviewApp, make_server
from tests.conftest import make_review_dataset

COLOUR_MASK = 'train/train_0011'  # an RGB colour-coded mask (pet painted red)
NO_IMAGE = 'train/train_0012'  # a mask whose image is gone
# a JPEG cut in half (OpenCV cannot decode it, PIL partly), named as Oxford-IIIT Pet names
# its photos: long names must not run into the decision in the grid
TRUNCATED = 'train/staffordshire_bull_terrier_13'
MASK_FINDINGS = {
    'train/train_0007': 'empty_mask',
    'train/train_0008': 'stray_values',
    'train/train_0009': 'tiny_mask',
    'train/train_0010': 'size_mismatch',
    COLOUR_MASK: 'colour_mask',
}


def make_eda_dataset(root: Path) -> Path:
    """The review dataset plus a colour-coded mask, a mask without image, a truncated JPEG."""
    make_review_dataset(root)
    labels, images = root / 'labels' / 'train', root / 'img' / 'train'
    mask = cv2.imread(str(labels / 'train_0011.png'), cv2.IMREAD_UNCHANGED)
    colours = np.zeros((*mask.shape, 3), np.uint8)
    colours[mask > 0] = (0, 0, 255)  # BGR red
    cv2.imwrite(str(labels / 'train_0011.png'), colours)
    (images / 'train_0012.jpg').unlink()
    stem = TRUNCATED.split('/')[1]
    (labels / 'train_0013.png').rename(labels / f'{stem}.png')
    jpeg = (images / 'train_0013.jpg').read_bytes()
    (images / 'train_0013.jpg').unlink()
    (images / f'{stem}.jpg').write_bytes(jpeg[: len(jpeg) // 2])
    return root


@pytest.fixture(scope='session')
def eda_review(tmp_path_factory) -> tuple[Path, Path]:
    """(dataset root, eda report folder) of ``petseg eda`` on :func:`make_eda_dataset`."""
    from practicum_work.data.eda.run import run_eda

    base = tmp_path_factory.mktemp('eda_review')
    root = make_eda_dataset(base / 'pets_eda')
    run_eda(root, base / 'eda', overlays=0, workers=1, show_progress=False)
    return root, base / 'eda'


@pytest.fixture
def fresh_eda(eda_review, tmp_path) -> tuple[Path, Path]:
    """A private copy of the eda report folder (no decisions yet); the dataset is shared."""
    root, report = eda_review
    copy = tmp_path / 'eda'
    shutil.copytree(report, copy)
    return root, copy


@contextmanager
def serving(app: ReviewApp) -> Iterator[int]:
    """``app`` on a free port of 127.0.0.1 in a background thread; yields the port."""
    httpd = make_server(app, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_address[1]
    finally:
        httpd.shutdown()
        httpd.server_close()
