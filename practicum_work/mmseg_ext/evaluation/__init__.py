"""Metrics registered in mmseg's METRICS registry."""

from practicum_work.mmseg_ext.evaluation.per_class_iou_metric import PerClassIoUMetric

__all__ = ['PerClassIoUMetric']
