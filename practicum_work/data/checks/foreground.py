"""Masks with no animal, or one too small to be an animal: ``empty_mask`` and ``tiny_mask``.

The tiny-mask rule is relative to the image: fewer cat/dog pixels than ``--min-fg-share``
(0.2 %) of the mask's area, and never fewer than 16 pixels. The configs train on images resized
to 256 px, so what matters is the share of the image an animal covers, which resizing keeps:
0.2 % of 256x256 is 131 pixels (about 11x11), already under one cell of a backbone's
stride-32 stage. A fixed count means something else at every resolution: 50 pixels is 0.08 %
of a 256x256 image but 0.0004 % of a 12-megapixel photo, where a 51-pixel speck is no animal.
So a 100-pixel mask is tiny on 256x256 (threshold 131) and on a 500x375 photo (375); on a
4000x3000 photo the threshold is 24,000 pixels (a region of about 155x155).
"""

from __future__ import annotations

from practicum_work.core.classes import BACKGROUND, FOREGROUND_CLASSES, VALID_LABELS
from practicum_work.core.findings import CHECKS, RELABEL, WARNING, Check, Finding, Kind
from practicum_work.data.checks.sample import PairSample
from practicum_work.data.checks.settings import MIN_FG_PIXELS_FLOOR


def min_fg_pixels(share: float, area: int) -> int:
    """The fewest cat/dog pixels a mask of ``area`` pixels may hold without being tiny."""
    return max(MIN_FG_PIXELS_FLOOR, round(share * area))


def foreground_problem(value_counts: dict[int, int], share: float) -> tuple[str, str, dict] | None:
    """``(kind, message, evidence)`` for an empty or tiny mask, or None.

    Empty: the mask holds a single value, or no cat/dog pixel (and no stray value, which
    may be an unknown encoding's class). Tiny: 1 to ``min_fg_pixels - 1`` cat/dog pixels.
    """
    foreground = sum(value_counts.get(c, 0) for c in FOREGROUND_CLASSES)
    area = sum(value_counts.values())
    stray = any(v not in VALID_LABELS for v in value_counts)
    if len(value_counts) == 1:
        (value,) = value_counts
        what = 'no foreground' if value == BACKGROUND else 'one label everywhere'
        return 'empty_mask', f'the mask holds the single value {value} ({what})', {}
    if foreground == 0 and not stray:
        shown = ', '.join(str(v) for v in value_counts)
        return 'empty_mask', f'no foreground pixels (values {shown})', {}
    threshold = min_fg_pixels(share, area)
    if 0 < foreground < threshold:
        message = (
            f'only {foreground} cat/dog pixels, {foreground / area:.3%} of the mask '
            f'(tiny below {threshold}: {share:.2%} of {area} pixels)'
        )
        evidence = {'foreground_pixels': foreground, 'threshold_pixels': threshold}
        return 'tiny_mask', message, evidence
    return None


@CHECKS.register
class Foreground(Check):
    """Empty and tiny masks (see the module doc for the rule and why)."""

    name = 'foreground'
    kinds = (
        Kind(
            'empty_mask',
            WARNING,
            'the mask holds a single value, or no cat/dog pixel',
            RELABEL,
            rule='no cat/dog pixel and no stray value, or one value everywhere',
        ),
        Kind(
            'tiny_mask',
            WARNING,
            'the cat/dog pixels cover a tiny share of the image',
            RELABEL,
            rule=f"1 to max({MIN_FG_PIXELS_FLOOR}, `--min-fg-share` x the mask's pixels) - 1 "
            'cat/dog pixels',
        ),
    )
    tools = ('eda', 'fix-labels')
    judges_labels = True

    def on_pair(self, sample: PairSample, found: list[Finding]) -> None:
        if sample.value_counts is None:
            return
        problem = foreground_problem(sample.value_counts, sample.settings.min_fg_share)
        if problem is not None:
            kind, message, evidence = problem
            found.append(
                self.finding(
                    kind,
                    sample.split,
                    sample.stem,
                    message,
                    file=sample.mask_file,
                    evidence=evidence,
                )
            )
