"""``petseg eda``: a technical scan of a segmentation dataset before anything trains on it.

Modules, one job each: :mod:`.inventory` (pairing and layout findings), :mod:`.checks`
(per-pair checks through ``core.image_io``, small results), :mod:`.statistics` (per-split
totals), :mod:`.scan` (the scan over a process pool, and the dataset's mask encoding),
:mod:`.overlays`, :mod:`.plots`, :mod:`.report` (report.json and the console),
:mod:`.run` (``run_eda``, the entry point). Severities: :mod:`.anomalies`.
"""
