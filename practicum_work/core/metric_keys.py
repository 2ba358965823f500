"""The names of MMSeg metrics: ``mIoU`` is a mean, ``IoU.cat`` the IoU of class ``cat``."""

from __future__ import annotations


def split_metric_key(key: str) -> tuple[str, str | None]:
    """``'IoU.cat'`` -> ``('IoU', 'cat')``; ``'mDice'`` -> ``('mDice', None)``.

    Per-class keys are ``<metric>.<class name>`` (``PerClassIoUMetric``); a class name may
    itself contain dots, the metric never does.
    """
    metric, dot, class_name = key.partition('.')
    return (metric, class_name) if dot and class_name else (key, None)
