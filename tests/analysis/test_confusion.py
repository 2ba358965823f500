"""The split confusion matrix: row normalisation, JSON record, plot."""

from __future__ import annotations

import numpy as np

from practicum_work.analysis.confusion import (
    confusion_record,
    plot_confusion_matrix,
    row_normalised,
)


def test_rows_are_shares_of_the_true_class_and_empty_rows_are_none():
    conf = np.array([[6, 2, 0], [1, 3, 0], [0, 0, 0]])
    rows = row_normalised(conf)
    assert rows[0] == [0.75, 0.25, 0.0]
    assert rows[1] == [0.25, 0.75, 0.0]
    assert rows[2] == [None, None, None]
    record = confusion_record(conf)
    assert record['counts'] == conf.tolist() and record['rows'] == 'ground truth'
    assert record['classes'] == ['background', 'cat', 'dog']


def test_plot_writes_png(tmp_path):
    path = plot_confusion_matrix(np.array([[6, 2, 0], [1, 3, 0], [0, 0, 0]]), tmp_path / 'c.png')
    assert path.is_file() and path.stat().st_size > 1000
