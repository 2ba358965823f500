"""Descriptors on disk: the rows come back as they went in, whole or block by block."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.data.label_fix import descriptor_store
from practicum_work.data.label_fix.descriptor_store import (
    DescriptorStore,
    feature_count,
    row_blocks,
    take_rows,
)


def _filled(folder, rows: np.ndarray, in_memory_bytes: int) -> DescriptorStore:
    store = DescriptorStore(folder, in_memory_bytes=in_memory_bytes)
    for start in range(0, len(rows), 3):  # samples of 1-3 regions, as the scan appends them
        store.append(rows[start : start + 3])
    return store


@pytest.mark.parametrize('budget', [0, 2**20])
def test_rows_come_back_in_order_whole_or_in_blocks(tmp_path, monkeypatch, budget):
    monkeypatch.setattr(descriptor_store, 'BLOCK_ROWS', 4)
    rows = np.random.default_rng(0).normal(size=(23, 5))
    store = _filled(tmp_path, rows, budget)
    assert store.shape == (23, 5) and feature_count(store) == 5
    blocks = list(row_blocks(store))
    assert all(len(block) <= (4 if budget == 0 else 23) for _, block in blocks)
    assert np.array_equal(np.concatenate([block for _, block in blocks]), rows)
    assert [start for start, _ in blocks] == list(np.cumsum([0] + [len(b) for _, b in blocks])[:-1])
    picked = np.array([0, 3, 4, 9, 17, 22])
    assert np.array_equal(take_rows(store, picked), rows[picked])
    assert np.array_equal(take_rows(rows, picked), rows[picked])


def test_a_large_store_is_never_read_whole(tmp_path):
    store = _filled(tmp_path, np.ones((10, 4)), in_memory_bytes=10 * 4 * 8 - 1)
    assert not store.fits_in_memory
    with pytest.raises(MemoryError):
        store.matrix()


def test_rows_of_another_length_are_refused(tmp_path):
    store = DescriptorStore(tmp_path)
    store.append(np.zeros((2, 4)))
    with pytest.raises(ValueError, match='5 values after 4'):
        store.append(np.zeros((1, 5)))
