"""Labels an out-of-fold segmentation model confidently contradicts (label-quality)."""

from __future__ import annotations

from pathlib import Path

from practicum_work.core.findings import (
    CHECKS,
    REVIEW,
    USE_PROPOSAL,
    WARNING,
    Check,
    Finding,
    Kind,
)
from practicum_work.core.layout import MASK_DIR, MASK_SUFFIX


@CHECKS.register
class LabelQuality(Check):
    """Model evidence: label-quality scores the images (``label_quality/scoring``) and
    :meth:`findings` turns its scores into findings (its report's ``findings.json``)."""

    name = 'label_quality'
    kinds = (
        Kind(
            'low_label_quality',
            WARNING,
            'a model that never saw the image confidently contradicts part of its mask '
            '(cat->dog, dog->cat, object->background, background->object)',
            USE_PROPOSAL,
        ),
    )
    tools = ('label-quality',)
    rule = (
        'the share of pixels whose out-of-fold top class differs from the label with '
        'probability >= `--confidence` reaches `--flag-share`'
    )

    @classmethod
    def findings(cls, scores: list[dict], report_dir: Path) -> list[Finding]:
        """The findings of a label-quality report: one per image meeting the flag rule.

        ``scores`` are the rows of scores.json (one per scored image, worst first); a proposed
        mask is ``proposals/<split>_<stem>.png`` in ``report_dir`` when it was written (the
        evidence names it relative to the report folder).
        """
        check, found = cls(), []
        for entry in scores:
            if not entry.get('meets_flag_rule'):
                continue
            split, stem = entry['split'], entry['stem']
            proposal = report_dir / 'proposals' / f'{split}_{stem}.png'
            dominant = entry['dominant_contradiction']
            message = (
                f'{entry["contradicted_share"]:.1%} of the pixels confidently contradicted '
                f'({dominant})'
            )
            evidence = {
                'score': entry['score'],
                'contradicted_share': entry['contradicted_share'],
                'dominant_contradiction': dominant,
                'fold': entry['fold'],
                'rank': entry['rank'],
                'flagged': entry['flagged'],
            }
            if proposal.is_file():
                evidence['proposal'] = proposal.relative_to(report_dir).as_posix()
            found.append(
                check.finding(
                    'low_label_quality',
                    split,
                    stem,
                    message,
                    file=f'{MASK_DIR}/{split}/{stem}{MASK_SUFFIX}',
                    evidence=evidence,
                    action=USE_PROPOSAL if proposal.is_file() else REVIEW,
                )
            )
        return found
