"""The dataset's layout: images and masks paired by stem, folders present, no stray files."""

from __future__ import annotations

import os
from pathlib import Path

from practicum_work.core.findings import CHECKS, DROP, ERROR, WARNING, Check, Finding, Kind
from practicum_work.core.layout import IMAGE_DIR, IMAGE_SUFFIXES, MASK_SUFFIX
from practicum_work.data.checks.sample import SplitListing


@CHECKS.register
class Layout(Check):
    """Pairing and folders of ``img/<split>`` and ``labels/<split>`` (listing only)."""

    name = 'layout'
    kinds = (
        Kind('image_without_mask', ERROR, 'an image has no mask with the same stem', DROP),
        Kind('mask_without_image', ERROR, 'a mask has no image with the same stem', DROP),
        Kind('ambiguous_image', ERROR, 'several images share one stem (a.jpg and a.png)', DROP),
        Kind('missing_folder', ERROR, 'img/<split> or labels/<split> is missing'),
        Kind('empty_split', ERROR, 'a split folder holds no images and no masks'),
        Kind(
            'unexpected_file',
            WARNING,
            'a file the layout ignores (suffix not .jpg/.jpeg/.png, masks not .png)',
        ),
    )
    tools = ('eda', 'fix-labels')

    def on_layout(self, listing: SplitListing, found: list[Finding]) -> None:
        split, rel = listing.split, listing.relative
        for folder in (listing.image_dir, listing.mask_dir):
            if not folder.is_dir():
                message = f'folder {rel(folder)} does not exist'
                found.append(self.finding('missing_folder', split, None, message, file=rel(folder)))
        lone_masks = list(listing.lone_masks)
        if listing.pairing is not None:
            pairing = listing.pairing
            for image in pairing.images_without_mask:
                found.append(
                    self.finding(
                        'image_without_mask',
                        split,
                        image.stem,
                        'no mask with this stem',
                        file=rel(image),
                    )
                )
            lone_masks += pairing.masks_without_image
            self._ambiguous(listing, found)
        for mask in lone_masks:
            found.append(
                self.finding(
                    'mask_without_image',
                    split,
                    mask.stem,
                    'no image with this stem',
                    file=rel(mask),
                )
            )
        found += self._unexpected(listing, listing.image_dir, IMAGE_SUFFIXES)
        found += self._unexpected(listing, listing.mask_dir, (MASK_SUFFIX,))
        if not listing.has_files:
            message = f'split {split!r} has no images and no masks'
            found.append(
                self.finding('empty_split', split, None, message, file=f'{IMAGE_DIR}/{split}')
            )

    def _ambiguous(self, listing: SplitListing, found: list[Finding]) -> None:
        by_stem: dict[str, list[Path]] = {}
        for image in listing.pairing.ambiguous_images:
            by_stem.setdefault(image.stem, []).append(image)
        for stem, paths in by_stem.items():
            names = ', '.join(p.name for p in paths)
            message = f'several images share the stem {stem!r}: {names}'
            for image in paths:
                found.append(
                    self.finding(
                        'ambiguous_image',
                        listing.split,
                        stem,
                        message,
                        file=listing.relative(image),
                    )
                )

    def _unexpected(
        self, listing: SplitListing, folder: Path, suffixes: tuple[str, ...]
    ) -> list[Finding]:
        """Entries the layout ignores: other suffixes and sub-folders (hidden ones skipped)."""
        if not folder.is_dir():
            return []
        with os.scandir(folder) as entries:  # no stat per file: the type comes with the listing
            odd = sorted(
                (entry.name, entry.is_dir())
                for entry in entries
                if not entry.name.startswith('.')
                and (entry.is_dir() or os.path.splitext(entry.name)[1].lower() not in suffixes)
            )
        found = []
        for name, is_dir in odd:
            path = folder / name
            what = 'folder' if is_dir else 'file'
            message = f'{what} ignored by the layout (expected {", ".join(suffixes)} files)'
            file = listing.relative(path)  # about a file, not a sample: no stem
            found.append(self.finding('unexpected_file', listing.split, None, message, file=file))
        return found
