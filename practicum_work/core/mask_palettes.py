"""The palettes petseg recognises in masks: colours or indices -> our class ids.

``ours``: :data:`~practicum_work.core.classes.PALETTE` colours (ignore white) or the ids
themselves; ``voc``: PASCAL VOC's colour map and indices (8 cat, 12 dog, 255 void; the other
VOC classes are known but not ours, so they convert to 255).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, IGNORE_INDEX, PALETTE

Colour = tuple[int, int, int]
VOC_CLASSES: tuple[str, ...] = (
    'background', 'aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat', 'chair',
    'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person', 'pottedplant', 'sheep', 'sofa',
    'train', 'tvmonitor',
)  # fmt: skip
VOC_CAT, VOC_DOG, VOC_VOID_COLOUR = 8, 12, (224, 224, 192)
# How messages name the built-in palettes.
PALETTE_TITLES = {'ours': "petseg's palette", 'voc': "VOC's palette"}


def voc_colour(index: int) -> Colour:
    """The colour of VOC's label ``index`` (the devkit's bit-interleaved colour map)."""
    r = g = b = 0
    c = index
    for j in range(8):
        r |= ((c >> 0) & 1) << (7 - j)
        g |= ((c >> 1) & 1) << (7 - j)
        b |= ((c >> 2) & 1) << (7 - j)
        c >>= 3
    return r, g, b


@dataclass(frozen=True)
class Palette:
    """A named table from mask values (colours or indices) to our class ids.

    ``to_id`` maps the values that are background, cat, dog or ignore; ``names`` names every
    value the palette knows (also classes that are not ours, which convert to 255).
    """

    name: str
    to_id: Mapping
    names: Mapping

    def coverage(self, counts: Mapping) -> float:
        """Share of the pixels in ``counts`` whose value this palette knows."""
        total = sum(counts.values())
        return sum(n for v, n in counts.items() if v in self.names) / total if total else 0.0


def _ours_colours() -> Palette:
    to_id = {tuple(c): i for i, c in enumerate(PALETTE)} | {IGNORE_COLOR: IGNORE_INDEX}
    names = {tuple(c): n for c, n in zip(PALETTE, CLASSES)} | {IGNORE_COLOR: 'ignore'}
    return Palette('ours', to_id, names)


def _voc_colours() -> Palette:
    names = {voc_colour(i): n for i, n in enumerate(VOC_CLASSES)} | {VOC_VOID_COLOUR: 'void'}
    to_id = {(0, 0, 0): 0, voc_colour(VOC_CAT): 1, voc_colour(VOC_DOG): 2}
    return Palette('voc', to_id | {VOC_VOID_COLOUR: IGNORE_INDEX}, names)


COLOUR_PALETTES: dict[str, Palette] = {'ours': _ours_colours(), 'voc': _voc_colours()}
INDEX_PALETTES: dict[str, Palette] = {
    'ours': Palette(
        'ours',
        {i: i for i in (*range(len(CLASSES)), IGNORE_INDEX)},
        dict(enumerate(CLASSES)) | {IGNORE_INDEX: 'ignore'},
    ),
    'voc': Palette(
        'voc',
        {0: 0, VOC_CAT: 1, VOC_DOG: 2, IGNORE_INDEX: IGNORE_INDEX},
        dict(enumerate(VOC_CLASSES)) | {IGNORE_INDEX: 'void'},
    ),
}
