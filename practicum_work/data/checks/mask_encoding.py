"""How the masks as a whole encode their classes (``core.mask_encoding``), once per split."""

from __future__ import annotations

from typing import Any

from practicum_work.core.findings import CHECKS, CONVERT, ERROR, WARNING, Check, Finding, Kind
from practicum_work.core.mask_encoding import BINARY_01, CLASS_IDS


@CHECKS.register
class MaskEncoding(Check):
    """Judged over every mask of the scan (one mask alone is often ambiguous)."""

    name = 'mask_encoding'
    kinds = (
        Kind(
            'mask_encoding',
            ERROR,
            'the masks as a whole are not class ids (0/255, trimaps, RGB colours, another '
            'palette, mixed): petseg convert-masks turns them into ids',
            CONVERT,
        ),
        Kind(
            'binary_masks',
            WARNING,
            'values 0/1 only in the whole dataset: binary pet/background masks or cats only',
        ),
    )

    def on_dataset(self, scan: Any, found: list[Finding]) -> None:
        encoding = scan.encoding
        if encoding is None or encoding.files == 0 or encoding.encoding == CLASS_IDS:
            return
        if encoding.written_by:
            return
        kind = 'binary_masks' if encoding.encoding == BINARY_01 else 'mask_encoding'
        command = f'; convert: {encoding.convert_command}' if encoding.convert_command else ''
        evidence = {'encoding': encoding.encoding}
        if encoding.convert_command:
            evidence['convert_command'] = encoding.convert_command
        for split in scan.mask_splits:
            found.append(
                self.finding(
                    kind,
                    split,
                    None,
                    f'{encoding.message}{command}',
                    file=f'labels/{split}',
                    evidence=evidence,
                )
            )
