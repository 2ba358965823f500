"""Hooks registered in mmseg's HOOKS registry."""

from practicum_work.mmseg_ext.hooks.metrics_json_hook import MetricsJsonHook

__all__ = ['MetricsJsonHook']
