"""The EDA report: ``report.json`` (summary, statistics, items) and the console tables."""

from __future__ import annotations

from collections import Counter

from practicum_work.core.findings import SEVERITIES, Finding, severity_rank

REPORT_FILE = 'report.json'


def sort_key(splits: list[str]):
    """Items ordered by split, then stem (split-level findings last), severity, type."""
    order = {split: i for i, split in enumerate(splits)}

    def key(finding: Finding) -> tuple:
        return (
            order.get(finding.split, len(order)),
            finding.stem is None,
            finding.stem or '',
            severity_rank(finding.severity),
            finding.kind,
            finding.file or '',
        )

    return key


def summarise(findings: list[Finding], splits: list[str], statistics: dict[str, dict]) -> dict:
    """Counts by severity, by kind, by split; files scanned; distinct flagged samples."""
    by_severity = Counter(f.severity for f in findings)
    by_kind = Counter(f.kind for f in findings)
    severity = {f.kind: f.severity for f in findings}
    by_split: dict[str, dict[str, int]] = {}
    by_split_kind: dict[str, dict[str, int]] = {}
    for split in splits:
        mine = [f for f in findings if f.split == split]
        counts = Counter(f.severity for f in mine)
        by_split[split] = {s: counts.get(s, 0) for s in SEVERITIES}
        by_split_kind[split] = dict(sorted(Counter(f.kind for f in mine).items()))
    flagged = {(f.split, f.stem) for f in findings if f.stem is not None}
    return {
        'files': {split: statistics[split]['files'] for split in splits},
        'items': len(findings),
        'flagged_stems': len(flagged),
        'by_severity': {s: by_severity.get(s, 0) for s in SEVERITIES},
        'by_kind': dict(
            sorted(by_kind.items(), key=lambda kv: (severity_rank(severity[kv[0]]), kv[0]))
        ),
        'by_split': by_split,
        'by_split_and_kind': by_split_kind,
    }


def exit_code(summary: dict, fail_on: str) -> int:
    """0, or 1 when ``fail_on`` is 'error' / 'warning' and such findings exist."""
    if fail_on == 'never':
        return 0
    severities = ('error',) if fail_on == 'error' else ('error', 'warning')
    return int(any(summary['by_severity'][s] for s in severities))


def print_summary(report: dict, out: str) -> None:
    """Two rich tables (per split; per kind of finding) and where the outputs are."""
    from rich.console import Console
    from rich.table import Table

    console = Console()
    summary, splits = report['summary'], report['splits']
    table = Table(title=f'petseg eda: {report["data_root"]}')
    for column in ('split', 'images', 'masks', 'pairs', 'errors', 'warnings', 'info'):
        table.add_column(column, justify='left' if column == 'split' else 'right')
    for split in splits:
        files, severity = summary['files'][split], summary['by_split'][split]
        table.add_row(
            split,
            str(files['images']),
            str(files['masks']),
            str(files['pairs']),
            f'[red]{severity["error"]}[/]' if severity['error'] else '0',
            f'[yellow]{severity["warning"]}[/]' if severity['warning'] else '0',
            str(severity['info']),
        )
    console.print(table)
    if summary['by_kind']:
        kinds = Table(title='findings by kind')
        kinds.add_column('kind')
        kinds.add_column('severity')
        for split in splits:
            kinds.add_column(split, justify='right')
        for kind in summary['by_kind']:
            counts = [str(summary['by_split_and_kind'][s].get(kind, 0)) for s in splits]
            kinds.add_row(kind, report['kinds'][kind]['severity'], *counts)
        console.print(kinds)
    else:
        console.print('no findings')
    print_encoding(report.get('mask_encoding'))
    overlays = report['overlays']
    console.print(
        f'report {out}/{REPORT_FILE}; {len(overlays["flagged"])} flagged and '
        f'{len(overlays["random"])} random overlays in {out}/overlays/; '
        f'plots: {", ".join(report["plots"])}'
    )


def encoding_lines(encoding: dict | None) -> list[str]:
    """The dataset-level mask encoding in one line, the per-file findings it explains, the fix."""
    if not encoding or not encoding['files']:
        return []
    lines = [f'mask encoding {encoding["encoding"]}: {encoding["message"]}']
    grouped = encoding.get('findings_on_these_masks') or {}
    if grouped:
        parts = ', '.join(f'{n} {kind}' for kind, n in grouped.items())
        lines.append(f'  the per-file findings on these masks ({parts}) all come from this')
    if encoding.get('convert_command'):
        lines.append(f'  convert: {encoding["convert_command"]}')
    return lines


def print_encoding(encoding: dict | None) -> None:
    """Print :func:`encoding_lines` (plain print: the command must not be wrapped)."""
    for line in encoding_lines(encoding):
        print(line)
