"""``petseg eda``: a technical scan of a segmentation dataset before anything trains on it.

Modules, one job each: :mod:`.inventory` (pairing and layout findings), :mod:`.decode`
(read a file once, detect truncation), :mod:`.checks` (per-pair checks, small results),
:mod:`.statistics` (per-split totals), :mod:`.overlays`, :mod:`.plots`, :mod:`.report`,
:mod:`.scan` (orchestration). Severities: :mod:`.anomalies`.
"""
