"""The label schema shared by the dataset, the data tools and the analysis."""

from __future__ import annotations

CLASSES: tuple[str, ...] = ('background', 'cat', 'dog')
# RGB colours for overlays and MMSeg's visualiser: black, orange, blue.
PALETTE: tuple[tuple[int, int, int], ...] = ((0, 0, 0), (255, 140, 0), (30, 144, 255))
IGNORE_INDEX = 255
IGNORE_COLOR: tuple[int, int, int] = (255, 255, 255)
BACKGROUND, CAT, DOG = 0, 1, 2
FOREGROUND_CLASSES: tuple[int, ...] = (CAT, DOG)
VALID_LABELS: frozenset[int] = frozenset((*range(len(CLASSES)), IGNORE_INDEX))
# Binary pet vs background (configs/_base_/datasets/pets_binary.py): cat and dog merged in the
# pipeline (MergePetClasses); the masks on disk keep their species.
BINARY_CLASSES: tuple[str, ...] = ('background', 'pet')
BINARY_PALETTE: tuple[tuple[int, int, int], ...] = ((0, 0, 0), (220, 20, 60))
