"""A mask whose size differs from its image's."""

from __future__ import annotations

from practicum_work.core.findings import CHECKS, DROP, ERROR, Check, Finding, Kind
from practicum_work.data.checks.sample import PairSample


@CHECKS.register
class SizeMismatch(Check):
    """Image and mask sizes, from the files' headers."""

    name = 'size_mismatch'
    kinds = (Kind('size_mismatch', ERROR, 'image and mask sizes differ', DROP),)
    tools = ('eda', 'fix-labels')

    def on_pair(self, sample: PairSample, found: list[Finding]) -> None:
        image = None if sample.image is None else sample.image.size
        mask = None if sample.mask is None else sample.mask.size
        if image and mask and image != mask:
            (iw, ih), (mw, mh) = image, mask
            message = f'mask {mw}x{mh} but image {iw}x{ih} (WxH)'
            evidence = {'image_size': [iw, ih], 'mask_size': [mw, mh]}
            found.append(
                self.finding(
                    'size_mismatch',
                    sample.split,
                    sample.stem,
                    message,
                    file=sample.mask_file,
                    evidence=evidence,
                )
            )
