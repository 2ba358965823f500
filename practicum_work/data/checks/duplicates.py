"""Byte-identical images, across splits too (a leak between train and test, or a copy)."""

from __future__ import annotations

from typing import Any

from practicum_work.core.findings import CHECKS, WARNING, Check, Finding, Kind
from practicum_work.data.checks.sample import PairSample


@CHECKS.register
class DuplicateImages(Check):
    """The SHA-1 of each image's bytes (computed while reading it), grouped over the scan."""

    name = 'duplicates'
    kinds = (
        Kind('duplicate_image', WARNING, 'a byte-identical copy of an image listed before it'),
    )
    rule = 'same SHA-1 of the file bytes; every copy after the first (scan order) is flagged'

    def on_pair(self, sample: PairSample, found: list[Finding]) -> str | None:
        return sample.image.content_hash if sample.image_ok else None

    def on_dataset(self, scan: Any, found: list[Finding]) -> None:
        groups: dict[str, list] = {}
        for measure in scan.measures.get(self.name, []):
            if measure.value is not None:
                groups.setdefault(measure.value, []).append(measure)
        for members in groups.values():
            if len(members) < 2:
                continue
            first = members[0].image_file
            message = f'byte-identical to {first} ({len(members)} copies in the scanned splits)'
            for copy in members[1:]:
                found.append(
                    self.finding(
                        'duplicate_image',
                        copy.split,
                        copy.stem,
                        message,
                        file=copy.image_file,
                        evidence={'same_as': first},
                    )
                )
