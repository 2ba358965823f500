"""The EDA plots (matplotlib, Agg backend), drawn from the report's statistics only."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from practicum_work.core.classes import CLASSES, PALETTE

PLOT_FILES: tuple[str, ...] = ('class_shares.png', 'foreground_share_hist.png', 'image_sizes.png')


def _pyplot():
    import matplotlib

    matplotlib.use('Agg')
    import matplotlib.pyplot as plt

    return plt


def _colour(index: int) -> tuple[float, float, float]:
    rgb = np.array(PALETTE[index], float) / 255
    return tuple(np.clip(rgb, 0.15, 0.9))  # keep black background visible on white


def _save(plt, fig, path: Path) -> None:
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.14, top=0.9, wspace=0.25)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_class_shares(statistics: dict[str, dict], path: Path) -> None:
    """Bars per split: pixel share of each class (255 excluded) and images containing it."""
    plt = _pyplot()
    splits = list(statistics)
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    x = np.arange(len(splits))
    width = 0.8 / len(CLASSES)
    for i, name in enumerate(CLASSES):
        shares = [statistics[s]['class_pixel_share'][name] for s in splits]
        images = [statistics[s]['images_with_class'][name] for s in splits]
        offset = (i - (len(CLASSES) - 1) / 2) * width
        axes[0].bar(x + offset, shares, width, label=name, color=_colour(i))
        axes[1].bar(x + offset, images, width, label=name, color=_colour(i))
        for xi, share in zip(x + offset, shares):
            axes[0].text(xi, share, f'{share:.1%}', ha='center', va='bottom', fontsize=7)
    axes[0].set_title('pixel share per class (255 excluded)')
    axes[0].set_ylabel('share of labelled pixels')
    axes[1].set_title('masks containing the class')
    axes[1].set_ylabel('masks')
    for ax in axes:
        ax.set_xticks(x, splits)
        ax.legend(fontsize=8)
    _save(plt, fig, path)


def plot_foreground_histogram(statistics: dict[str, dict], path: Path) -> None:
    """Histogram of the per-mask foreground share, one step line per split."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6.5, 3.8))
    for split, stats in statistics.items():
        hist = stats['foreground_share']['histogram']
        edges, counts = np.array(hist['bin_edges']), np.array(hist['counts'])
        fraction = counts / max(1, counts.sum())
        ax.stairs(fraction, edges, label=f'{split} ({counts.sum()} masks)', linewidth=1.5)
    ax.set_xlabel('foreground share of a mask ((cat + dog) / labelled pixels)')
    ax.set_ylabel('fraction of masks')
    ax.set_title('foreground share per mask')
    ax.legend(fontsize=8)
    _save(plt, fig, path)


def plot_image_sizes(statistics: dict[str, dict], path: Path) -> None:
    """Histograms of image widths and heights per split."""
    plt = _pyplot()
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.8))
    for split, stats in statistics.items():
        sizes = [tuple(int(v) for v in key.split('x')) for key in stats['image_sizes']]
        counts = list(stats['image_sizes'].values())
        for ax, axis in zip(axes, (0, 1)):
            if sizes:
                values = [size[axis] for size in sizes]
                ax.hist(
                    values, bins=20, weights=counts, histtype='step', linewidth=1.5, label=split
                )
    for ax, name in zip(axes, ('width', 'height')):
        ax.set_xlabel(f'image {name} (px)')
        ax.set_ylabel('images')
        ax.set_title(f'image {name}s')
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=8)
    _save(plt, fig, path)


def write_plots(statistics: dict[str, dict], out_dir: Path) -> list[str]:
    """Write the three plots into ``out_dir``; return their file names."""
    plot_class_shares(statistics, out_dir / PLOT_FILES[0])
    plot_foreground_histogram(statistics, out_dir / PLOT_FILES[1])
    plot_image_sizes(statistics, out_dir / PLOT_FILES[2])
    return list(PLOT_FILES)
