"""The self classifier: k-fold by image, noisy labels overruled, deterministic, clear limits."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.data.label_fix.species_classifier_self import (
    SelfClassifierSettings,
    TooFewRegionsError,
    fit_logistic,
    judge_species,
)


def _clusters(n: int, flip: list[int], seed: int = 0):
    """Two separable clusters (cats around -1, dogs around +1); labels of ``flip`` swapped."""
    rng = np.random.default_rng(seed)
    truth = np.where(np.arange(n) % 2 == 0, 1, 2)
    x = rng.normal(0, 0.4, (n, 6))
    x[:, 0] += np.where(truth == 2, 1.5, -1.5)
    x[:, 1] -= np.where(truth == 2, 1.0, -1.0)
    labels = truth.copy()
    labels[flip] = 3 - labels[flip]
    return x, labels, truth


def test_logistic_regression_learns_the_direction():
    x, labels, _ = _clusters(60, [])
    weights, bias = fit_logistic(x, (labels == 2).astype(float), l2=0.01)
    assert weights[0] > 0 and weights[1] < 0 and abs(bias) < 1


def test_swapped_labels_are_overruled_out_of_fold():
    flip = [3, 10, 17]
    x, labels, truth = _clusters(40, flip)
    groups = np.arange(40)
    trainable = np.ones(40, bool)
    trainable[-4:] = False  # e.g. the test split: judged by all folds, trained on by none
    judgement = judge_species(x, labels, groups, trainable, SelfClassifierSettings(folds=4))
    p_other = np.where(labels == 2, 1 - judgement.p_dog, judgement.p_dog)
    assert (p_other[flip] > 0.75).all()  # the default swap threshold
    assert np.delete(p_other, flip).max() < 0.5
    assert (judgement.fold[-4:] == -1).all() and (judgement.fold[:-4] >= 0).all()
    assert ((judgement.p_dog >= 0.5) == (truth == 2)).all()
    assert judgement.info['out_of_fold_agreement_with_labels'] == pytest.approx(33 / 36, abs=1e-3)


def test_no_region_is_judged_by_a_model_that_saw_it():
    # A wrongly labelled region with a feature no other region has: a model that trained on it
    # could memorise its label through that feature; one that never saw it cannot.
    x, labels, _ = _clusters(24, [5])
    x[:, 5] = 0.0
    x[5, 5] = 1.0
    groups = np.arange(24) // 2  # pairs of regions share an image
    settings = SelfClassifierSettings(folds=3, l2=1e-4, rounds=1)
    judgement = judge_species(x, labels, groups, np.ones(24, bool), settings)
    p_other = judgement.p_dog[5] if labels[5] == 1 else 1 - judgement.p_dog[5]
    assert p_other > 0.9
    for g in range(12):
        assert len(set(judgement.fold[groups == g])) == 1


def test_same_input_same_probabilities():
    x, labels, _ = _clusters(30, [4])
    args = (x, labels, np.arange(30), np.ones(30, bool), SelfClassifierSettings(folds=3))
    assert np.array_equal(judge_species(*args).p_dog, judge_species(*args).p_dog)


def test_too_few_regions_is_a_clear_error():
    x, labels, _ = _clusters(8, [])
    with pytest.raises(TooFewRegionsError, match='too few labelled animals'):
        judge_species(x, labels, np.arange(8), np.ones(8, bool), SelfClassifierSettings(folds=5))


def test_descriptors_read_from_disk_in_blocks_give_the_same_probabilities(tmp_path, monkeypatch):
    from practicum_work.data.label_fix import descriptor_store
    from practicum_work.data.label_fix.descriptor_store import DescriptorStore

    monkeypatch.setattr(descriptor_store, 'BLOCK_ROWS', 7)
    x, labels, _ = _clusters(40, [3, 10])
    store = DescriptorStore(tmp_path, in_memory_bytes=0)  # never read whole
    for start in range(0, 40, 3):
        store.append(x[start : start + 3])
    args = (labels, np.arange(40), np.ones(40, bool), SelfClassifierSettings(folds=4))
    from_array, from_disk = judge_species(x, *args), judge_species(store, *args)
    assert np.array_equal(from_array.p_dog, from_disk.p_dog)
    assert np.array_equal(from_array.fold, from_disk.fold)


def test_each_fold_model_learns_from_a_bounded_draw(monkeypatch):
    from practicum_work.data.label_fix import species_classifier_self as module

    sizes = []
    fit = module.fit_logistic

    def counting_fit(x, y, l2, max_iter=100):
        sizes.append(len(x))
        return fit(x, y, l2, max_iter)

    monkeypatch.setattr(module, 'fit_logistic', counting_fit)
    flip = [3, 10, 17]
    x, labels, truth = _clusters(80, flip)
    groups = np.arange(80) // 2
    settings = SelfClassifierSettings(folds=4, max_train_regions=25)
    judgement = judge_species(x, labels, groups, np.ones(80, bool), settings)
    assert sizes and max(sizes) == 25  # 60 training regions per fold, 25 drawn
    assert judgement.info['max_train_regions_per_fold'] == 25
    p_other = np.where(labels == 2, 1 - judgement.p_dog, judgement.p_dog)
    assert (p_other[flip] > 0.5).all()
    assert ((judgement.p_dog >= 0.5) == (truth == 2)).mean() >= 0.95
    again = judge_species(x, labels, groups, np.ones(80, bool), settings)
    assert np.array_equal(judgement.p_dog, again.p_dog)  # the draws are seeded


def test_the_fold_draws_run_on_two_processes_with_the_same_result(tmp_path):
    from practicum_work.data.label_fix.descriptor_store import DescriptorStore

    x, labels, _ = _clusters(40, [3, 10])
    store = DescriptorStore(tmp_path)
    store.append(x)
    args = (labels, np.arange(40), np.ones(40, bool), SelfClassifierSettings(folds=4))
    one = judge_species(x, *args, workers=1)
    two = judge_species(store, *args, workers=2)
    assert np.array_equal(one.p_dog, two.p_dog) and np.array_equal(one.fold, two.fold)
    assert np.array_equal(one.p_dog_draws, two.p_dog_draws)
