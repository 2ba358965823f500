"""Test helper: re-encode a dataset of our class ids the way other datasets store their masks.

Encodings (numpy, from the ids 0 background / 1 cat / 2 dog / 255 ignore):
``0-255`` pet 255 (ignore pixels become pet: 0/255 masks have no ignore), ``0-1`` pet 1 (the
same), ``trimap`` 1 pet / 2 background / 3 border (the ignore pixels), ``rgb`` our colours
(``palette='voc'``: VOC's colours), ``palette-voc`` a palette PNG with VOC's indices (8 cat,
12 dog, 255 void). Images are hard-linked.
"""

from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from practicum_work.core.classes import CAT, DOG, IGNORE_COLOR, PALETTE
from practicum_work.core.image_io import read_label_map
from practicum_work.core.mask_palettes import VOC_VOID_COLOUR, voc_colour

ENCODINGS = ('0-255', '0-1', 'trimap', 'rgb', 'rgb-voc', 'palette-voc')


def species_of(ids: np.ndarray) -> str | None:
    """'cat' or 'dog' (the commoner of the two in the mask), None without either."""
    cats, dogs = int(np.count_nonzero(ids == CAT)), int(np.count_nonzero(ids == DOG))
    if not cats and not dogs:
        return None
    return 'cat' if cats >= dogs else 'dog'


def pet_as_species(ids: np.ndarray, keep_ignore: bool = False) -> np.ndarray:
    """What a round trip through a pet-only encoding gives back: every pet pixel the image's
    species (:func:`species_of`); ignore pixels pet too (0/255, 0/1) or kept (trimaps)."""
    species = species_of(ids)
    out = ids.copy()
    pet = (ids == CAT) | (ids == DOG) | (ids == 255 if not keep_ignore else False)
    if species is not None:
        out[pet] = CAT if species == 'cat' else DOG
    elif not keep_ignore:
        out[ids == 255] = 0
    return out


def encode(ids: np.ndarray, encoding: str) -> np.ndarray | Image.Image:
    """One mask of class ids in ``encoding`` (an array for OpenCV, or a PIL palette image)."""
    pet = (ids == CAT) | (ids == DOG) | (ids == 255)
    if encoding == '0-255':
        return np.where(pet, 255, 0).astype(np.uint8)
    if encoding == '0-1':
        return pet.astype(np.uint8)
    if encoding == 'trimap':
        out = np.full(ids.shape, 2, np.uint8)
        out[(ids == CAT) | (ids == DOG)] = 1
        out[ids == 255] = 3
        return out
    if encoding in ('rgb', 'rgb-voc'):
        lut = np.zeros((256, 3), np.uint8)
        if encoding == 'rgb':
            lut[: len(PALETTE)] = PALETTE
            lut[255] = IGNORE_COLOR
        else:
            lut[1], lut[2], lut[255] = voc_colour(8), voc_colour(12), VOC_VOID_COLOUR
        return cv2.cvtColor(lut[ids], cv2.COLOR_RGB2BGR)
    if encoding == 'palette-voc':
        lut = np.zeros(256, np.uint8)
        lut[1], lut[2], lut[255] = 8, 12, 255
        image = Image.fromarray(lut[ids], mode='P')
        colours = [voc_colour(i) for i in range(256)]
        colours[255] = VOC_VOID_COLOUR
        image.putpalette([v for c in colours for v in c])
        return image
    raise ValueError(encoding)


def write_encoded_dataset(src: Path, out: Path, encoding: str) -> dict[str, str]:
    """Copy ``src`` (our ids) to ``out`` with every mask in ``encoding``; species per stem."""
    species: dict[str, str] = {}
    for path in sorted(p for p in src.rglob('*') if p.is_file()):
        relative = path.relative_to(src)
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if relative.parts[0] != 'labels' or path.suffix != '.png':
            if relative.parts[0] == 'img':
                os.link(path, target)
            continue
        ids, _ = read_label_map(path)
        name = species_of(ids)
        if name is not None:
            species[path.stem] = name
        encoded = encode(ids, encoding)
        if isinstance(encoded, Image.Image):
            encoded.save(target)
        else:
            assert cv2.imwrite(str(target), encoded)
    return species


def write_species_csv(path: Path, species: dict[str, str]) -> Path:
    """``stem,species`` lines with a header."""
    lines = ['stem,species', *(f'{stem},{name}' for stem, name in sorted(species.items()))]
    path.write_text('\n'.join(lines) + '\n', encoding='utf-8')
    return path
