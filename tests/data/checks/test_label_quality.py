"""label-quality's scores as findings, and the review of a report made of them."""

from __future__ import annotations

import json

import cv2
import numpy as np

from practicum_work.data.checks.label_quality import LabelQuality
from practicum_work.review.sources import load_source


def _row(stem, share, meets=True, flagged=True, rank=1):
    return {'split': 'train', 'stem': stem, 'fold': 0, 'score': 0.2, 'contradicted_share': share,
            'dominant_contradiction': 'cat->dog', 'flagged': flagged, 'meets_flag_rule': meets,
            'rank': rank, 'image': f'/data/img/train/{stem}.jpg'}  # fmt: skip


def _report(tmp_path, with_findings):
    report = tmp_path / 'lq' / 'report'
    (report / 'proposals').mkdir(parents=True)
    cv2.imwrite(str(report / 'proposals' / 'train_a.png'), np.zeros((4, 4), np.uint8))
    rows = [_row('a', 0.2), _row('b', 0.05, flagged=False, rank=2), _row('c', 0.0, False, False)]
    (report / 'scores.json').write_text(json.dumps(rows))
    (report / 'summary.json').write_text(json.dumps({'data_root': str(tmp_path / 'data')}))
    if with_findings:
        found = LabelQuality.findings(rows, report)
        (report / 'findings.json').write_text(json.dumps([f.to_json() for f in found]))
    return rows, report


def test_images_meeting_the_flag_rule_are_findings_with_their_proposal(tmp_path):
    rows, report = _report(tmp_path, with_findings=False)
    found = LabelQuality.findings(rows, report)
    assert [(f.stem, f.kind, f.action) for f in found] == [
        ('a', 'low_label_quality', 'use_proposal'),
        ('b', 'low_label_quality', 'review'),  # no proposal (e.g. the fold models were weak)
    ]
    assert found[0].evidence['proposal'] == 'proposals/train_a.png'
    assert found[0].file == 'labels/train/a.png' and '20.0%' in found[0].message


def test_review_reads_the_findings_or_an_older_report_s_scores(tmp_path):
    for with_findings in (True, False):
        _, report = _report(tmp_path / str(with_findings), with_findings)
        source = load_source(report.parent)
        assert source.kind == 'label-quality'
        items = {item.stem: item for item in source.items}
        assert set(items) == {'a', 'b'}
        assert items['a'].suggestion == 'accept' and items['a'].status == 'flagged'
        assert items['a'].proposal_file == str(report / 'proposals' / 'train_a.png')
        assert items['b'].suggestion == 'keep' and items['b'].status == 'meets the flag rule'
        assert items['a'].issues == ['low_label_quality']
        assert items['a'].evidence['dominant contradiction'] == 'cat->dog'
