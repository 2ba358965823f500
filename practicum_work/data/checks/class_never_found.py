"""A class of the schema that appears in no mask of a split."""

from __future__ import annotations

from typing import Any

from practicum_work.core.findings import CHECKS, INFO, Check, Finding, Kind


@CHECKS.register
class ClassNeverFound(Check):
    """From the split's statistics (pixels per class over its readable masks)."""

    name = 'class_never_found'
    kinds = (Kind('class_never_found', INFO, 'a class of the schema never appears in the split'),)

    def on_dataset(self, scan: Any, found: list[Finding]) -> None:
        for split in scan.splits:
            for name in scan.statistics[split].classes_never_found():
                message = f'class {name!r} appears in no mask of split {split!r}'
                found.append(
                    self.finding(
                        'class_never_found',
                        split,
                        None,
                        message,
                        file=f'labels/{split}',
                        evidence={'class': name},
                    )
                )
