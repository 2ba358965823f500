"""Region descriptors kept on disk in scan order and read back in blocks, so that fix-labels never
holds every descriptor of a large dataset at once.

The ``self`` classifier (:mod:`.species_classifier_self`) reads every region's descriptor (about
420 float64 values, 3.4 kB) many times: to standardise and fit each fold's model and to judge
every region. At 70,000 regions they are 235 MB, and a fit copied its training rows several
times over. The store appends each scanned sample's rows to a temporary file as the samples
stream in from the workers. A store that fits ``IN_MEMORY_BYTES`` is read back whole, once (the
same array the classifier always had: small datasets are judged exactly as before); a larger
one is read in blocks of ``BLOCK_ROWS`` rows (:func:`row_blocks`, :func:`take_rows`).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np

IN_MEMORY_BYTES = 64 * 2**20  # ~19,000 regions of 420 descriptors (the Oxford-IIIT Pet: 7,390)
BLOCK_ROWS = 4096  # 14 MB of 420 float64 values
DTYPE = np.float64


class DescriptorStore:
    """Rows of equal length (float64), appended in order to ``folder/descriptors.f64``."""

    def __init__(self, folder: str | Path, in_memory_bytes: int | None = None) -> None:
        self.path = Path(folder) / 'descriptors.f64'
        self.in_memory_bytes = IN_MEMORY_BYTES if in_memory_bytes is None else in_memory_bytes
        self.dim: int | None = None
        self.count = 0
        self._handle = self.path.open('wb')
        self._matrix: np.ndarray | None = None

    def __getstate__(self) -> dict:
        """Pickled as its file (for pool workers): no open handle, no rows in memory."""
        self.close()
        return {**self.__dict__, '_handle': None, '_matrix': None}

    def append(self, rows: np.ndarray) -> None:
        """Add ``rows`` (n, dim) after the rows already stored."""
        rows = np.ascontiguousarray(rows, dtype=DTYPE)
        if rows.ndim != 2:
            raise ValueError(f'descriptor rows must be 2-D, got shape {rows.shape}')
        if self.dim is None:
            self.dim = rows.shape[1]
        elif rows.shape[1] != self.dim:
            raise ValueError(f'descriptor rows of {rows.shape[1]} values after {self.dim}')
        if self._handle is None:
            raise ValueError('the store is closed for writing (rows were read back)')
        self._handle.write(rows.tobytes())
        self.count += len(rows)

    def __len__(self) -> int:
        return self.count

    @property
    def shape(self) -> tuple[int, int]:
        """``(rows, dim)``."""
        return self.count, self.dim or 0

    @property
    def fits_in_memory(self) -> bool:
        """Whether the rows are read back whole (at most ``in_memory_bytes``)."""
        return self.count * (self.dim or 0) * np.dtype(DTYPE).itemsize <= self.in_memory_bytes

    def close(self) -> None:
        """Stop writing (reading back closes it too)."""
        if self._handle is not None:
            self._handle.close()
            self._handle = None

    def matrix(self) -> np.ndarray:
        """Every row as one array (read once and kept; only when :attr:`fits_in_memory`)."""
        if not self.fits_in_memory:
            raise MemoryError(f'{self.count} rows exceed the in-memory budget: read blocks')
        if self._matrix is None:
            self.close()
            self._matrix = np.fromfile(self.path, dtype=DTYPE).reshape(self.shape)
        return self._matrix

    def blocks(self, rows: int | None = None) -> Iterator[tuple[int, np.ndarray]]:
        """``(first row, block)`` in order, at most ``rows`` (``BLOCK_ROWS``) rows each."""
        rows = rows or BLOCK_ROWS
        if self.fits_in_memory:
            yield 0, self.matrix()
            return
        self.close()
        row_bytes = self.dim * np.dtype(DTYPE).itemsize
        with self.path.open('rb') as handle:
            for start in range(0, self.count, rows):
                n = min(rows, self.count - start)
                handle.seek(start * row_bytes)
                block = np.fromfile(handle, dtype=DTYPE, count=n * self.dim)
                yield start, block.reshape(n, self.dim)


Rows = np.ndarray | DescriptorStore


def row_blocks(features: Rows) -> Iterator[tuple[int, np.ndarray]]:
    """``(first row, block)`` of an array (one block) or a store (blocks read in turn)."""
    if isinstance(features, np.ndarray):
        yield 0, features
    else:
        yield from features.blocks()


def take_rows(features: Rows, rows: np.ndarray) -> np.ndarray:
    """``features[rows]`` (``rows`` ascending) of an array, or of a store read block by block."""
    if isinstance(features, np.ndarray):
        return features[rows]
    if features.fits_in_memory:
        return features.matrix()[rows]
    out = np.empty((len(rows), features.dim), dtype=DTYPE)
    done = 0
    for start, block in features.blocks():
        inside = rows[(rows >= start) & (rows < start + len(block))]
        out[done : done + len(inside)] = block[inside - start]
        done += len(inside)
    return out


def feature_count(features: Rows) -> int:
    """The number of values per row."""
    return int(features.shape[1])
