"""Images that are not 8-bit RGB: grayscale, RGBA, 16-bit, CMYK (loaders convert them)."""

from __future__ import annotations

from practicum_work.core.findings import CHECKS, WARNING, Check, Finding, Kind
from practicum_work.data.checks.sample import PairSample


@CHECKS.register
class ImageMode(Check):
    """The image's stored mode, from its header."""

    name = 'image_mode'
    kinds = (
        Kind('grayscale_image', WARNING, 'a single-channel image'),
        Kind('image_mode', WARNING, 'an image that is not 8-bit RGB or grayscale (RGBA, ...)'),
    )
    tools = ('eda', 'fix-labels')

    def on_pair(self, sample: PairSample, found: list[Finding]) -> None:
        if not sample.image_ok:
            return
        mode, file = sample.image.mode, sample.image_file
        if mode == 'L':
            message = 'single-channel (grayscale) image'
            found.append(
                self.finding('grayscale_image', sample.split, sample.stem, message, file=file)
            )
        elif mode != 'RGB':
            message = f'image mode {mode}, expected 8-bit RGB'
            found.append(self.finding('image_mode', sample.split, sample.stem, message, file=file))
