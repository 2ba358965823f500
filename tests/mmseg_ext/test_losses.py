"""The losses against values computed by hand, and their handling of ignored pixels."""

from __future__ import annotations

import math

import pytest
import torch

import practicum_work.mmseg_ext  # noqa: F401  (registers the losses)
from practicum_work.mmseg_ext.losses import (
    SoftmaxDiceLoss,
    SoftmaxFocalLoss,
    WeightedCrossEntropyLoss,
)

# Three pixels in a row (N=1, C=3, H=1, W=3); labels cat, dog, ignore.
LOGITS = [[2.0, 0.5, -1.0], [0.0, 1.0, 3.0], [1.0, 1.0, 1.0]]  # [class][pixel]
LABELS = [1, 2, 255]


def _logits() -> torch.Tensor:
    return torch.tensor(LOGITS).reshape(1, 3, 1, 3).requires_grad_(True)


def _labels() -> torch.Tensor:
    return torch.tensor(LABELS).reshape(1, 1, 3)


def _softmax(pixel: int) -> list[float]:
    exps = [math.exp(LOGITS[c][pixel]) for c in range(3)]
    return [e / sum(exps) for e in exps]


def test_weighted_ce_equals_hand_computed_weighted_mean():
    weights = [0.5, 2.0, 4.0]
    nll0 = -math.log(_softmax(0)[1])  # pixel 0 is cat
    nll1 = -math.log(_softmax(1)[2])  # pixel 1 is dog
    expected = (2.0 * nll0 + 4.0 * nll1) / (2.0 + 4.0)
    loss = WeightedCrossEntropyLoss(class_weight=weights)(_logits(), _labels())
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_unweighted_ce_is_mean_over_non_ignored_pixels():
    expected = (-math.log(_softmax(0)[1]) - math.log(_softmax(1)[2])) / 2
    loss = WeightedCrossEntropyLoss()(_logits(), _labels())
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_loss_weight_scales_and_loss_name():
    loss_fn = WeightedCrossEntropyLoss(loss_weight=0.4, loss_name='loss_aux')
    base = WeightedCrossEntropyLoss()(_logits(), _labels())
    assert loss_fn(_logits(), _labels()).item() == pytest.approx(0.4 * base.item())
    assert loss_fn.loss_name == 'loss_aux'


@pytest.mark.parametrize(
    'loss_fn',
    [
        WeightedCrossEntropyLoss(class_weight=[0.1, 1.0, 1.5]),
        SoftmaxDiceLoss(),
        SoftmaxFocalLoss(gamma=2.0, alpha=[0.25, 1.0, 2.0]),
    ],
    ids=['weighted_ce', 'dice', 'focal'],
)
def test_changing_logits_at_ignored_pixels_changes_nothing(loss_fn):
    logits = _logits()
    loss = loss_fn(logits, _labels())
    changed = _logits().detach().clone()
    changed[0, :, 0, 2] = torch.tensor([50.0, -20.0, 7.0])
    assert loss_fn(changed, _labels()).item() == pytest.approx(loss.item(), abs=1e-7)
    loss.backward()
    assert torch.all(logits.grad[0, :, 0, 2] == 0)


@pytest.mark.parametrize(
    'loss_fn',
    [WeightedCrossEntropyLoss([1.0, 2.0, 3.0]), SoftmaxDiceLoss(), SoftmaxFocalLoss()],
    ids=['weighted_ce', 'dice', 'focal'],
)
def test_all_ignored_batch_gives_finite_loss(loss_fn):
    """``seg_pad_val`` padding can make a whole crop 255: no NaN, no IndexError."""
    labels = torch.full((2, 4, 4), 255)
    loss = loss_fn(torch.randn(2, 3, 4, 4, requires_grad=True), labels)
    assert torch.isfinite(loss)
    loss.backward()


def test_weighted_ce_matches_torch_reference_on_random_batch():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 8, 8)
    labels = torch.randint(0, 3, (2, 8, 8))
    labels[:, :2] = 255  # padding rows
    weights = torch.tensor([0.3, 1.3, 1.4])
    ours = WeightedCrossEntropyLoss(class_weight=weights.tolist())(logits, labels)
    reference = torch.nn.functional.cross_entropy(logits, labels, weight=weights, ignore_index=255)
    assert ours.item() == pytest.approx(reference.item(), rel=1e-5)


def test_unknown_label_value_is_a_clear_error():
    labels = torch.tensor([1, 3, 255]).reshape(1, 1, 3)
    with pytest.raises(ValueError, match=r'label values \[3\]'):
        WeightedCrossEntropyLoss()(_logits(), labels)


def test_dice_equals_hand_computed_value():
    p0, p1 = _softmax(0), _softmax(1)
    one_hot = [[0, 1, 0], [0, 0, 1]]  # pixel 0 cat, pixel 1 dog; pixel 2 ignored
    dices = []
    for c in range(3):
        inter = p0[c] * one_hot[0][c] + p1[c] * one_hot[1][c]
        denom = p0[c] + p1[c] + one_hot[0][c] + one_hot[1][c]
        dices.append((2 * inter + 1.0) / (denom + 1.0))
    expected = 1 - sum(dices) / 3
    loss = SoftmaxDiceLoss(smooth=1.0)(_logits(), _labels())
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_dice_class_weight_weights_the_class_mean():
    p0, p1 = _softmax(0), _softmax(1)
    one_hot = [[0, 1, 0], [0, 0, 1]]
    dices = []
    for c in range(3):
        inter = p0[c] * one_hot[0][c] + p1[c] * one_hot[1][c]
        denom = p0[c] + p1[c] + one_hot[0][c] + one_hot[1][c]
        dices.append((2 * inter + 1.0) / (denom + 1.0))
    weights = [0.0, 1.0, 3.0]
    expected = 1 - sum(w * d for w, d in zip(weights, dices)) / sum(weights)
    loss = SoftmaxDiceLoss(class_weight=weights)(_logits(), _labels())
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_dice_of_perfect_prediction_is_near_zero():
    labels = torch.tensor([[0, 1], [2, 1]]).reshape(1, 2, 2)
    logits = torch.nn.functional.one_hot(labels, 3).permute(0, 3, 1, 2).float() * 40
    assert SoftmaxDiceLoss(smooth=1e-6)(logits, labels).item() == pytest.approx(0.0, abs=1e-5)


def test_upstream_weighted_ce_still_crashes_on_ignore_pixels():
    """Canary for mmseg #3734: when this fails, upstream is fixed (see README known issues)."""
    from mmseg.models.losses import CrossEntropyLoss

    upstream = CrossEntropyLoss(class_weight=[0.5, 2.0, 4.0], avg_non_ignore=True)
    with pytest.raises((IndexError, RuntimeError)):
        upstream(_logits(), _labels(), ignore_index=255)


def _tversky_by_hand(alpha: float, beta: float, smooth: float = 1.0) -> float:
    """1 - mean over classes of (TP + s) / (TP + a*FP + b*FN + s); pixel 2 (255) left out."""
    probs = [_softmax(0), _softmax(1)]
    one_hot = [[0, 1, 0], [0, 0, 1]]
    indices = []
    for c in range(3):
        tp = sum(p[c] * g[c] for p, g in zip(probs, one_hot))
        fp = sum(p[c] * (1 - g[c]) for p, g in zip(probs, one_hot))
        fn = sum((1 - p[c]) * g[c] for p, g in zip(probs, one_hot))
        indices.append((tp + smooth) / (tp + alpha * fp + beta * fn + smooth))
    return 1 - sum(indices) / 3


def test_upstream_tversky_equals_hand_computed_value_with_ignored_pixels():
    """mmseg's TverskyLoss (hyp6) is right: softmax, 255 masked out, mean over classes.

    Canary too: when this fails, upstream changed its Tversky loss (README known issues).
    """
    from mmseg.models.losses import TverskyLoss

    loss = TverskyLoss(alpha=0.5, beta=0.5, smooth=1.0)(_logits(), _labels(), ignore_index=255)
    assert loss.item() == pytest.approx(_tversky_by_hand(0.5, 0.5), rel=1e-6)
    assert loss.item() == pytest.approx(0.3065258, abs=1e-6)
    # alpha != beta weighs false positives and negatives differently; still by hand.
    loss = TverskyLoss(alpha=0.3, beta=0.7)(_logits(), _labels())
    assert loss.item() == pytest.approx(_tversky_by_hand(0.3, 0.7), rel=1e-6)


def test_upstream_tversky_ignores_logits_at_ignored_pixels():
    from mmseg.models.losses import TverskyLoss

    loss_fn = TverskyLoss(alpha=0.5, beta=0.5)
    logits = _logits()
    loss = loss_fn(logits, _labels())
    changed = _logits().detach().clone()
    changed[0, :, 0, 2] = torch.tensor([50.0, -20.0, 7.0])
    assert loss_fn(changed, _labels()).item() == pytest.approx(loss.item(), abs=1e-7)
    loss.backward()
    assert torch.all(logits.grad[0, :, 0, 2] == 0)
    # A crop that is all padding: no valid pixel, Tversky index 1 per class, loss 0.
    empty = loss_fn(torch.randn(2, 3, 4, 4), torch.full((2, 4, 4), 255))
    assert empty.item() == pytest.approx(0.0)


def test_upstream_tversky_averages_per_image_not_over_the_batch():
    """Documents upstream: the index is computed per image, then averaged over the batch."""
    from mmseg.models.losses import TverskyLoss

    torch.manual_seed(0)
    logits, labels = torch.randn(2, 3, 4, 4), torch.randint(0, 3, (2, 4, 4))
    labels[0, :2] = 255
    loss_fn = TverskyLoss(alpha=0.5, beta=0.5)
    per_image = (loss_fn(logits[:1], labels[:1]) + loss_fn(logits[1:], labels[1:])) / 2
    assert loss_fn(logits, labels).item() == pytest.approx(per_image.item(), rel=1e-6)


def test_focal_equals_hand_computed_value_with_ignored_pixel():
    p_cat, p_dog = _softmax(0)[1], _softmax(1)[2]  # pixel 2 (255) left out
    terms = [(1 - p) ** 2 * -math.log(p) for p in (p_cat, p_dog)]
    loss = SoftmaxFocalLoss(gamma=2.0)(_logits(), _labels())
    assert loss.item() == pytest.approx(sum(terms) / 2, rel=1e-6)


def test_focal_alpha_scales_each_class_and_divides_by_valid_pixels():
    alpha = [0.25, 1.0, 2.0]
    p_cat, p_dog = _softmax(0)[1], _softmax(1)[2]
    expected = (
        alpha[1] * (1 - p_cat) ** 2 * -math.log(p_cat)
        + alpha[2] * (1 - p_dog) ** 2 * -math.log(p_dog)
    ) / 2
    loss = SoftmaxFocalLoss(gamma=2.0, alpha=alpha, loss_weight=0.5)(_logits(), _labels())
    assert loss.item() == pytest.approx(0.5 * expected, rel=1e-6)


def test_focal_with_gamma_zero_is_cross_entropy():
    torch.manual_seed(0)
    logits = torch.randn(2, 3, 8, 8)
    labels = torch.randint(0, 3, (2, 8, 8))
    labels[:, :2] = 255
    reference = torch.nn.functional.cross_entropy(logits, labels, ignore_index=255)
    assert SoftmaxFocalLoss(gamma=0.0)(logits, labels).item() == pytest.approx(
        reference.item(), rel=1e-6
    )
    assert SoftmaxFocalLoss(gamma=0.0)(logits, labels).item() == pytest.approx(
        WeightedCrossEntropyLoss()(logits, labels).item(), rel=1e-6
    )
    # gamma > 0 only lowers each pixel's term: the focal loss is below CE.
    assert SoftmaxFocalLoss(gamma=2.0)(logits, labels).item() < reference.item()


def test_focal_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match='gamma'):
        SoftmaxFocalLoss(gamma=-1.0)
    with pytest.raises(ValueError, match='alpha has 2 values for 3 classes'):
        SoftmaxFocalLoss(alpha=[1.0, 2.0])(_logits(), _labels())
    assert SoftmaxFocalLoss().loss_name == 'loss_focal'
