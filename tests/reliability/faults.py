"""Bad inputs for the reliability matrix: each fault turns a clean copy into a broken one.

A fault edits a dataset in petseg's layout (``img/<split>``, ``labels/<split>``) or an
Oxford-IIIT Pet folder, and says which file it broke (``target``, relative to the root) so
that a test can check the tool's message names it. Every fault hits the train split.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from tests.data.eda.conftest import tree_digest  # the byte-for-byte unchanged check

__all__ = ['FAULTS', 'STEM', 'UNICODE_STEM', 'Fault', 'tree_digest']

STEM = 'train_0000'  # the sample every per-file fault breaks
UNICODE_STEM = 'chat noir é 猫'  # spaces and non-ASCII letters
OX_NAME = 'Abyssinian_1'  # the Oxford sample every per-file fault breaks (a trainval cat)


@dataclass(frozen=True)
class Fault:
    """One bad input: how to make it, in a layout dataset and in an Oxford folder."""

    name: str
    layout: Callable[[Path], str | None]  # edits a layout root; returns the broken file
    oxford: Callable[[Path], str | None]  # edits an Oxford-IIIT Pet folder likewise


def _image(root: Path) -> Path:
    return root / 'img' / 'train' / f'{STEM}.jpg'


def _mask(root: Path) -> Path:
    return root / 'labels' / 'train' / f'{STEM}.png'


def _rel(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _ox_image(root: Path) -> Path:
    return root / 'images' / f'{OX_NAME}.jpg'


def _ox_trimap(root: Path) -> Path:
    return root / 'annotations' / 'trimaps' / f'{OX_NAME}.png'


# --- file-level faults -------------------------------------------------------------------


def zero_byte(path: Path, root: Path) -> str:
    path.write_bytes(b'')
    return _rel(path, root)


def truncate(path: Path, root: Path) -> str:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) * 6 // 10])
    return _rel(path, root)


def text_as_png(path: Path, root: Path) -> str:
    png = path.with_suffix('.png')
    path.unlink()
    png.write_text('this is not an image\n', encoding='utf-8')
    return _rel(png, root)


def mask_16bit(path: Path, root: Path) -> str:
    labels = np.asarray(Image.open(path)).astype(np.uint16)
    cv2.imwrite(str(path), labels)  # same class values, 16-bit PNG
    assert Image.open(path).mode.startswith('I')
    return _rel(path, root)


def rgba_image(path: Path, root: Path) -> str:
    """The image as an RGBA PNG (same stem; the JPEG is removed)."""
    rgb = np.asarray(Image.open(path).convert('RGB'))
    alpha = np.full((*rgb.shape[:2], 1), 200, np.uint8)
    png = path.with_suffix('.png')
    path.unlink()
    Image.fromarray(np.concatenate([rgb, alpha], axis=2), 'RGBA').save(png)
    return _rel(png, root)


def rgba_image_layout(root: Path) -> str:
    return rgba_image(_image(root), root)


def ox_rgba_image(root: Path) -> str:
    """RGBA PNG bytes under the .jpg name (the real Oxford download has such files)."""
    path = _ox_image(root)
    rgb = np.asarray(Image.open(path).convert('RGB'))
    alpha = np.full((*rgb.shape[:2], 1), 200, np.uint8)
    Image.fromarray(np.concatenate([rgb, alpha], axis=2), 'RGBA').save(path, format='PNG')
    return _rel(path, root)


def grayscale_image(path: Path, root: Path) -> str:
    Image.open(path).convert('L').save(path, quality=92)
    return _rel(path, root)


def rgb_mask(path: Path, root: Path) -> str:
    labels = np.asarray(Image.open(path))
    Image.fromarray(np.stack([labels] * 3, axis=2), 'RGB').save(path)
    return _rel(path, root)


def palette_mask(path: Path, root: Path) -> str:
    labels = Image.fromarray(np.asarray(Image.open(path)), 'L').convert('P')
    labels.putpalette([0, 0, 0, 200, 0, 0, 0, 0, 200] + [255] * (3 * 253))
    labels.save(path)
    assert Image.open(path).mode == 'P'
    return _rel(path, root)


def size_mismatch(path: Path, root: Path) -> str:
    labels = np.asarray(Image.open(path))
    half = cv2.resize(labels, (labels.shape[1] // 2, labels.shape[0] // 2), cv2.INTER_NEAREST)
    Image.fromarray(half).save(path)
    return _rel(path, root)


# --- layout faults -------------------------------------------------------------------------


def unicode_names(root: Path) -> str:
    """The first train pair renamed to a stem with spaces and non-ASCII letters."""
    image, mask = _image(root), _mask(root)
    new_image = image.with_name(f'{UNICODE_STEM}.jpg')
    image.rename(new_image)
    mask.rename(mask.with_name(f'{UNICODE_STEM}.png'))
    return _rel(new_image, root)


def missing_mask_folder(root: Path) -> str:
    shutil.rmtree(root / 'labels' / 'train')
    return 'labels/train'


def empty_dataset(root: Path) -> None:
    """Every split folder present, no file in any."""
    for folder in (root / 'img', root / 'labels'):
        for split in folder.iterdir():
            shutil.rmtree(split)
            split.mkdir()


def _ox_unicode(root: Path) -> str:
    """Oxford names cannot hold spaces (list.txt is whitespace-separated): a non-ASCII name."""
    name = 'Abyssinian_é猫'
    _ox_image(root).rename(root / 'images' / f'{name}.jpg')
    _ox_trimap(root).rename(root / 'annotations' / 'trimaps' / f'{name}.png')
    for listing in ('list.txt', 'trainval.txt'):
        path = root / 'annotations' / listing
        path.write_text(path.read_text().replace(f'{OX_NAME} ', f'{name} '), encoding='utf-8')
    return f'images/{name}.jpg'


def _ox_missing_trimaps(root: Path) -> str:
    shutil.rmtree(root / 'annotations' / 'trimaps')
    return 'annotations/trimaps'


def _ox_empty(root: Path) -> None:
    for folder in (root / 'images', root / 'annotations' / 'trimaps'):
        shutil.rmtree(folder)
        folder.mkdir()
    for listing in ('list.txt', 'trainval.txt', 'test.txt'):
        (root / 'annotations' / listing).write_text('', encoding='utf-8')


def _unchanged(root: Path) -> None:
    return None


def _both(fn: Callable[[Path, Path], str], image: bool) -> tuple[Callable, Callable]:
    """The same file fault applied to the layout's and the Oxford folder's image or mask."""
    return (
        lambda root: fn(_image(root) if image else _mask(root), root),
        lambda root: fn(_ox_image(root) if image else _ox_trimap(root), root),
    )


# The matrix's rows. The last three need no data fault: the tool is pointed at a root that
# does not exist, at an output that exists, or at an output inside its input.
FAULTS: dict[str, Fault] = {
    f.name: f
    for f in (
        Fault('zero_byte_image', *_both(zero_byte, image=True)),
        Fault('zero_byte_mask', *_both(zero_byte, image=False)),
        Fault('truncated_jpeg', *_both(truncate, image=True)),
        Fault('text_named_png', *_both(text_as_png, image=False)),
        Fault('mask_16bit', *_both(mask_16bit, image=False)),
        Fault('rgba_image', rgba_image_layout, ox_rgba_image),
        Fault('grayscale_image', *_both(grayscale_image, image=True)),
        Fault('rgb_mask', *_both(rgb_mask, image=False)),
        Fault('palette_mask', *_both(palette_mask, image=False)),
        Fault('size_mismatch', *_both(size_mismatch, image=False)),
        Fault('unicode_names', unicode_names, _ox_unicode),
        Fault('missing_split_folder', missing_mask_folder, _ox_missing_trimaps),
        Fault('empty_dataset', empty_dataset, _ox_empty),
        Fault('no_data_root', _unchanged, _unchanged),
        Fault('output_exists', _unchanged, _unchanged),
        Fault('output_inside_input', _unchanged, _unchanged),
    )
}
