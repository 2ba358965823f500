"""A class of the schema that no mask of a split holds."""

from __future__ import annotations

from types import SimpleNamespace

from practicum_work.data.checks.class_never_found import ClassNeverFound
from practicum_work.data.eda.pairs import PairResult
from practicum_work.data.eda.statistics import SplitStatistics


def test_a_split_without_dogs_says_so(tmp_path):
    train, val = SplitStatistics('train'), SplitStatistics('val')
    train.add(PairResult('train', 'a', None, 'labels/train/a.png', value_counts={0: 5, 1: 5}))
    val.add(PairResult('val', 'b', None, 'labels/val/b.png', value_counts={0: 5, 1: 3, 2: 2}))
    scan = SimpleNamespace(splits=['train', 'val'], statistics={'train': train, 'val': val})
    found = []
    ClassNeverFound().on_dataset(scan, found)
    assert [(f.split, f.kind, f.severity, f.evidence) for f in found] == [
        ('train', 'class_never_found', 'info', {'class': 'dog'})
    ]
