"""The pixel-level confusion matrix of a split: JSON record and row-normalised plot."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from practicum_work.core.classes import CLASSES, IGNORE_INDEX


def row_normalised(confusion: np.ndarray) -> list[list[float | None]]:
    """Each row divided by its sum (the share of a true class predicted as each class).

    A class with no ground-truth pixels has a row of ``None``.
    """
    confusion = np.asarray(confusion, dtype=np.float64)
    totals = confusion.sum(axis=1)
    rows: list[list[float | None]] = []
    for row, total in zip(confusion, totals):
        rows.append([round(float(v / total), 6) for v in row] if total > 0 else [None] * len(row))
    return rows


def confusion_record(
    confusion: np.ndarray, class_names: Sequence[str] = CLASSES, title: str = ''
) -> dict:
    """JSON-ready: what it is of (``title``: run, checkpoint, split), classes, raw counts and
    row-normalised shares (rows = ground truth)."""
    confusion = np.asarray(confusion, dtype=np.int64)
    return {
        **({'title': title} if title else {}),
        'classes': list(class_names),
        'rows': 'ground truth',
        'columns': 'prediction',
        'note': f'pixel counts over the split; mask pixels {IGNORE_INDEX} excluded',
        'counts': confusion.tolist(),
        'row_normalised': row_normalised(confusion),
    }


def plot_confusion_matrix(
    confusion: np.ndarray,
    path: str | Path,
    class_names: Sequence[str] = CLASSES,
    title: str = 'confusion matrix (row-normalised)',
) -> Path:
    """Save the row-normalised matrix as a PNG heat map with shares and counts in the cells."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    confusion = np.asarray(confusion, dtype=np.int64)
    shares = np.array(
        [[np.nan if v is None else v for v in row] for row in row_normalised(confusion)]
    )
    n = len(class_names)
    fig = Figure(figsize=(1.6 * n + 2.2, 1.4 * n + 1.6), dpi=110)
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    image = ax.imshow(np.nan_to_num(shares), cmap='Blues', vmin=0, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, pad=0.04)
    for i in range(n):
        for j in range(n):
            share = shares[i, j]
            text = '—' if np.isnan(share) else f'{share:.1%}\n({confusion[i, j]:,})'
            colour = 'white' if not np.isnan(share) and share > 0.6 else 'black'
            ax.text(j, i, text, ha='center', va='center', fontsize=8, color=colour)
    ax.set_xticks(range(n), class_names)
    ax.set_yticks(range(n), class_names)
    ax.set_xlabel('prediction')
    ax.set_ylabel('ground truth')
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    return path
