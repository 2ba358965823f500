"""Demo data: deterministic, real layout, exact label values, ~10% foreground, both classes."""

from __future__ import annotations

import hashlib

import numpy as np
from PIL import Image

from practicum_work.data.demo_data import generate_demo_dataset
from practicum_work.data.demo_scenes import render_scene


def _digest(root) -> str:
    h = hashlib.sha256()
    for path in sorted([*root.rglob('*.jpg'), *root.rglob('*.png')]):
        if path.is_file():
            h.update(path.relative_to(root).as_posix().encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def test_layout_counts_and_values(tiny_dataset):
    for split, n in (('train', 8), ('val', 4), ('test', 4)):
        images = sorted((tiny_dataset / 'img' / split).glob('*.jpg'))
        masks = sorted((tiny_dataset / 'labels' / split).glob('*.png'))
        assert len(images) == len(masks) == n
        assert [p.stem for p in images] == [p.stem for p in masks]
    mask = np.array(Image.open(masks[0]))
    assert mask.dtype == np.uint8 and mask.ndim == 2
    assert set(np.unique(mask)) <= {0, 1, 2}


def test_same_seed_same_bytes_other_seed_differs(tmp_path):
    kwargs = dict(n_train=3, n_val=1, n_test=1, size=48, show_progress=False)
    generate_demo_dataset(tmp_path / 'a', seed=3, workers=1, **kwargs)
    generate_demo_dataset(tmp_path / 'b', seed=3, workers=2, **kwargs)
    generate_demo_dataset(tmp_path / 'c', seed=4, workers=1, **kwargs)
    assert _digest(tmp_path / 'a') == _digest(tmp_path / 'b')
    assert _digest(tmp_path / 'a') != _digest(tmp_path / 'c')


def test_scene_statistics_look_like_the_reference_data():
    fg, has_cat, has_dog, both, empty = [], 0, 0, 0, 0
    for i in range(150):
        mask = render_scene(np.random.default_rng([11, i]), 128).mask
        fg.append(np.mean(mask > 0))
        cat, dog = (mask == 1).any(), (mask == 2).any()
        has_cat += cat
        has_dog += dog
        both += cat and dog
        empty += not (cat or dog)
    assert 0.06 < np.mean(fg) < 0.16  # ~90% background
    assert has_cat > 40 and has_dog > 40 and both > 3 and empty > 2
