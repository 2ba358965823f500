"""Ordered parallel map with a progress bar, shared by the data tools."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

T = TypeVar('T')
R = TypeVar('R')


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


def ordered_map(
    fn: Callable[[T], R],
    items: Sequence[T] | Iterable[T],
    workers: int | None = None,
    description: str = 'working',
    show_progress: bool = True,
    chunksize: int = 4,
) -> Iterator[R]:
    """Yield ``fn(item)`` for every item, in input order, over ``workers`` processes.

    ``workers=1`` runs in this process (no pickling). Results stream as they are ready, so
    callers can write them out one at a time and keep memory flat.
    """
    items = list(items)
    workers = default_workers() if workers is None else max(1, workers)
    with progress_bar(disable=not show_progress) as progress:
        task = progress.add_task(description, total=len(items))
        if workers == 1 or len(items) <= 1:
            for item in items:
                result = fn(item)
                progress.advance(task)
                yield result
            return
        with ProcessPoolExecutor(max_workers=min(workers, len(items))) as pool:
            for result in pool.map(fn, items, chunksize=chunksize):
                progress.advance(task)
                yield result
