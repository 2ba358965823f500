"""Class weights for the loss from the pixel shares of a split (``petseg class-weights``).

Methods (``share`` = a class's share of the counted pixels; 255 and stray values not counted):
``inverse`` 1/share (hyp2), ``sqrt`` 1/sqrt(share) (hyp3, softened), ``log`` ENet's
1/ln(1.02 + share), ``median-freq`` median(freq)/freq (SegNet), where ``freq`` is a class's
pixels over the pixels of the images that contain it; counted from a dataset it differs from
``inverse`` when classes are absent from some images (given only the shares, ``freq`` = share
and, once scaled, it equals ``inverse``). Weights are scaled to mean 1 and rounded to 4
decimals, the form the configs use.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from practicum_work.core.classes import CLASSES, IGNORE_INDEX
from practicum_work.core.errors import DataLayoutError, PetsegError
from practicum_work.core.image_io import UnreadableFileError, read_label_map, unusable_pair_reason
from practicum_work.core.layout import pair_split
from practicum_work.core.mask_encoding import detect_mask_encoding
from practicum_work.core.progress import ordered_map
from practicum_work.data.settings import CLASS_WEIGHT_METHODS as METHODS

CONFIG_KEY = 'model.decode_head.loss_decode.class_weight'
ENET_C = 1.02


def weights_from_shares(
    shares: Sequence[float], method: str = 'inverse', frequencies: Sequence[float] | None = None
) -> list[float]:
    """Class weights from pixel shares, scaled to mean 1, rounded to 4 decimals.

    ``frequencies`` (SegNet's per-presence frequencies) are used by ``median-freq`` only;
    without them it uses the shares.
    """
    s = np.asarray(shares, dtype=np.float64)
    if s.ndim != 1 or len(s) < 2:
        raise PetsegError(f'need the shares of at least two classes, got {list(shares)}')
    if np.any(s <= 0):
        missing = [CLASSES[i] if i < len(CLASSES) else str(i) for i in np.flatnonzero(s <= 0)]
        raise PetsegError(
            f'no pixels of class {", ".join(missing)}: its weight would be infinite; '
            'check the split or the labels'
        )
    if method == 'inverse':
        raw = 1.0 / s
    elif method == 'sqrt':
        raw = 1.0 / np.sqrt(s)
    elif method == 'log':
        raw = 1.0 / np.log(ENET_C + s)
    elif method == 'median-freq':
        f = s if frequencies is None else np.asarray(frequencies, dtype=np.float64)
        raw = np.median(f) / f
    else:
        raise PetsegError(f'unknown method {method!r} (one of {", ".join(METHODS)})')
    return [round(float(w), 4) for w in raw / raw.mean()]


def config_line(weights: Sequence[float]) -> str:
    """The ``--cfg-options`` argument that sets the weights in hyp2/hyp3."""
    return f'--cfg-options {CONFIG_KEY}="[{",".join(f"{w:g}" for w in weights)}]"'


@dataclass
class PixelCounts:
    """Pixels per class of one split, plus what was not counted."""

    split: str
    masks: int = 0
    data_root: str = ''
    class_pixels: dict[str, int] = field(default_factory=dict)
    ignore_pixels: int = 0
    stray_pixels: dict[int, int] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)
    # Pairs training leaves out (PetSegDataset's header check): not counted either.
    left_out: list[str] = field(default_factory=list)
    # Per class: counted pixels of the masks in which the class occurs (SegNet's median-freq).
    presence_pixels: dict[str, int] = field(default_factory=dict)

    @property
    def shares(self) -> list[float]:
        """Each class's share of the counted pixels (0, 1, 2 only)."""
        total = sum(self.class_pixels.values())
        return [self.class_pixels[c] / total if total else 0.0 for c in CLASSES]

    @property
    def frequencies(self) -> list[float]:
        """Each class's pixels over the counted pixels of the masks that contain it."""
        return [
            self.class_pixels[c] / self.presence_pixels[c] if self.presence_pixels.get(c) else 0.0
            for c in CLASSES
        ]


def _count_pair(paths: tuple[str, str]) -> dict[int, int] | tuple[str, str]:
    """The label counts of one pair's mask, or ``(kind, message naming the file)``."""
    image_path, mask_path = paths
    reason = unusable_pair_reason(Path(image_path), Path(mask_path))
    if reason is not None:  # the same check PetSegDataset applies before training
        file = image_path if reason.startswith('image unreadable') else mask_path
        return 'left_out', f'{file}: {reason}'
    try:
        mask, _ = read_label_map(mask_path)
    except UnreadableFileError as err:
        return 'unreadable', f'{mask_path}: {err}'
    values, counts = np.unique(mask, return_counts=True)
    return dict(zip(values.tolist(), counts.tolist()))


def _presence(counted: dict[int, int]) -> dict[int, int]:
    """Counted pixels (classes only) of this mask, for every class present in it."""
    total = sum(n for v, n in counted.items() if v < len(CLASSES))
    return {v: total for v in counted if v < len(CLASSES)}


def count_split_pixels(
    root: str | Path, split: str = 'train', workers: int | None = None, show_progress: bool = True
) -> PixelCounts:
    """Count the label values of every paired mask in ``split`` (one mask per worker).

    Pairs that training leaves out (unreadable or truncated files, multi-channel masks, size
    mismatches: PetSegDataset's check) are not counted and are listed in ``left_out``.
    """
    pairing = pair_split(root, split)
    if not pairing.pairs:
        image_dir, mask_dir = pairing.image_dir, pairing.mask_dir
        why = f'{mask_dir} does not exist' if not mask_dir.is_dir() else 'no stem in both'
        raise DataLayoutError(
            f'split {split!r} of {root} has no image/mask pairs ({image_dir}, {mask_dir}: {why})'
        )
    totals: Counter = Counter()
    presence: Counter = Counter()
    result = PixelCounts(split, data_root=str(root))
    jobs = [(str(p.image_path), str(p.mask_path)) for p in pairing.pairs]
    for counted in ordered_map(_count_pair, jobs, workers, f'counting {split}', show_progress):
        if isinstance(counted, tuple):
            kind, message = counted
            (result.left_out if kind == 'left_out' else result.unreadable).append(message)
            continue
        result.masks += 1
        totals.update(counted)
        presence.update(_presence(counted))
    result.class_pixels = {name: int(totals.get(i, 0)) for i, name in enumerate(CLASSES)}
    result.presence_pixels = {name: int(presence.get(i, 0)) for i, name in enumerate(CLASSES)}
    result.ignore_pixels = int(totals.get(IGNORE_INDEX, 0))
    known = {*range(len(CLASSES)), IGNORE_INDEX}
    result.stray_pixels = {int(v): int(n) for v, n in sorted(totals.items()) if v not in known}
    return result


ENCODING_SAMPLE = 300  # masks read to say what a split's masks are when a class is missing


def check_every_class_counted(counts: PixelCounts) -> None:
    """Raise when a class has no pixel, saying what the masks are, a file and the fix.

    Colour, 0/255 or trimap masks (:mod:`practicum_work.core.mask_encoding`) name their
    encoding and the ``petseg convert-masks`` command; class-id masks the class that is absent.
    """
    missing = [name for name in CLASSES if not counts.class_pixels.get(name)]
    if not missing or not counts.data_root:
        return
    root, split = counts.data_root, counts.split
    encoding = detect_mask_encoding(root, [split], max_files=ENCODING_SAMPLE)
    where = f'split {split!r} of {root}'
    fix = f'; fix: {encoding.convert_command}' if encoding.convert_command else ''
    if not encoding.usable:
        raise PetsegError(
            f'no pixels of class {", ".join(missing)} in {where}: {encoding.message} (e.g. '
            f'{Path(root) / encoding.example if encoding.example else "no mask"}){fix}'
        )
    fix = fix or '; check the split or the labels'
    raise PetsegError(
        f'no pixels of class {", ".join(missing)} in the {counts.masks} counted masks of '
        f'{where} ({encoding.message}): its weight would be infinite{fix}'
    )


def class_weight_report(counts: PixelCounts, methods: Sequence[str] = METHODS) -> dict:
    """Shares, weights per method and the config lines, as JSON data."""
    check_every_class_counted(counts)
    weights = {m: weights_from_shares(counts.shares, m, counts.frequencies) for m in methods}
    return {
        'split': counts.split,
        'masks': counts.masks,
        'classes': list(CLASSES),
        'class_pixels': counts.class_pixels,
        'shares': [round(s, 4) for s in counts.shares],
        'median_freq_frequencies': [round(f, 4) for f in counts.frequencies],
        'not_counted': {
            'ignore_255': counts.ignore_pixels,
            'stray_values': {str(v): n for v, n in counts.stray_pixels.items()},
            'unreadable_masks': counts.unreadable,
            'pairs_training_leaves_out': counts.left_out,
        },
        'weights': weights,
        'config_lines': {m: config_line(w) for m, w in weights.items()},
        'normalisation': 'scaled to mean 1, rounded to 4 decimals',
    }
