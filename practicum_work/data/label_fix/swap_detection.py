"""Cat<->dog swap decisions from species probabilities, with the evidence behind each one.

A single-species mask is swapped when the classifier says, with P(other species) at or above
``swap_threshold``, that the animal is the other species; for the ``self`` classifier every one
of its repeated fold draws must say so (its lowest P(other) counts), so that a swap never rests
on one lucky split of the data. Between ``review_threshold`` and that it goes to review. A mask
with both species is judged per connected component and, by default, only sent to review when
a component disagrees (``mixed_policy='per-component'`` swaps the confidently wrong components
when no other component is uncertain). Nothing is swapped when the classifier is unreliable on
the group of animals the mask belongs to (below the bar of :mod:`.classifier_reliability`) or,
for the ImageNet model, when it sees no cat or dog at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from practicum_work.core.classes import CAT, CLASSES, DOG
from practicum_work.data.label_fix.regions import SpeciesRegion
from practicum_work.data.label_fix.settings import MaskPolicies, default_of

MIN_ANIMAL = 0.1  # ImageNet: P(cat or dog) below this is no animal at all, nothing swapped


@dataclass(frozen=True)
class SwapRules:
    """The rules one mask is judged by: thresholds on P(other species), as resolved for its
    group (the options are ``FixLabelsSettings``'), and the policy for masks with both species.
    """

    swap_threshold: float
    review_threshold: float
    mixed_policy: str = default_of(MaskPolicies, 'mixed_policy')  # or 'per-component'
    min_animal: float = MIN_ANIMAL


@dataclass
class SpeciesVerdict:
    """What to do with one mask's species labels, why, and the per-region evidence."""

    action: str  # 'keep', 'swap', 'swap_components' or 'review'
    reason: str
    regions: list[dict] = field(default_factory=list)
    swap_components: list[dict] = field(default_factory=list)


def region_evidence(
    region: SpeciesRegion,
    p_dog: float,
    fold: int | None = None,
    p_animal: float | None = None,
    p_dog_draws: np.ndarray | None = None,
) -> dict:
    """The JSON evidence of one judged region (``p_dog_draws``: P(dog) of each fold draw)."""
    p_other = p_dog if region.label == CAT else 1.0 - p_dog
    evidence = {
        'label': CLASSES[region.label],
        'scope': region.scope,
        'pixels': region.pixels,
        'bbox_xyxy': list(region.bbox),
        'component_areas': region.component_areas,
        'p_dog': round(float(p_dog), 4),
        'p_other_species': round(float(p_other), 4),
    }
    if fold is not None:
        evidence['judged_by_fold'] = int(fold) if fold >= 0 else 'mean of all folds'
    if region.seed_xy is not None:
        evidence['seed_xy'] = list(region.seed_xy)
    if p_animal is not None:
        evidence['p_cat_or_dog'] = round(float(p_animal), 4)
    if p_dog_draws is not None and len(p_dog_draws) > 1:
        draws = p_dog_draws if region.label == CAT else 1.0 - p_dog_draws
        evidence['p_other_lowest_draw'] = round(float(np.min(draws)), 4)
    return evidence


def swap_evidence(evidence: dict) -> float:
    """The P(other species) a swap rests on: the lowest of the fold draws where there are."""
    return min(evidence['p_other_species'], evidence.get('p_other_lowest_draw', 1.0))


def _other(label: int) -> str:
    return CLASSES[DOG if label == CAT else CAT]


def judge_mask(
    regions: list[SpeciesRegion],
    evidence: list[dict],
    settings: SwapRules,
    blocked: str | None = None,
) -> SpeciesVerdict:
    """The verdict for one mask from its regions and their :func:`region_evidence`.

    ``blocked`` (why the classifier may not swap on its own word) turns swaps into reviews.
    """
    if not regions:
        return SpeciesVerdict('keep', 'no region large enough to judge')
    if regions[0].scope == 'image':
        region, ev = regions[0], evidence[0]
        p_other = ev['p_other_species']
        looks = (
            f'looks like a {_other(region.label)} (P={p_other:.2f}), '
            f'labelled {CLASSES[region.label]}'
        )
        if swap_evidence(ev) >= settings.swap_threshold:
            animal = ev.get('p_cat_or_dog')
            if animal is not None and animal < settings.min_animal:
                blocked = f'the classifier sees no cat or dog (P={animal:.2f})'
            if blocked:
                return SpeciesVerdict('review', f'{looks}; not swapped: {blocked}', evidence)
            return SpeciesVerdict('swap', looks, evidence)
        if p_other >= settings.swap_threshold:
            lowest = ev['p_other_lowest_draw']
            return SpeciesVerdict(
                'review',
                f'{looks}; not swapped: one fold draw says only P={lowest:.2f} '
                f'(all must reach {settings.swap_threshold:.2f})',
                evidence,
            )
        if p_other >= settings.review_threshold:
            return SpeciesVerdict('review', f'species uncertain: {looks}', evidence)
        return SpeciesVerdict('keep', f'species agrees (P(other)={p_other:.2f})', evidence)
    disagreeing = [
        (r, e)
        for r, e in zip(regions, evidence)
        if e['p_other_species'] >= settings.review_threshold
    ]
    if not disagreeing:
        return SpeciesVerdict('keep', 'both species; every component agrees', evidence)
    described = '; '.join(
        f'{e["label"]} component of {e["pixels"]} px looks like a {_other(r.label)} '
        f'(P={e["p_other_species"]:.2f})'
        for r, e in disagreeing
    )
    confident = [(r, e) for r, e in disagreeing if swap_evidence(e) >= settings.swap_threshold]
    if settings.mixed_policy != 'per-component' or blocked or len(confident) < len(disagreeing):
        why = blocked or 'both species in the mask'
        return SpeciesVerdict('review', f'{why}: {described}', evidence)
    swaps = [
        {'label': CLASSES[r.label], 'seed_xy': list(r.seed_xy), 'pixels': r.pixels}
        for r, _ in confident
    ]
    return SpeciesVerdict('swap_components', f'per component: {described}', evidence, swaps)
