"""``petseg fix-labels``'s options, declared once (:mod:`practicum_work.core.options`).

:class:`FixLabelsSettings` is the command line, the plan's ``settings`` echo and the docs'
option table. Its parts are dataclass bases, so the steps take exactly what they use without
a second declaration (:func:`~practicum_work.core.options.view`): :class:`MaskPolicies` (what
to do with each kind of finding: the scan and the plan), :class:`SpeciesSettings` (the species
classifier and its thresholds), :class:`FixLabelsIO` (where to read and write). Standard
library only: ``petseg --help`` imports it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, get_args

from practicum_work.core import common_options as common
from practicum_work.core.errors import PetsegError
from practicum_work.core.options import option
from practicum_work.data.checks.settings import CheckSettings, min_fg_share

# P(other species) a swap needs, per classifier (self: in every fold draw); measured in
# benchmarks/bench_label_fix.py.
DEFAULT_SWAP_THRESHOLD: dict[str, float] = {'self': 0.95, 'imagenet': 0.9}
TEST_SPLIT = 'test'

Classifier = Literal['auto', 'self', 'imagenet']
EmptyPolicy = Literal['drop', 'review']
StrayPolicy = Literal['ignore', 'background']
SizePolicy = Literal['drop', 'resize']
MixedPolicy = Literal['review', 'per-component']


def _swap_default() -> str:
    return ', '.join(f'{v} {k}' for k, v in DEFAULT_SWAP_THRESHOLD.items()) + (
        ' (self: in every fold draw)'
    )


@dataclass
class FixLabelsIO:
    """Where fix-labels reads and writes, and how."""

    data_root: Path | None = option(
        None, help="dataset root (img/, labels/); with --apply, default the plan's"
    )
    out: Path | None = option(None, help='cleaned copy, e.g. data/<name>_clean_v1')
    dry_run: bool = option(False, help='write plan.json + contact sheets only, change nothing')
    plan_dir: Path | None = option(
        None, help='dry-run output folder', default_text='work_dirs/label_fix/<name>'
    )
    apply: Path | None = option(
        None,
        metavar='PLAN',
        help="write --out from a dry run's plan (its folder or plan.json) and the "
        'decisions.json beside it (or --decisions), exactly, without scanning or classifying '
        'again; refused when the data changed since the dry run or an option set (to other '
        'than its default) contradicts the plan',
    )
    decisions: Path | None = option(
        None,
        help='decisions.json from petseg review: each human decision overrides the automatic '
        'one (with --apply: default the decisions.json beside the plan)',
    )
    relabel_export: Path | None = option(
        None,
        metavar='DIR',
        help='write the samples marked "needs relabelling" (palette PNG masks + a CVAT '
        'Segmentation mask 1.1 export) for an annotation tool; petseg import-relabelled reads '
        'them back',
    )
    copy: bool = option(False, help='copy unchanged files', default_text='hard links')
    workers: int | None = common.workers()
    overwrite: bool = common.overwrite('output')
    clearml: str | None = common.clearml()
    show_progress: bool = option(True, help='progress bars', cli=False)


@dataclass
class SpeciesSettings:
    """The species classifier and the thresholds on its P(other species)."""

    classifier: Classifier = option(
        'auto',
        help='auto: imagenet when its weights can be had (--weights, timm cache, or the hub '
        'reachable), else self; self: descriptors + logistic regression trained k-fold on this '
        'dataset; imagenet: a timm ImageNet model (falls back to self without weights)',
    )
    weights: Path | None = option(None, help='ImageNet weights file for --classifier imagenet/auto')
    imagenet_model: str = option(
        'convnext_tiny.fb_in22k_ft_in1k', help='timm model name for --classifier imagenet'
    )
    swap_threshold: float | None = option(
        None, help='P(other species) needed to swap', default_text=_swap_default()
    )
    review_threshold: float | None = option(
        None,
        help='P(other species) that sends a mask to review',
        default_text='auto: per group of animals, the lowest level >= 0.5 at which at least '
        'half of the masks sent are estimated to be swaps',
    )
    folds: int = option(5, help='cross-validation folds of the self classifier')
    seed: int = common.seed('fold draws, vocabulary')

    def swap_threshold_for(self, used: str) -> float:
        """The swap threshold for the classifier ``used`` (self or imagenet)."""
        return self.swap_threshold or DEFAULT_SWAP_THRESHOLD[used]


@dataclass
class MaskPolicies:
    """What fix-labels does with each kind of finding (the kinds: docs/eda.md)."""

    min_fg_share: float = min_fg_share()
    empty_policy: EmptyPolicy = option(
        'drop', help='empty or tiny masks: drop from the copy, or keep and list for relabelling'
    )
    stray_policy: StrayPolicy = option(
        'ignore', help='mask values outside 0/1/2/255 become 255 (ignore) or 0 (background)'
    )
    size_policy: SizePolicy = option(
        'drop', help='mask size != image size: drop, or resize (nearest neighbour)'
    )
    mixed_policy: MixedPolicy = option(
        'review',
        help='masks with both species and a disagreeing component: review, or swap the '
        'confidently wrong components (per-component)',
    )
    fix_test: bool = option(
        False, help='also swap and drop in the test split', default_text='report only'
    )

    @property
    def report_only_splits(self) -> tuple[str, ...]:
        """Splits where swaps and drops are only suggested (reviews)."""
        return () if self.fix_test else (TEST_SPLIT,)


@dataclass
class FixLabelsSettings(MaskPolicies, SpeciesSettings, FixLabelsIO):
    """Everything ``petseg fix-labels`` can be told (see its ``--help``)."""

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, str) and 'Path' in str(f.type) and value:
                setattr(self, f.name, Path(value))
        CheckSettings.of(self)  # the thresholds, checked
        for name in ('swap_threshold', 'review_threshold'):
            value = getattr(self, name)
            if value is not None and not 0.5 <= value <= 1.0:
                flag = '--' + name.replace('_', '-')
                raise PetsegError(f'{flag} must be between 0.5 and 1, got {value}')
        for name, kind in (
            ('classifier', Classifier),
            ('empty_policy', EmptyPolicy),
            ('stray_policy', StrayPolicy),
            ('size_policy', SizePolicy),
            ('mixed_policy', MixedPolicy),
        ):
            if getattr(self, name) not in get_args(kind):
                choices = ', '.join(get_args(kind))
                raise PetsegError(f'unknown {name} {getattr(self, name)!r} ({choices})')


PLAN_PARTS: tuple[type, ...] = (SpeciesSettings, MaskPolicies)


def default_of(settings: type, name: str):
    """The default of the option ``name`` of ``settings`` (for a step's own dataclass, so that
    the default is declared once)."""
    return next(f.default for f in dataclasses.fields(settings) if f.name == name)


def plan_option_names() -> list[str]:
    """The fields that shape a plan (what ``--apply`` checks against the plan's settings)."""
    return [f.name for part in PLAN_PARTS for f in dataclasses.fields(part)]


def options_given(settings: FixLabelsSettings) -> dict[str, object]:
    """The plan-shaping options set to something other than their default, by field name."""
    given = {}
    for part in PLAN_PARTS:
        for f in dataclasses.fields(part):
            default = f.default if f.default is not dataclasses.MISSING else None
            value = getattr(settings, f.name)
            if value != default:
                given[f.name] = value
    return given
