"""Mask values that are no class: anything outside 0, 1, 2 and 255 (ignore)."""

from __future__ import annotations

from practicum_work.core.classes import VALID_LABELS
from practicum_work.core.findings import CHECKS, DROP, ERROR, Check, Finding, Kind
from practicum_work.data.checks.sample import NON_INTEGER, PairSample

_SHOWN_VALUES = 8


def stray_counts(value_counts: dict[int, int]) -> dict[int, int]:
    """``{value: pixels}`` of the values outside 0, 1, 2, 255."""
    return {v: n for v, n in value_counts.items() if v not in VALID_LABELS}


def describe(stray: dict[int, int]) -> str:
    """``'3 (5 px), 128 (7 px)'``, the first few values."""
    shown = ', '.join(f'{v} ({n} px)' for v, n in list(stray.items())[:_SHOWN_VALUES])
    more = f' and {len(stray) - _SHOWN_VALUES} more' if len(stray) > _SHOWN_VALUES else ''
    return shown + more


@CHECKS.register
class StrayValues(Check):
    """Values a class-id mask cannot hold (fix-labels sets them to 255 or 0)."""

    name = 'stray_values'
    kinds = (Kind('stray_values', ERROR, 'mask values outside {0, 1, 2, 255}', DROP),)
    tools = ('eda', 'fix-labels')

    def on_pair(self, sample: PairSample, found: list[Finding]) -> None:
        split, stem, file = sample.split, sample.stem, sample.mask_file
        if sample.ids_problem == NON_INTEGER:
            found.append(
                self.finding('stray_values', split, stem, 'non-integer mask values', file=file)
            )
            return
        if sample.value_counts is None:
            return
        stray = stray_counts(sample.value_counts)
        if stray:
            message = f'values outside {{0, 1, 2, 255}}: {describe(stray)}'
            evidence = {'stray_values': {str(v): n for v, n in stray.items()}}
            found.append(
                self.finding('stray_values', split, stem, message, file=file, evidence=evidence)
            )
