"""Check the data a run will read, from its config, before the Runner is built.

The Runner builds its datasets lazily (at ``train()``/``test()``), after it has made a work
dir, a log and a tracking task; a missing folder found then costs all of that. Here the
folders of each dataset of a dataloader (``data_root`` + ``data_prefix``, wrappers such as
``ConcatDataset`` followed) are checked by listing only, and a training split is read, mask by
mask until the first cat or dog pixel, to refuse data that would teach background only, and
its masks' encoding is recognised as a whole (trimaps and colour masks are not class ids).
"""

from __future__ import annotations

import os.path as osp
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from practicum_work.core.classes import FOREGROUND_CLASSES
from practicum_work.core.errors import DataLayoutError
from practicum_work.core.image_io import UnreadableFileError, read_label_map
from practicum_work.core.layout import DEMO_DATA_HINT, IMAGE_DIR, MASK_DIR, find_splits, pair_dirs

# How tools/*.py are pointed at a dataset (petseg commands take --data-root PATH).
TOOL_DATA_ROOT = '--cfg-options data_root=PATH'
# What a missing split means for the training dataloader that reads it.
_SPLIT_ROLE = {
    'train_dataloader': 'training reads it',
    'val_dataloader': 'training validates on it',
}


def data_root_hint(how: str = TOOL_DATA_ROOT) -> str:
    """The one hint for a data root that is not there."""
    return f'give your dataset (img/<split>, labels/<split>) with {how}, or {DEMO_DATA_HINT}'


_CHECK_FIRST = 16  # masks read first, spread over the split, before the rest in order


@dataclass(frozen=True)
class DatasetFolders:
    """Where one dataset config reads: its root, image and mask folders, optional stem list."""

    data_root: str
    img_dir: str
    ann_dir: str
    ann_file: str = ''

    @property
    def split(self) -> str:
        return Path(self.img_dir).name


def dataset_folders(dataset: Mapping | None) -> list[DatasetFolders]:
    """The folders of a dataset config (wrappers' ``dataset``/``datasets`` followed)."""
    if not dataset:
        return []
    if dataset.get('datasets'):
        return [f for d in dataset['datasets'] for f in dataset_folders(d)]
    if dataset.get('dataset'):
        return dataset_folders(dataset['dataset'])
    prefix = dataset.get('data_prefix') or {}
    if 'img_path' not in prefix or 'seg_map_path' not in prefix:
        return []
    root = str(dataset.get('data_root') or '')
    ann_file = str(dataset.get('ann_file') or '')
    if ann_file and root and not osp.isabs(ann_file):
        ann_file = osp.join(root, ann_file)
    return [
        DatasetFolders(
            root,
            _joined(root, prefix['img_path']),
            _joined(root, prefix['seg_map_path']),
            ann_file,
        )
    ]


def _joined(root: str, path: str) -> str:
    return path if not root or osp.isabs(path) else osp.join(root, path)


def check_data_root(data_root: str, how: str = TOOL_DATA_ROOT) -> None:
    """A one-line :class:`DataLayoutError` when ``data_root`` is not a folder."""
    if data_root and not osp.isdir(data_root):
        raise DataLayoutError(f'data root {data_root} does not exist ({data_root_hint(how)})')


def check_split_folders(
    folders: DatasetFolders, loader: str = '', split_hint: str = '', how: str = TOOL_DATA_ROOT
) -> None:
    """The root, the image and the mask folder exist (and the stem list, when one is given).

    ``how`` names the option that sets the data root (in the missing root's hint).
    """
    check_data_root(folders.data_root, how)
    root = folders.data_root or str(Path(folders.img_dir).parent.parent)
    if not osp.isdir(folders.img_dir):
        present = find_splits(root)
        has = f'this dataset has {", ".join(present)}' if present else 'no split folders found'
        role = _SPLIT_ROLE.get(loader)
        raise DataLayoutError(
            f'split {folders.split!r} not found: {folders.img_dir} does not exist'
            + (f' ({role})' if role else '')
            + f'; {has} under {root}/{IMAGE_DIR}'
            + (f'; {split_hint.format(example=_example(present))}' if split_hint else '')
        )
    if not osp.isdir(folders.ann_dir):
        raise DataLayoutError(
            f'mask folder {folders.ann_dir} does not exist (masks of {folders.img_dir} go to '
            f'{root}/{MASK_DIR}/{folders.split}, one PNG per image with the same stem)'
        )
    if folders.ann_file and not osp.isfile(folders.ann_file):
        raise DataLayoutError(f'ann_file {folders.ann_file} does not exist')


def _example(splits: list[str]) -> str:
    """A split to suggest: val when there is one, else the last."""
    return 'val' if 'val' in splits else (splits[-1] if splits else 'val')


def check_loader_data(cfg: Any, loaders: Sequence[str], split_hint: str = '') -> None:
    """Every folder the named dataloaders read exists and holds image/mask pairs.

    ``split_hint`` ends the message of a missing split (e.g. how to test on another one;
    ``{example}`` in it becomes a split the dataset has).
    """
    for loader in loaders:
        section = cfg.get(loader) if hasattr(cfg, 'get') else None
        if not section:
            continue
        for folders in dataset_folders(section.get('dataset')):
            check_split_folders(folders, loader, split_hint)
            pairing = pair_dirs(folders.img_dir, folders.ann_dir)
            if not pairing.pairs:
                n_masks = len(pairing.masks_without_image)
                raise DataLayoutError(
                    f'no image/mask pairs in {folders.img_dir} and {folders.ann_dir} '
                    f'({len(pairing.images_without_mask)} images without a mask, {n_masks} masks '
                    'without an image; an image and its mask share a file stem)'
                )


def _listed_stems(ann_file: str) -> set[str] | None:
    if not ann_file:
        return None
    lines = Path(ann_file).read_text(encoding='utf-8').splitlines()
    return {Path(line.strip()).stem for line in lines if line.strip()}


def _spread(paths: list[Path]) -> Iterator[Path]:
    """A few masks spread over the list first (a sorted split may start with one kind)."""
    step = max(1, len(paths) // _CHECK_FIRST)
    first = paths[::step][:_CHECK_FIRST]
    chosen = set(first)
    yield from first
    yield from (p for p in paths if p not in chosen)


@dataclass
class ForegroundScan:
    """What the masks of a training split hold, read until the first foreground pixel."""

    masks: int = 0
    read: int = 0
    found: bool = False
    values: frozenset[int] = frozenset()
    unreadable: int = 0
    first_unreadable: str = ''


def scan_foreground(mask_paths: list[Path]) -> ForegroundScan:
    """Read masks (``core.image_io``) until one holds a cat or dog pixel; collect the values."""
    scan = ForegroundScan(masks=len(mask_paths))
    seen = np.zeros(0, dtype=np.int64)
    foreground = np.asarray(FOREGROUND_CLASSES)
    for path in _spread(mask_paths):
        scan.read += 1
        try:
            mask, _ = read_label_map(path)
        except UnreadableFileError as err:
            scan.unreadable += 1
            scan.first_unreadable = scan.first_unreadable or f'{path}: {err}'
            continue
        values = np.unique(mask)
        seen = np.union1d(seen, values)
        if np.isin(foreground, values).any():
            scan.found = True
            break
    scan.values = frozenset(int(v) for v in seen)
    return scan


def check_train_foreground(cfg: Any, warn: Callable[[str], None] = print) -> None:
    """Refuse a training set without a single cat or dog pixel (one line naming the cause).

    Masks that do hold one are then judged as a dataset (:func:`check_train_encoding`).
    """
    section = cfg.get('train_dataloader')
    folders = dataset_folders(section.get('dataset')) if section else []
    masks: list[Path] = []
    for f in folders:
        pairing = pair_dirs(f.img_dir, f.ann_dir)
        stems = _listed_stems(f.ann_file)
        masks += [p.mask_path for p in pairing.pairs if stems is None or p.stem in stems]
    if not masks:
        return
    scan = scan_foreground(masks)
    if scan.found:
        check_train_encoding(folders, _num_classes(cfg), warn)
        return
    where = ', '.join(sorted({f.ann_dir for f in folders}))
    raise DataLayoutError(
        f'the training masks hold no cat or dog pixel ({scan.masks} masks in {where}; '
        f'{_seen(scan)}): {_advice(scan, folders)}'
    )


def check_train_encoding(
    folders: list[DatasetFolders],
    num_classes: int | None = None,
    warn: Callable[[str], None] = print,
) -> None:
    """Refuse training masks whose values are not class ids as a dataset (trimaps, colours).

    A trimap's 1 (pet) and 2 (background) read as cat and dog, so the foreground check alone
    passes them; the dataset-level encoding (``core.mask_encoding``, up to 300 masks spread
    over the training splits) tells them apart and names the conversion. Pet/background masks
    (0/1 only) under a config of 3 or more classes would train every pet as a cat: refused when
    ``petseg convert-masks --binary`` wrote them, a warning otherwise (a cats-only dataset
    looks the same).
    """
    from practicum_work.core.mask_encoding import BINARY_01, require_class_ids

    by_root: dict[str, set[str]] = {}
    for f in folders:
        root = f.data_root or str(Path(f.ann_dir).parent.parent)
        by_root.setdefault(root, set()).add(f.split)
    for root, splits in by_root.items():
        found = require_class_ids(root, sorted(splits))
        if found.encoding != BINARY_01 or (num_classes or 0) < 3:
            continue
        what = f'the masks of {root} hold only 0 and 1 (no 2 anywhere)'
        hyp9 = 'for pet/background masks train configs/hyp9_segformer_b0_binary.py'
        if found.written_by:
            raise DataLayoutError(
                f'{what}: pet/background masks written by {found.written_by}; this config has '
                f'{num_classes} classes and would learn every pet as a cat: {hyp9}'
            )
        warn(f'{what}: this {num_classes}-class config learns every pet as a cat; {hyp9}')


def _num_classes(cfg: Any) -> int | None:
    """The decode head's number of classes (None when the config does not say)."""
    head = (cfg.get('model') or {}).get('decode_head')
    if isinstance(head, list | tuple):
        head = head[-1] if head else None
    return head.get('num_classes') if head else None


def _seen(scan: ForegroundScan) -> str:
    parts = []
    if scan.values:
        shown = sorted(scan.values)
        text = ', '.join(map(str, shown[:10])) + (' ...' if len(shown) > 10 else '')
        parts.append(f'values seen: {text}')
    if scan.unreadable:
        parts.append(
            f'{scan.unreadable} not single-channel class maps, e.g. {scan.first_unreadable}'
        )
    return '; '.join(parts) or 'no readable mask'


def _advice(scan: ForegroundScan, folders: list[DatasetFolders]) -> str:
    """The dataset-level encoding (``core.mask_encoding``) and its conversion, else a hint."""
    from practicum_work.core.mask_encoding import detect_mask_encoding

    root = folders[0].data_root or str(Path(folders[0].ann_dir).parent.parent)
    splits = sorted({f.split for f in folders})
    try:
        encoding = detect_mask_encoding(root, splits=splits, max_files=200)
    except DataLayoutError:
        encoding = None
    if encoding is not None and encoding.convert_command:
        return f'{encoding.message}: {encoding.convert_command}'
    eda = f'`petseg eda --data-root {root}` names the mask encoding'
    if scan.values <= {0}:
        return f'every mask is background only, so a model would learn nothing else; {eda}'
    return f'a model would learn background only (0 background, 1 cat, 2 dog, 255 ignore); {eda}'
