"""Out-of-fold class probabilities: a fold's model over its held-out samples (MMSeg APIs)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from practicum_work.analysis.inference import Prediction


def predict_heldout(
    config_path: Path,
    checkpoint: Path,
    heldout_lists: dict[str, Path],
    batch_size: int = 4,
    workers: int = 0,
    device: str = 'cpu',
    with_probs: bool = True,
    model: Any = None,
) -> Iterator[tuple[str, Prediction]]:
    """Yield ``(split, prediction with probabilities)`` per held-out image, split by split.

    The fold's model and its config's test pipeline run through
    :mod:`practicum_work.analysis.inference` (``init_model``, strict checkpoint loading,
    batched ``model.test_step``); the listed stems of each split are selected with
    PetSegDataset's ``ann_file``. ``model``: an already built fold model (else built here);
    ``with_probs=False`` skips the probabilities (cross-validate needs labels only).
    """
    from practicum_work.analysis.inference import build_model, iter_predictions, load_split_config

    if model is None:
        cfg = load_split_config(config_path, batch_size=batch_size, num_workers=workers)
        model = build_model(cfg, checkpoint, device)
    for split, listing in sorted(heldout_lists.items()):
        split_cfg = load_split_config(
            config_path, split, batch_size=batch_size, num_workers=workers
        )
        split_cfg.test_dataloader.dataset.ann_file = str(Path(listing).resolve())
        predictions = iter_predictions(
            split_cfg, model, f'held-out {split}', show_progress=False, with_probs=with_probs
        )
        for prediction in predictions:
            yield split, prediction
