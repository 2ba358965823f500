"""Masks not stored as 8-bit single-channel class ids: palette, 16-bit, RGB, other modes."""

from __future__ import annotations

from practicum_work.core.findings import CHECKS, DROP, ERROR, WARNING, Check, Finding, Kind
from practicum_work.data.checks.sample import PairSample


@CHECKS.register
class MaskMode(Check):
    """How the mask file stores its class ids (fix-labels writes every mask as mode L)."""

    name = 'mask_mode'
    kinds = (
        Kind('palette_mask', WARNING, 'a PNG palette-mode mask (class ids are the indices)'),
        Kind('mask_16bit', WARNING, 'a 16-bit mask'),
        Kind('rgb_mask', WARNING, 'a multi-channel mask with equal channels (ids: the first)'),
        Kind(
            'colour_mask',
            ERROR,
            'an RGB mask whose channels differ (a colour rendering, not class ids)',
            DROP,
        ),
        Kind('mask_mode', WARNING, 'another mask mode (1-bit, 32-bit, float)'),
    )
    tools = ('eda', 'fix-labels')

    def on_pair(self, sample: PairSample, found: list[Finding]) -> None:
        if not sample.mask_ok:
            return
        mask = sample.mask
        mode, pixels = mask.mode, mask.pixels
        if mode == 'L':
            return
        if mode == 'P':
            kind, message = 'palette_mask', 'palette-mode (P) mask; class ids are the indices'
        elif mode.startswith('I;16'):
            kind, message = 'mask_16bit', f'16-bit mask (mode {mode}); 8-bit expected'
        elif pixels.ndim == 3 and sample.labels is not None:
            kind = 'rgb_mask'
            message = (
                f'{pixels.shape[2]}-channel mask (mode {mode}) with equal channels; '
                'single-channel expected'
            )
        elif pixels.ndim == 3:
            kind = 'colour_mask'
            message = (
                f'{pixels.shape[2]}-channel mask (mode {mode}) whose channels differ: '
                'a colour rendering, not class ids'
            )
        else:
            kind, message = 'mask_mode', f'mask mode {mode}; 8-bit single-channel expected'
        evidence = {'mask_mode': mode}
        found.append(
            self.finding(
                kind, sample.split, sample.stem, message, file=sample.mask_file, evidence=evidence
            )
        )
