"""Per-image label quality from out-of-fold class probabilities (confident-learning style).

For every valid pixel (label != 255) the *self-confidence* is the out-of-fold probability of the
pixel's given label. The image score is cleanlab's softmin pooling of those values,
``sum(p * softmax(-p / T))``, in [0, 1]: low when a region of confidently contradicted pixels
exists. A pixel is *confidently contradicted* when the model's top class differs from the
given label with probability >= ``confidence``. Contradictions are typed as ``cat->dog``,
``dog->cat`` (species swap), ``object->background`` (labelled animal, model sees background:
e.g. a spurious mask) and ``background->object`` (model sees an animal where the mask says
background: e.g. an empty or tiny mask).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from practicum_work.core.classes import BACKGROUND, CAT, DOG, IGNORE_INDEX

DEFAULT_TEMPERATURE = 0.1  # cleanlab.segmentation's default
DEFAULT_CONFIDENCE = 0.9

# Issue-map codes (uint8), also the contradiction types.
NO_ISSUE = 0
CONTRADICTION_CODES: dict[str, int] = {
    'cat->dog': 1,
    'dog->cat': 2,
    'object->background': 3,
    'background->object': 4,
}
IGNORED_CODE = 255
ISSUE_COLOURS: dict[int, tuple[int, int, int]] = {
    NO_ISSUE: (0, 0, 0),
    1: (255, 60, 60),  # labelled cat, model says dog
    2: (255, 200, 0),  # labelled dog, model says cat
    3: (170, 0, 255),  # labelled animal, model says background
    4: (0, 220, 120),  # labelled background, model says animal
    IGNORED_CODE: (90, 90, 90),
}


@dataclass
class ImageQuality:
    """The label-quality evidence of one image."""

    score: float
    contradicted_share: float
    valid_pixels: int
    contradiction_pixels: dict[str, int] = field(default_factory=dict)
    dominant_contradiction: str | None = None


def self_confidence(probs: np.ndarray, label: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per-pixel probability of the given label, and the valid-pixel mask.

    ``probs`` is ``(C, H, W)`` (softmax output), ``label`` ``(H, W)``; ignored pixels get 1.
    """
    valid = label != IGNORE_INDEX
    safe = np.where(valid, label, 0).astype(np.intp)
    given = np.take_along_axis(probs, safe[None], axis=0)[0]
    return np.where(valid, given, 1.0), valid


def softmin_score(pixel_scores: np.ndarray, temperature: float = DEFAULT_TEMPERATURE) -> float:
    """cleanlab's softmin pooling: ``sum(p * softmax(-p / T))`` of the given pixel scores."""
    if pixel_scores.size == 0:
        return 1.0
    logits = -pixel_scores.astype(np.float64) / temperature
    weights = np.exp(logits - logits.max())
    return float(np.sum(pixel_scores * weights) / np.sum(weights))


def issue_map(
    probs: np.ndarray, label: np.ndarray, confidence: float = DEFAULT_CONFIDENCE
) -> np.ndarray:
    """``(H, W)`` uint8 codes of confidently contradicted pixels (see CONTRADICTION_CODES)."""
    predicted = probs.argmax(axis=0)
    top = probs.max(axis=0)
    valid = label != IGNORE_INDEX
    contradicted = valid & (predicted != label) & (top >= confidence)
    codes = np.full(label.shape, NO_ISSUE, np.uint8)
    given_fg = (label == CAT) | (label == DOG)
    predicted_fg = (predicted == CAT) | (predicted == DOG)
    codes[contradicted & (label == CAT) & (predicted == DOG)] = CONTRADICTION_CODES['cat->dog']
    codes[contradicted & (label == DOG) & (predicted == CAT)] = CONTRADICTION_CODES['dog->cat']
    codes[contradicted & given_fg & (predicted == BACKGROUND)] = CONTRADICTION_CODES[
        'object->background'
    ]
    codes[contradicted & (label == BACKGROUND) & predicted_fg] = CONTRADICTION_CODES[
        'background->object'
    ]
    codes[~valid] = IGNORED_CODE
    return codes


def image_quality(
    probs: np.ndarray,
    label: np.ndarray,
    temperature: float = DEFAULT_TEMPERATURE,
    confidence: float = DEFAULT_CONFIDENCE,
) -> tuple[ImageQuality, np.ndarray]:
    """Score one image; return its :class:`ImageQuality` and its issue map."""
    scores, valid = self_confidence(probs, label)
    codes = issue_map(probs, label, confidence)
    counts = np.bincount(codes[valid].ravel(), minlength=len(CONTRADICTION_CODES) + 1)
    by_type = {name: int(counts[code]) for name, code in CONTRADICTION_CODES.items()}
    contradicted = sum(by_type.values())
    n_valid = int(valid.sum())
    dominant = max(by_type, key=by_type.get) if contradicted else None
    quality = ImageQuality(
        score=softmin_score(scores[valid], temperature),
        contradicted_share=contradicted / n_valid if n_valid else 0.0,
        valid_pixels=n_valid,
        contradiction_pixels=by_type,
        dominant_contradiction=dominant,
    )
    return quality, codes


def colour_issue_map(codes: np.ndarray) -> np.ndarray:
    """RGB rendering of an issue map."""
    lut = np.zeros((256, 3), np.uint8)
    for code, colour in ISSUE_COLOURS.items():
        lut[code] = colour
    return lut[codes]
