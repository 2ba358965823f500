"""Samples marked "needs relabelling", in formats annotation tools import, and back again.

``write_relabel_export`` (``fix-labels --relabel-export DIR``) writes, for every such sample
``<split>__<stem>``:

- ``images/<name>.<ext>``: the image as it is;
- ``masks/<name>.png``: the mask as a palette PNG whose indices are the class ids (0
  background, 1 cat, 2 dog, 255 ignore) and whose palette is petseg's colours: most mask
  editors open it, and it reads back exactly;
- a CVAT "Segmentation mask 1.1" export (``cvat_segmentation_mask_1.1.zip`` and, unpacked,
  ``SegmentationClass/``, ``SegmentationObject/``, ``ImageSets/Segmentation/default.txt``,
  ``labelmap.txt``): colour-coded masks by the label map, ready for CVAT's import;
- ``relabel.json``: where each sample came from.

``import_relabelled`` (``petseg import-relabelled DIR --data-root R --out R_clean_v2``) reads
the corrected masks back (``masks/<name>.png``, else the CVAT colour mask), validates them as
eda would (values 0, 1, 2, 255 only; the image's size) and writes a new copy of the dataset
with them in place. The source is never modified.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.classes import CLASSES, IGNORE_COLOR, IGNORE_INDEX, PALETTE, VALID_LABELS
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.core.image_io import UnreadableFileError, read_header, read_label_map
from practicum_work.data.dataset_copy import copy_dataset

INDEX_FILE = 'relabel.json'
CVAT_ZIP = 'cvat_segmentation_mask_1.1.zip'
CVAT_PARTS = ('SegmentationClass', 'SegmentationObject', 'ImageSets', 'labelmap.txt')
LABELS: tuple[tuple[str, tuple[int, int, int], int], ...] = (
    *((name, tuple(colour), index) for index, (name, colour) in enumerate(zip(CLASSES, PALETTE))),
    ('ignore', IGNORE_COLOR, IGNORE_INDEX),
)


def export_name(split: str, stem: str) -> str:
    """The file name of a sample in an export: ``<split>__<stem>``."""
    return f'{split}__{stem}'


def _palette_png(path: Path, labels: np.ndarray) -> None:
    image = Image.frombytes('P', labels.shape[::-1], np.ascontiguousarray(labels, np.uint8))
    colours = np.zeros((256, 3), np.uint8)
    for _, colour, index in LABELS:
        colours[index] = colour
    image.putpalette(colours.ravel().tolist())
    image.save(path)


def _colour_png(path: Path, labels: np.ndarray) -> None:
    rgb = np.zeros((*labels.shape, 3), np.uint8)
    for _, colour, index in LABELS:
        rgb[labels == index] = colour
    cv2.imwrite(str(path), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))


def _labelmap() -> str:
    rows = ['# label:color_rgb:parts:actions']
    rows += [f'{name}:{",".join(str(v) for v in colour)}::' for name, colour, _ in LABELS]
    return '\n'.join(rows) + '\n'


def _export_one(root: Path, tmp: Path, item, index: list[dict]) -> None:
    name = export_name(item.split, item.stem)
    image = root / item.image
    mask, _ = read_label_map(root / item.mask)
    labels = np.where(np.isin(mask, list(VALID_LABELS)), mask, IGNORE_INDEX).astype(np.uint8)
    shutil.copy2(image, tmp / 'images' / f'{name}{image.suffix.lower()}')
    _palette_png(tmp / 'masks' / f'{name}.png', labels)
    _colour_png(tmp / 'SegmentationClass' / f'{name}.png', labels)
    _colour_png(tmp / 'SegmentationObject' / f'{name}.png', labels)
    index.append({'name': name, 'split': item.split, 'stem': item.stem,
                  'image': item.image, 'mask': item.mask})  # fmt: skip


def _zip_cvat(folder: Path) -> None:
    """CVAT imports a zip of the "Segmentation mask 1.1" parts."""
    with zipfile.ZipFile(folder / CVAT_ZIP, 'w', zipfile.ZIP_DEFLATED) as archive:
        for part in CVAT_PARTS:
            path = folder / part
            for member in [path] if path.is_file() else sorted(path.rglob('*')):
                if member.is_file():
                    archive.write(member, member.relative_to(folder).as_posix())


def write_relabel_export(root: Path, items: list, out: str | Path, overwrite: bool) -> Path:
    """Export the plan ``items`` marked ``needs_relabelling`` to ``out`` (atomically)."""
    out, root = Path(out), Path(root)
    check_output_outside(out, root)
    if out.exists() and not overwrite:
        raise OutputExistsError(f'{out} already exists; pass --overwrite to replace it')
    marked = [i for i in items if 'needs_relabelling' in i.issues and i.mask and i.image]
    with atomic_output_dir(out, overwrite=overwrite) as tmp:
        for folder in ('images', 'masks', 'SegmentationClass', 'SegmentationObject'):
            (tmp / folder).mkdir()
        (tmp / 'ImageSets' / 'Segmentation').mkdir(parents=True)
        index: list[dict] = []
        for item in marked:
            _export_one(root, tmp, item, index)
        names = '\n'.join(entry['name'] for entry in index)
        (tmp / 'ImageSets' / 'Segmentation' / 'default.txt').write_text(names + '\n')
        (tmp / 'labelmap.txt').write_text(_labelmap())
        _zip_cvat(tmp)
        (tmp / INDEX_FILE).write_text(
            json.dumps({'data_root': str(root.resolve()), 'samples': index}, indent=2) + '\n'
        )
    return out


def _read_corrected(folder: Path, name: str) -> tuple[np.ndarray, Path]:
    """The corrected class ids of ``name``: the palette mask, else CVAT's colour mask."""
    path = folder / 'masks' / f'{name}.png'
    if path.is_file():
        try:
            return read_label_map(path)[0], path
        except UnreadableFileError as err:
            raise PetsegError(f'{path}: {err}') from None
    path = folder / 'SegmentationClass' / f'{name}.png'
    pixels = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if pixels is None:
        raise DataLayoutError(f'no corrected mask for {name}: {folder}/masks/{name}.png is missing')
    rgb = cv2.cvtColor(pixels, cv2.COLOR_BGR2RGB)
    labels = np.full(rgb.shape[:2], -1, np.int64)
    for _, colour, index in LABELS:
        labels[(rgb == colour).all(axis=2)] = index
    if (labels < 0).any():
        colours = {tuple(int(v) for v in c) for c in rgb[labels < 0][:5]}
        raise PetsegError(f'{path}: colours {sorted(colours)} are no label of labelmap.txt')
    return labels, path


def import_relabelled(
    folder: str | Path, data_root: str | Path, out: str | Path, overwrite: bool = False
) -> dict:
    """Copy ``data_root`` to ``out`` with the corrected masks of ``folder``; return the manifest."""
    folder, root, out = Path(folder), Path(data_root), Path(out)
    index_file = folder / INDEX_FILE
    if not index_file.is_file():
        raise DataLayoutError(f'{index_file} is missing (made by fix-labels --relabel-export)')
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist')
    check_output_outside(out, root)
    if out.exists() and not overwrite:
        raise OutputExistsError(f'{out} already exists; pass --overwrite to replace it')
    samples = json.loads(index_file.read_text(encoding='utf-8'))['samples']
    replaced, changes = {}, []
    for sample in samples:
        labels, path = _read_corrected(folder, sample['name'])
        stray = sorted(set(np.unique(labels).tolist()) - VALID_LABELS)
        if stray:
            raise PetsegError(f'{path}: values {stray[:5]} are outside 0, 1, 2, 255')
        image = root / sample['image']
        if not image.is_file():
            raise DataLayoutError(f'{image} is missing: {folder} was exported from another dataset')
        width, height = read_header(image)[0]
        if labels.shape != (height, width):
            raise PetsegError(
                f'{path}: {labels.shape[1]}x{labels.shape[0]} but the image {image} is '
                f'{width}x{height}'
            )
        replaced[sample['mask']] = labels.astype(np.uint8)
        changes.append({'mask': sample['mask'], 'from': str(path)})
    manifest = {'source': str(root), 'relabelled_from': str(folder), 'changes': changes}
    extra = {'manifest.json': json.dumps(manifest, indent=2) + '\n'}
    copy_dataset(root, out, replace_masks=replaced, extra_files=extra, overwrite=overwrite)
    return manifest
