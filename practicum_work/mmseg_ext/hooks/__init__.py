"""Hooks registered in mmseg's HOOKS registry."""

from practicum_work.mmseg_ext.hooks.auto_interval_logger_hook import AutoIntervalLoggerHook
from practicum_work.mmseg_ext.hooks.clearml_results_hook import ClearMLResultsHook
from practicum_work.mmseg_ext.hooks.metrics_json_hook import MetricsJsonHook
from practicum_work.mmseg_ext.hooks.sample_predictions_hook import SamplePredictionsHook
from practicum_work.mmseg_ext.hooks.speed_check_hook import SpeedCheckHook

__all__ = [
    'AutoIntervalLoggerHook',
    'ClearMLResultsHook',
    'MetricsJsonHook',
    'SamplePredictionsHook',
    'SpeedCheckHook',
]
