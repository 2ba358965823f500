"""Byte-identical images, found over the whole scan."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from practicum_work.data.checks.duplicates import DuplicateImages
from practicum_work.data.checks.sample import Measure


def test_every_copy_after_the_first_is_flagged(pair, labels, run_check):
    image = np.random.default_rng(1).integers(0, 256, (16, 16, 3), dtype=np.uint8)
    samples = [pair(labels(20, shape=(16, 16)), image=image, stem=s) for s in ('a', 'b', 'c')]
    other = pair(labels(20, shape=(16, 16)), stem='d')
    measures = []
    for sample in [*samples, other]:
        _, found, digest = run_check(DuplicateImages, sample)
        assert found == [] and len(digest) == 40
        measures.append(Measure('train', sample.stem, sample.image_file, None, digest))
    found = []
    DuplicateImages().on_dataset(SimpleNamespace(measures={'duplicates': measures}), found)
    assert [(f.stem, f.kind, f.evidence['same_as']) for f in found] == [
        ('b', 'duplicate_image', 'img/a.jpg'),
        ('c', 'duplicate_image', 'img/a.jpg'),
    ]
    assert '3 copies' in found[0].message
