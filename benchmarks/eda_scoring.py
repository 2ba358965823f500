"""Score an EDA report against injected ground truth (``<out>.noise.json``).

For benchmarks (bench_eda.py) and the recall test: the scan itself never reads the ground
truth, so this lives beside the benchmarks, not in the package.
"""

from __future__ import annotations

import json
from pathlib import Path

from practicum_work.data.noise_injection import NOISE_TYPES

# Injected faults a technical scan must find; ``swap`` is semantic (the mask is well formed),
# it is for label-fix tools. Each noise type is reported under the kind of finding of its name.
TECHNICAL_NOISE_TYPES: tuple[str, ...] = tuple(t for t in NOISE_TYPES if t != 'swap')


def load_noise_truth(path: str | Path) -> dict:
    """Read a ``<out>.noise.json`` document."""
    return json.loads(Path(path).read_text(encoding='utf-8'))


def score_report(report: dict, truth: dict) -> dict:
    """Recall of the technical faults and error-severity findings on items without a fault.

    An injected fault counts as found when an item of the same split, stem and type exists.
    """
    found = {(i['split'], i['stem'], i['kind']) for i in report['items']}
    expected = [i for i in truth['items'] if i['type'] in TECHNICAL_NOISE_TYPES]
    missed = [i for i in expected if (i['split'], i['stem'], i['type']) not in found]
    noisy = {(i['split'], i['stem']) for i in truth['items']}
    errors_on_clean = [
        i
        for i in report['items']
        if i['severity'] == 'error'
        and i['stem'] is not None
        and (i['split'], i['stem']) not in noisy
    ]
    return {
        'expected': len(expected),
        'found': len(expected) - len(missed),
        'recall': (len(expected) - len(missed)) / len(expected) if expected else 1.0,
        'missed': missed,
        'errors_on_clean_items': errors_on_clean,
    }
