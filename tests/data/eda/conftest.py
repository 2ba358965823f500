"""Helpers for the EDA tests (the noisy dataset fixture lives in tests/conftest.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest


def tree_digest(root: Path) -> str:
    """A hash of every file's path and bytes under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob('*')):
        digest.update(path.relative_to(root).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def is_png(path: Path) -> bool:
    """A complete, decodable PNG file."""
    from PIL import Image

    if path.read_bytes()[:8] != b'\x89PNG\r\n\x1a\n':
        return False
    with Image.open(path) as image:
        image.verify()
    with Image.open(path) as image:
        image.load()
        return image.format == 'PNG' and image.size[0] > 0


@pytest.fixture(scope='session')
def digest():
    """``tree_digest`` as a fixture (test modules cannot import conftest)."""
    return tree_digest


@pytest.fixture(scope='session')
def png_ok():
    """``is_png`` as a fixture."""
    return is_png
