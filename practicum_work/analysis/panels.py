"""Side-by-side panels: image | ground-truth overlay | prediction overlay | error map.

Error map colours (on the dimmed grey image): **missed** = ground-truth cat/dog predicted as
background (false negative), **false alarm** = background predicted as cat/dog (false
positive), **wrong class** = cat predicted as dog or the reverse; ignored pixels (255) white.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core import image_io as sample_io
from practicum_work.core.classes import BACKGROUND, CLASSES, IGNORE_COLOR, IGNORE_INDEX, PALETTE
from practicum_work.core.colours import overlay_mask

MISSED_COLOR = (220, 20, 60)  # crimson
FALSE_ALARM_COLOR = (255, 230, 0)  # yellow
WRONG_CLASS_COLOR = (255, 0, 255)  # magenta
ERROR_LEGEND: tuple[tuple[str, tuple[int, int, int]], ...] = (
    ('missed (FN)', MISSED_COLOR),
    ('false alarm (FP)', FALSE_ALARM_COLOR),
    ('wrong class', WRONG_CLASS_COLOR),
    ('ignored', IGNORE_COLOR),
)


def read_rgb(path: str | Path) -> np.ndarray:
    """An image file as (H, W, 3) uint8 RGB."""
    image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if image is None:
        raise ValueError(f'{path}: cannot be read as an image')
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)


def read_label_map(path: str | Path, num_classes: int = len(CLASSES)) -> np.ndarray:
    """A mask file as (H, W) uint8; values that are no class become 255, as in the pipeline.

    Decoded like MMSeg's ``LoadAnnotations`` (PIL): palette masks give their indices, 16-bit
    masks their values; RGB masks with equal channels give one channel.
    """
    try:
        mask, _ = sample_io.read_label_map(path)
    except sample_io.UnreadableFileError as err:
        raise ValueError(f'{path}: cannot be read as a single-channel mask ({err})') from None
    mask = mask.astype(np.int64)
    mask[(mask >= num_classes) & (mask != IGNORE_INDEX)] = IGNORE_INDEX
    return mask.astype(np.uint8)


def error_map(image: np.ndarray, gt: np.ndarray, pred: np.ndarray) -> np.ndarray:
    """Correct pixels as a dimmed grey image; errors in the module's colours."""
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    out = np.repeat((grey * 0.45).astype(np.uint8)[..., None], 3, axis=2)
    valid = gt != IGNORE_INDEX
    gt_fg, pred_fg = valid & (gt != BACKGROUND), pred != BACKGROUND
    out[gt_fg & ~pred_fg] = MISSED_COLOR
    out[valid & (gt == BACKGROUND) & pred_fg] = FALSE_ALARM_COLOR
    out[gt_fg & pred_fg & (gt != pred)] = WRONG_CLASS_COLOR
    out[~valid] = IGNORE_COLOR
    return out


@dataclass(frozen=True)
class PanelJob:
    """What one panel shows and where it goes."""

    image_path: str
    mask_path: str
    prediction_path: str
    out_path: str
    title: str


def render_panel(job: PanelJob) -> str:
    """Write the four-view panel of ``job`` as PNG (matplotlib, Agg); return its path."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch

    image = read_rgb(job.image_path)
    gt = read_label_map(job.mask_path)
    pred = read_label_map(job.prediction_path)
    if gt.shape != image.shape[:2] or pred.shape != gt.shape:
        raise ValueError(f'{job.image_path}: image, mask and prediction sizes differ')
    views = (
        ('image', image),
        ('ground truth', overlay_mask(image, gt, alpha=0.55)),
        ('prediction', overlay_mask(image, pred, alpha=0.55)),
        ('errors', error_map(image, gt, pred)),
    )
    fig = Figure(figsize=(13, 4.0), dpi=100)
    FigureCanvasAgg(fig)
    axes = fig.subplots(1, 4)
    for ax, (name, view) in zip(axes, views):
        ax.imshow(view, interpolation='nearest')
        ax.set_title(name, fontsize=10)
        ax.axis('off')
    handles = [
        Patch(facecolor=np.asarray(c) / 255, edgecolor='0.3', label=n)
        for n, c in (*zip(CLASSES, PALETTE), *ERROR_LEGEND)
    ]
    fig.legend(handles=handles, loc='lower center', ncol=len(handles), fontsize=8, frameon=False)
    fig.suptitle(job.title, fontsize=10)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.84, bottom=0.1, wspace=0.03)
    Path(job.out_path).parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():  # a file name in a script the font lacks (e.g. CJK)
        warnings.filterwarnings('ignore', message='Glyph .* missing from')
        fig.savefig(job.out_path)
    return job.out_path
