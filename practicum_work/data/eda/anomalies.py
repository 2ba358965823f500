"""The anomaly types ``petseg eda`` reports and their severities.

error: the pair cannot be trained on as it is (or would train on wrong labels):
    unpaired or ambiguous files, unreadable or truncated files, image/mask size mismatch,
    mask values outside {0, 1, 2, 255}, an RGB mask whose channels differ, a missing split
    folder, an empty split.
warning: usable but suspicious, worth a look: empty or tiny masks, RGB / palette / 16-bit /
    other mask modes, grayscale or other non-RGB images, duplicate images, files the layout
    ignores (wrong suffix).
info: facts about a whole split: a class that is defined but never found.

Dataset-level (one item per split, from :mod:`practicum_work.core.mask_encoding`):
``mask_encoding`` (error) the masks as a whole are not class ids (0/255, trimaps, RGB colours,
another palette, mixed, nothing recognisable) with the command that converts them;
``binary_masks`` (warning) 0/1 only in the whole dataset: binary pet masks or cats only.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR, WARNING, INFO = 'error', 'warning', 'info'
SEVERITY_ORDER: tuple[str, ...] = (ERROR, WARNING, INFO)

SEVERITY: dict[str, str] = {
    # pairing and layout
    'image_without_mask': ERROR,
    'mask_without_image': ERROR,
    'ambiguous_image': ERROR,
    'missing_folder': ERROR,
    'empty_split': ERROR,
    # readability
    'unreadable_image': ERROR,
    'unreadable_mask': ERROR,
    'truncated_image': ERROR,
    'truncated_mask': ERROR,
    # geometry and values
    'size_mismatch': ERROR,
    'stray_values': ERROR,
    'colour_mask': ERROR,
    # usable but suspicious
    'rgb_mask': WARNING,
    'palette_mask': WARNING,
    'mask_16bit': WARNING,
    'mask_mode': WARNING,
    'grayscale_image': WARNING,
    'image_mode': WARNING,
    'empty_mask': WARNING,
    'tiny_mask': WARNING,
    'duplicate_image': WARNING,
    'unexpected_file': WARNING,
    # split-level facts
    'class_never_found': INFO,
    # dataset-level: how the masks encode their classes
    'mask_encoding': ERROR,
    'binary_masks': WARNING,
}

DESCRIPTION: dict[str, str] = {
    'image_without_mask': 'an image has no mask with the same stem',
    'mask_without_image': 'a mask has no image with the same stem',
    'ambiguous_image': 'several images share one stem (e.g. a.jpg and a.png)',
    'missing_folder': 'img/<split> or labels/<split> is missing',
    'empty_split': 'a split folder holds no images and no masks',
    'unreadable_image': 'zero-byte, not an image, or cannot be decoded',
    'unreadable_mask': 'zero-byte, not an image, or cannot be decoded',
    'truncated_image': 'the file ends before its pixel data does',
    'truncated_mask': 'the file ends before its pixel data does',
    'size_mismatch': 'image and mask sizes differ',
    'stray_values': 'mask values outside {0, 1, 2, 255}',
    'colour_mask': 'an RGB mask whose channels differ (a colour rendering, not class ids)',
    'rgb_mask': 'a multi-channel mask with equal channels (class ids read from the first)',
    'palette_mask': 'a PNG palette-mode mask (class ids are the palette indices)',
    'mask_16bit': 'a 16-bit mask',
    'mask_mode': 'another mask mode (1-bit, 32-bit, float)',
    'grayscale_image': 'a single-channel image',
    'image_mode': 'an image that is not 8-bit RGB or grayscale (RGBA, 16-bit, ...)',
    'empty_mask': 'the mask holds a single value (e.g. all background)',
    'tiny_mask': 'the foreground has fewer pixels than the --tiny-fg-pixels threshold',
    'duplicate_image': 'a byte-identical copy of an image listed before it',
    'unexpected_file': 'a file the layout ignores (suffix not .jpg/.jpeg/.png, masks not .png)',
    'class_never_found': 'a class defined in the schema never appears in the split',
    'mask_encoding': 'the masks as a whole are not class ids (0/255, trimaps, RGB colours, '
    'another palette, mixed): petseg convert-masks turns them into ids',
    'binary_masks': 'values 0/1 only in the whole dataset: binary pet/background masks or '
    'cats only',
}


@dataclass(frozen=True)
class Anomaly:
    """One finding; ``stem`` is None for split-level findings."""

    anomaly_type: str
    split: str
    stem: str | None
    file: str
    message: str

    @property
    def severity(self) -> str:
        """error, warning or info (see :data:`SEVERITY`)."""
        return SEVERITY[self.anomaly_type]

    def to_dict(self) -> dict:
        """The report's item: anomaly_type, severity, split, stem, file, message."""
        data = asdict(self)
        return {
            'anomaly_type': data['anomaly_type'],
            'severity': self.severity,
            'split': data['split'],
            'stem': data['stem'],
            'file': data['file'],
            'message': data['message'],
        }
