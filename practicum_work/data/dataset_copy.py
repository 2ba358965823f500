"""Write a dataset copy with some masks replaced or samples left out, never touching the source."""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.atomic import atomic_output_dir, check_output_outside


def _link_or_copy(src: Path, dst: Path) -> None:
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)  # unchanged files: hard links cost no space
    except OSError:
        shutil.copy2(src, dst)


def copy_dataset(
    src: str | Path,
    out: str | Path,
    replace_masks: Mapping[str, np.ndarray] | None = None,
    drop: set[str] | frozenset[str] = frozenset(),
    extra_files: Mapping[str, str] | None = None,
    overwrite: bool = False,
) -> Path:
    """Copy every file of ``src`` to ``out`` (atomically), with changes.

    ``replace_masks`` maps a mask's path relative to ``src`` (``labels/train/x.png``) to the
    new single-channel label map written instead; ``drop`` lists relative paths left out.
    ``extra_files`` (name -> text, e.g. a manifest) are written at the top. Everything else
    is hard-linked (or copied across file systems). The copy appears whole or not at all.
    """
    src, out = Path(src), Path(out)
    check_output_outside(out, src)
    replace_masks = dict(replace_masks or {})
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        for path in sorted(p for p in src.rglob('*') if p.is_file()):
            relative = path.relative_to(src).as_posix()
            if relative in drop:
                continue
            target = tmp / relative
            if relative in replace_masks:
                target.parent.mkdir(parents=True, exist_ok=True)
                if not cv2.imwrite(str(target), replace_masks.pop(relative).astype(np.uint8)):
                    raise OSError(f'could not write {target}')
            else:
                _link_or_copy(path, target)
        if replace_masks:
            raise KeyError(f'masks to replace not found in {src}: {sorted(replace_masks)[:3]}')
        for name, text in (extra_files or {}).items():
            (tmp / name).write_text(text, encoding='utf-8')
    return out
