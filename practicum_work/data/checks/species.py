"""cat <-> dog swaps, judged by fix-labels' species classifier (out of fold, or ImageNet)."""

from __future__ import annotations

from practicum_work.core.findings import CHECKS, REVIEW, SWAP, WARNING, Check, Kind


@CHECKS.register
class Species(Check):
    """Model evidence: fix-labels emits these kinds (see ``data/label_fix/swap_detection``)."""

    name = 'species'
    kinds = (
        Kind(
            'species_swap',
            WARNING,
            'a classifier that never saw the image is confident the mask names the other species',
            SWAP,
            rule='P(other species) >= `--swap-threshold` (self: in every fold draw) and the '
            'classifier reliable on its group',
        ),
        Kind(
            'species_review',
            WARNING,
            'the classifier doubts the species (or a mask with both disagrees): for a person',
            REVIEW,
            rule='P(other species) >= the review level of its group (`--review-threshold`)',
        ),
    )
    tools = ('fix-labels',)
