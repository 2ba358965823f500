"""Write output folders atomically and never over an existing one unless told."""

from __future__ import annotations

import glob
import json
import os
import shutil
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from practicum_work.core.errors import OutputExistsError, PetsegError


def check_output_outside(out: str | Path, source: str | Path) -> None:
    """Refuse an output folder equal to, inside, or containing the source folder.

    (Replacing an output that contains the input with ``--overwrite`` would delete the input.)
    """
    out_r, src_r = Path(out).resolve(), Path(source).resolve()
    if out_r == src_r or src_r in out_r.parents:
        raise PetsegError(f'output {out} is inside the input {source}; choose a folder outside it')
    if out_r in src_r.parents:
        raise PetsegError(f'output {out} contains the input {source}; choose a folder outside it')


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_temporaries(out: str | Path) -> list[Path]:
    """Delete the ``.<name>.tmp-<pid>`` / ``.old-<pid>`` siblings of ``out`` whose process is gone.

    A run killed with SIGKILL (or the machine going down) cannot clean up its temporary
    folder; the next run does. Folders of a process that is still running are left alone.
    """
    out = Path(out)
    removed = []
    if not out.parent.is_dir():
        return removed
    for kind in ('tmp', 'old'):
        for path in out.parent.glob(f'.{glob.escape(out.name)}.{kind}-*'):
            pid = path.name.rsplit('-', 1)[-1]
            if not pid.isdigit() or int(pid) == os.getpid() or _pid_alive(int(pid)):
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)
            removed.append(path)
    return removed


@contextmanager
def atomic_output_dir(out: str | Path, overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary sibling folder that becomes ``out`` only when the block succeeds.

    An existing ``out`` raises :class:`OutputExistsError` unless ``overwrite``; then it is
    replaced only after the new folder is complete. An interrupted or failed run leaves
    ``out`` untouched and removes the temporary folder; one killed outright (SIGKILL) leaves
    it behind, and the next run removes it (:func:`remove_stale_temporaries`).
    """
    out = Path(out)
    if out.exists() and not overwrite:
        raise OutputExistsError(f'{out} already exists; pass --overwrite to replace it')
    out.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temporaries(out)
    tmp = out.parent / f'.{out.name}.tmp-{os.getpid()}'
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir()
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if out.exists():
        old = out.parent / f'.{out.name}.old-{os.getpid()}'
        out.rename(old)
        tmp.rename(out)
        if old.is_dir():
            shutil.rmtree(old)
        else:
            old.unlink()
    else:
        tmp.rename(out)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write a text file through a temporary sibling and an atomic rename."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f'.{path.name}.tmp-{os.getpid()}'
    tmp.write_text(text, encoding='utf-8')
    tmp.replace(path)


def atomic_write_json_stream(
    path: str | Path, head: dict, key: str, elements: Iterable[object], indent: int = 2
) -> None:
    """Write ``{**head, key: [*elements]}`` as ``json.dumps(..., indent=indent)`` writes it, byte
    for byte, one element at a time (never the whole document in memory), atomically.

    ``key`` must not be in ``head``; it comes last.
    """
    if key in head:
        raise ValueError(f'{key!r} is both in the head and the streamed list')
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f'.{path.name}.tmp-{os.getpid()}'
    opening = json.dumps({**head, key: []}, indent=indent)
    empty_tail = '[]\n}'
    if not opening.endswith(empty_tail):  # pragma: no cover - json's own layout
        raise ValueError('unexpected JSON layout')
    inner = ' ' * (2 * indent)
    try:
        with tmp.open('w', encoding='utf-8') as handle:
            handle.write(opening[: -len(empty_tail)])
            first = True
            for element in elements:
                text = json.dumps(element, indent=indent).replace('\n', '\n' + inner)
                handle.write(('[\n' if first else ',\n') + inner + text)
                first = False
            handle.write(empty_tail if first else '\n' + ' ' * indent + ']\n}')
            handle.write('\n')
        tmp.replace(path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
