"""postprocess-eval's selection rule and grid metrics on fabricated predictions."""

from __future__ import annotations

import numpy as np
import pytest

from practicum_work.analysis.inference import Prediction
from practicum_work.analysis.postprocess_eval import (
    GridPoint,
    PostprocessEvalResult,
    choose_min_area,
    grid_confusions,
    parse_grid,
    report_markdown,
)
from practicum_work.core.errors import PetsegError


def _prediction() -> Prediction:
    gt = np.zeros((8, 8), np.uint8)
    gt[2:5, 2:5] = 1  # a 9-px cat
    pred = gt.copy()
    pred[7, 7] = 2  # a 1-px false dog
    pred[0, 0:2] = 1  # a 2-px false cat
    return Prediction('x', 'x.jpg', 'x.png', gt, pred)


def test_grid_confusions_filter_each_n_from_the_raw_prediction():
    totals = grid_confusions([_prediction(), _prediction()], [0, 2, 3, 10])
    assert totals[0].tolist() == [[2 * 52, 2 * 2, 2 * 1], [0, 18, 0], [0, 0, 0]]
    assert totals[2].tolist() == [[2 * 53, 2 * 2, 0], [0, 18, 0], [0, 0, 0]]  # dog < 2 gone
    assert totals[3].tolist() == [[2 * 55, 0, 0], [0, 18, 0], [0, 0, 0]]  # both specks gone
    assert totals[10].tolist() == [[2 * 55, 0, 0], [2 * 9, 0, 0], [0, 0, 0]]  # the cat too


def _point(n, mdice):
    return GridPoint(n, {'mDice': mdice, 'mIoU': mdice, 'aAcc': 90.0}, {})


def test_choose_best_val_mdice_ties_go_to_the_smaller_n():
    assert choose_min_area([_point(0, 50.0), _point(16, 52.0), _point(64, 51.0)]) == 16
    assert choose_min_area([_point(0, 50.0), _point(16, 50.0)]) == 0
    assert choose_min_area([_point(0, None), _point(8, 40.0)]) == 8
    with pytest.raises(PetsegError):
        choose_min_area([_point(0, None)])


def test_parse_grid():
    assert parse_grid('64, 16,16') == [0, 16, 64]
    with pytest.raises(PetsegError):
        parse_grid('a,b')
    with pytest.raises(PetsegError):
        parse_grid('-1')


def test_report_marks_the_choice_and_the_test_change():
    result = PostprocessEvalResult(
        out_dir='o', config='configs/hyp1_segformer_b0.py', checkpoint='k.pth',
        val_split='val', test_split='test', selection_metric='mDice', grid=[0, 16],
        val=[_point(0, 50.0), _point(16, 52.0)], chosen_min_area=16,
        test_without=_point(0, 48.0), test_with=_point(16, 49.5),
    )  # fmt: skip
    text = report_markdown(result)
    assert '| 16 **(chosen)** |' in text
    assert '| mDice | 48.00 | 49.50 | +1.50 |' in text
    assert result.test_gain == 1.5
    assert 'min_component_area=16' in text
