"""The settings of label-quality and cross-validate: each field is an option, declared only here.

Both commands train the same fold models (``fold_members``, ``train_fold_model``), so the fold
and short-run schedule settings are one dataclass, :class:`FoldTrainingSettings`, that
:class:`LabelQualitySettings` and :class:`CrossValidateSettings` derive from. The ``*Command``
classes add what the command line also names (config, data root, output) to the settings the
tool functions take; :func:`practicum_work.core.options.view` derives those settings from
them. Light to import (no NumPy or torch): ``petseg --help`` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from practicum_work.core import common_options as common
from practicum_work.core.options import option

DEFAULT_MIN_IOU = 0.5  # held-out IoU below which the fold models are too weak for a class
DEFAULT_CONFIG = common.CONFIG_EXAMPLE  # label-quality's model when no config is given


@dataclass(kw_only=True)
class FoldTrainingSettings:
    """The folds and the short-run schedule each fold model is trained with (from scratch)."""

    folds: int = option(5, help='number of folds (k)')
    iters: int = option(400, help='training iterations per fold')
    crop: int = option(128, help='training crop (px)')
    batch_size: int = option(8, help='training images per batch')
    lr: float | None = common.lr()  # None (Python API only): the config's own
    include_val: bool = option(False, help='fold train and val together (not train alone)')
    workers: int = common.loader_workers()
    seed: int = common.seed()
    device: str = common.device()


@dataclass(kw_only=True)
class LabelQualitySettings(FoldTrainingSettings):
    """How label-quality scores, flags and proposes (its report echoes these)."""

    temperature: float = option(0.1, help='softmin temperature')
    confidence: float = option(
        0.9, help='model probability that counts as confident (flags and proposed pixels)'
    )
    flag_share: float = option(
        0.01, help='flag an image when this share of its pixels is confidently contradicted'
    )
    worst_k: int = option(12, flag='--worst', metavar='K', help='panels for the K worst images')
    min_model_iou: float = option(
        DEFAULT_MIN_IOU,
        help='held-out IoU (fold models vs given labels) below which a class counts as weak',
    )
    allow_weak_models: bool = option(
        False, help='write --propose even when a class is weak (default: refuse, report only)'
    )


@dataclass(kw_only=True)
class CrossValidateSettings(FoldTrainingSettings):
    """Cross-validation takes the fold training settings as they are (its report echoes them)."""


@dataclass(kw_only=True)
class LabelQualityCommand(LabelQualitySettings):
    """``petseg label-quality``: the settings plus the model, the dataset and the outputs."""

    config: str = common.config(DEFAULT_CONFIG)
    data_root: Path = common.data_root()
    out: Path | None = option(
        None, help='report folder (default: work_dirs/label_quality/<data root name>)'
    )
    propose: Path | None = option(None, metavar='DIR', help='write the corrected dataset copy here')
    overwrite: bool = common.overwrite('report')


@dataclass(kw_only=True)
class CrossValidateCommand(CrossValidateSettings):
    """``petseg cross-validate``: the settings plus the config, the dataset and the output."""

    config: str = common.config()
    data_root: Path = common.data_root()
    out: Path | None = option(
        None, help='report folder (default: work_dirs/cross_validate/<config>_<data root name>)'
    )
    overwrite: bool = common.overwrite('report')
