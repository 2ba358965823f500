"""Label-quality scoring on known-answer probability maps."""

from __future__ import annotations

import math

import numpy as np
import pytest

from practicum_work.label_quality.scoring import (
    CONTRADICTION_CODES,
    IGNORED_CODE,
    image_quality,
    issue_map,
    self_confidence,
    softmin_score,
)


def _probs(argmax: np.ndarray, top: float = 0.9) -> np.ndarray:
    """(3, H, W) probabilities: ``top`` on ``argmax``, the rest split evenly."""
    probs = np.full((3, *argmax.shape), (1 - top) / 2, np.float32)
    np.put_along_axis(probs, argmax[None], top, axis=0)
    return probs


def test_self_confidence_takes_the_given_label_and_ignores_255():
    probs = _probs(np.array([[0, 1], [2, 2]]))
    label = np.array([[0, 2], [2, 255]], np.uint8)
    scores, valid = self_confidence(probs, label)
    assert scores[0, 0] == pytest.approx(0.9) and scores[0, 1] == pytest.approx(0.05)
    assert scores[1, 0] == pytest.approx(0.9) and not valid[1, 1]


def test_softmin_matches_the_formula():
    p = np.array([0.9, 0.8, 0.1])
    weights = np.exp(-p / 0.1)
    assert softmin_score(p, 0.1) == pytest.approx(float(np.sum(p * weights) / weights.sum()))
    assert softmin_score(np.array([0.95] * 10)) == pytest.approx(0.95)
    assert softmin_score(np.array([])) == 1.0


def test_issue_map_types_each_contradiction():
    label = np.array([[1, 2, 1, 0, 0, 255]], np.uint8)
    pred = np.array([[2, 1, 0, 1, 0, 2]])
    codes = issue_map(_probs(pred), label, confidence=0.7)
    expected = [
        CONTRADICTION_CODES['cat->dog'],
        CONTRADICTION_CODES['dog->cat'],
        CONTRADICTION_CODES['object->background'],
        CONTRADICTION_CODES['background->object'],
        0,
        IGNORED_CODE,
    ]
    assert codes[0].tolist() == expected


def test_unconfident_disagreement_is_not_an_issue():
    label = np.array([[1]], np.uint8)
    assert issue_map(_probs(np.array([[2]]), top=0.5), label, confidence=0.7)[0, 0] == 0


def test_swapped_mask_scores_lower_than_the_correct_one():
    truth = np.zeros((20, 20), np.uint8)
    truth[5:15, 5:15] = 1  # a cat, and the model agrees
    probs = _probs(truth.astype(np.intp), top=0.95)
    good, _ = image_quality(probs, truth)
    swapped = np.where(truth == 1, 2, truth).astype(np.uint8)
    bad, codes = image_quality(probs, swapped)
    assert bad.score < 0.2 < 0.9 < good.score
    assert bad.dominant_contradiction == 'dog->cat' and good.dominant_contradiction is None
    assert bad.contradicted_share == pytest.approx(100 / 400)
    assert (codes == CONTRADICTION_CODES['dog->cat']).sum() == 100


def test_empty_mask_is_background_to_object():
    truth = np.zeros((10, 10), np.intp)
    truth[2:6, 2:6] = 2
    quality, _ = image_quality(_probs(truth), np.zeros((10, 10), np.uint8))
    assert quality.dominant_contradiction == 'background->object'
    assert quality.contradiction_pixels['background->object'] == 16
    assert math.isclose(quality.contradicted_share, 0.16)


def test_proposal_takes_confident_model_pixels_only():
    from practicum_work.label_quality.proposals import changed_pixels, propose_mask

    label = np.array([[1, 1, 0, 255]], np.uint8)
    pred = np.array([[2, 1, 2, 2]])
    probs = _probs(pred, top=0.9)
    probs[:, 0, 2] = [0.4, 0.2, 0.4]  # unsure: keep the given label
    codes = issue_map(probs, label, confidence=0.7)
    proposal = propose_mask(probs, label, codes)
    assert proposal.tolist() == [[2, 1, 0, 255]]
    assert changed_pixels(label, proposal) == {'1->2': 1}
