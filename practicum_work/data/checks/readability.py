"""Files that cannot be read: zero-byte, not an image, undecodable, or cut short."""

from __future__ import annotations

from practicum_work.core.findings import CHECKS, DROP, ERROR, Check, Finding, Kind
from practicum_work.core.image_io import TRUNCATED
from practicum_work.data.checks.sample import PairSample

_CANNOT = 'zero-byte, not a JPEG/PNG image, or its data cannot be decoded'
_CUT = 'the file ends before its pixel data does (no JPEG end-of-image marker / PNG IEND)'


@CHECKS.register
class Readability(Check):
    """An image or a mask that cannot be decoded (completely)."""

    name = 'readability'
    kinds = (
        Kind('unreadable_image', ERROR, _CANNOT, DROP),
        Kind('truncated_image', ERROR, _CUT, DROP),
        Kind('unreadable_mask', ERROR, _CANNOT, DROP),
        Kind('truncated_mask', ERROR, _CUT, DROP),
    )
    tools = ('eda', 'fix-labels')
    rule = 'the end marker is checked on the bytes; a missing one is confirmed by a strict decode'

    def on_pair(self, sample: PairSample, found: list[Finding]) -> None:
        for what, decoded, file in (
            ('image', sample.image, sample.image_file),
            ('mask', sample.mask, sample.mask_file),
        ):
            if decoded is not None and decoded.problem:
                cut = decoded.problem == TRUNCATED
                kind = f'{"truncated" if cut else "unreadable"}_{what}'
                found.append(
                    self.finding(kind, sample.split, sample.stem, decoded.message, file=file)
                )
