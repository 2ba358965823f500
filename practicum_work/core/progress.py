"""Ordered parallel map with a progress bar, shared by the data tools.

Every process of a map (the pool's workers; this process when ``workers=1``) runs NumPy's
OpenBLAS on one thread: the tools' matrix products are small (one region's dense descriptors
against 256 visual words) and OpenBLAS's spinning threads cost more CPU than they save. Measured
on this project's 2-core machine, ``petseg fix-labels --workers 1`` on 700 pairs: 28.3 s of CPU
in 18.3 s with two BLAS threads, 16.0 s of CPU in 16.7 s with one; with 2 workers the extra
threads also competed with the other worker.
"""

from __future__ import annotations

import ctypes
import itertools
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from typing import TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar('T')
R = TypeVar('R')
WINDOW = 4  # chunks in flight per worker


def default_workers() -> int:
    """All cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def progress_bar(disable: bool = False) -> Progress:
    """A rich progress bar: description, bar, done/total, time left (stderr)."""
    return Progress(
        TextColumn('[progress.description]{task.description}'),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        disable=disable,
        transient=False,
    )


@cache
def _openblas() -> tuple[Callable, Callable] | None:
    """``(set_num_threads, get_num_threads)`` of the OpenBLAS NumPy loaded, or None (another
    BLAS, or not Linux: then nothing is changed)."""
    import numpy  # noqa: F401  (loads its BLAS)

    try:
        with open('/proc/self/maps') as maps:
            paths = sorted({line.split()[-1] for line in maps if 'openblas' in line.lower()})
    except OSError:
        return None
    for path in paths:
        try:
            library = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix, suffix in (('scipy_openblas', '64_'), ('openblas', '64_'), ('openblas', '')):
            setter = getattr(library, f'{prefix}_set_num_threads{suffix}', None)
            getter = getattr(library, f'{prefix}_get_num_threads{suffix}', None)
            if setter is not None and getter is not None:
                getter.restype = ctypes.c_int
                return setter, getter
    return None


def set_blas_threads(threads: int) -> int | None:
    """Let NumPy's OpenBLAS use ``threads`` threads; the number it had (None: not OpenBLAS)."""
    functions = _openblas()
    if functions is None:
        return None
    setter, getter = functions
    before = int(getter())
    setter(ctypes.c_int(threads))
    return before


@contextmanager
def one_blas_thread() -> Iterator[None]:
    """OpenBLAS on one thread in this process for the block (see the module doc)."""
    before = set_blas_threads(1)
    try:
        yield
    finally:
        if before is not None:
            set_blas_threads(before)


def _worker_start() -> None:
    set_blas_threads(1)


def _run_chunk(fn: Callable[[T], R], chunk: list[T]) -> list[R]:
    """``fn`` over one chunk of items, in a worker."""
    return [fn(item) for item in chunk]


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def ordered_map(
    fn: Callable[[T], R],
    items: Sequence[T] | Iterable[T],
    workers: int | None = None,
    description: str = 'working',
    show_progress: bool = True,
    chunksize: int = 4,
    total: int | None = None,
) -> Iterator[R]:
    """Yield ``fn(item)`` for every item, in input order, over ``workers`` processes.

    ``workers=1`` runs in this process (no pickling). Results stream as they are ready, so
    callers can write them out one at a time and keep memory flat; so do the items: at most
    ``WINDOW`` chunks per worker are in flight, and ``items`` may be a generator (``total``:
    how many it yields, for the progress bar and the pool size), so that a job list of 70,000
    samples is never built whole.
    """
    if total is None:
        items = items if isinstance(items, Sequence) else list(items)
        total = len(items)
    workers = default_workers() if workers is None else max(1, workers)
    with progress_bar(disable=not show_progress) as progress:
        task = progress.add_task(description, total=total)
        if workers == 1 or total <= 1:
            for item in items:
                with one_blas_thread():
                    result = fn(item)
                progress.advance(task)
                yield result
            return
        pool = ProcessPoolExecutor(max_workers=min(workers, total), initializer=_worker_start)
        with pool:
            pending: deque = deque()
            chunks = _chunks(items, max(1, chunksize))
            for chunk in itertools.islice(chunks, WINDOW * workers):
                pending.append(pool.submit(_run_chunk, fn, chunk))
            while pending:
                done = pending.popleft().result()
                chunk = next(chunks, None)
                if chunk is not None:
                    pending.append(pool.submit(_run_chunk, fn, chunk))
                for result in done:
                    progress.advance(task)
                    yield result
