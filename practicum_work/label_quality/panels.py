"""Review panels: image | given mask | out-of-fold prediction | issue map."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from practicum_work.core.colours import legend_handles, overlay_mask
from practicum_work.label_quality.scoring import (
    CONTRADICTION_CODES,
    ISSUE_COLOURS,
    colour_issue_map,
)


def save_panel(
    path: Path,
    image: np.ndarray,
    given: np.ndarray,
    predicted: np.ndarray,
    codes: np.ndarray,
    title: str,
) -> None:
    """Write one 4-column review panel as PNG (RGB arrays in, matplotlib Agg)."""
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    columns = [
        ('image', image),
        ('given mask', overlay_mask(image, given)),
        ('out-of-fold prediction', overlay_mask(image, predicted)),
        ('issue map', colour_issue_map(codes)),
    ]
    fig, axes = plt.subplots(1, 4, figsize=(13, 3.8))
    for ax, (name, picture) in zip(axes, columns):
        ax.imshow(picture)
        ax.set_title(name, fontsize=9)
        ax.axis('off')
    issues = [
        Patch(color=np.array(ISSUE_COLOURS[code]) / 255, label=name)
        for name, code in CONTRADICTION_CODES.items()
    ]
    fig.legend(
        handles=legend_handles() + issues, loc='lower center', ncol=8, fontsize=7, frameon=False
    )
    fig.suptitle(title, fontsize=10)
    fig.tight_layout(rect=(0, 0.07, 1, 0.95))
    fig.savefig(path, dpi=90)
    plt.close(fig)
