"""``petseg eda``: a technical scan of a segmentation dataset before anything trains on it.

Modules, one job each: :mod:`.settings` (the options, declared once), :mod:`.inventory` (each
split's listing and the jobs to scan), :mod:`.pairs` (the worker: one pair read once, the
registered per-pair checks run on it), :mod:`.scan` (layout, per-pair and dataset checks over a
process pool), :mod:`.statistics` (per-split totals), :mod:`.overlays`, :mod:`.plots`,
:mod:`.report` (report.json's summary and the console), :mod:`.run` (``eda``/``run_eda``, the
entry point). The checks themselves and their findings: :mod:`practicum_work.data.checks`.
"""
