"""``petseg fix-labels`` end to end: scan, judge species, plan, then a dry run or a cleaned copy."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from practicum_work import __version__
from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.core.layout import DEMO_DATA_HINT, find_splits, pair_split
from practicum_work.core.paths import default_plan_dir
from practicum_work.core.progress import ordered_map
from practicum_work.data.label_fix.human_decisions import apply_decisions_file
from practicum_work.data.label_fix.judged_groups import (
    POOL,
    JudgedGroup,
    group_names,
    judge_groups,
)
from practicum_work.data.label_fix.plan import (
    PlanItem,
    PolicySettings,
    plan_item,
    review_order,
    summarise,
)
from practicum_work.data.label_fix.sample_scan import (
    SampleScan,
    ScanSettings,
    learn_dataset_vocabulary,
    resolve_min_fg_pixels,
    scan_jobs,
    scan_sample,
)
from practicum_work.data.label_fix.species_classifier_self import (
    SelfClassifierSettings,
    SpeciesJudgement,
    TooFewRegionsError,
    judge_species,
)
from practicum_work.data.label_fix.split_guard import emptied_split_message
from practicum_work.data.label_fix.swap_detection import (
    SpeciesVerdict,
    SwapSettings,
    judge_mask,
    region_evidence,
)

DECISIONS_FILE = 'decisions.json'  # petseg review writes it next to plan.json
# self: every fold draw must reach it (see swap_detection); measured in bench_label_fix.py
DEFAULT_SWAP_THRESHOLD = {'self': 0.95, 'imagenet': 0.9}
TEST_SPLIT = 'test'


@dataclass
class FixLabelsSettings:
    """Everything ``petseg fix-labels`` can be told (see its ``--help``)."""

    data_root: Path
    out: Path | None = None
    dry_run: bool = False
    plan_dir: Path | None = None
    classifier: str = 'auto'  # auto | self | imagenet
    weights: Path | None = None
    imagenet_model: str = 'convnext_tiny.fb_in22k_ft_in1k'
    min_fg_pixels: int | None = None
    policies: PolicySettings = field(default_factory=PolicySettings)
    swap_threshold: float | None = None
    review_threshold: float | None = None  # None: adaptive per group (see review_level)
    fix_test: bool = False
    folds: int = 5
    seed: int = 0
    workers: int | None = None
    overwrite: bool = False
    copy: bool = False
    show_progress: bool = True
    decisions: Path | None = None  # decisions.json of petseg review: human decisions win
    relabel_export: Path | None = None  # samples marked for relabelling, for annotation tools


@dataclass
class Plan:
    """The result of judging a dataset: settings, classifier summary, items, counts."""

    data_root: str
    settings: dict
    classifier: dict
    items: list[PlanItem]
    summary: dict

    def head(self) -> dict:
        """The plan without its items (the top of plan.json and manifest.json)."""
        return {
            'petseg_version': __version__,
            'data_root': self.data_root,
            'settings': self.settings,
            'classifier': self.classifier,
            'summary': self.summary,
        }

    def to_json(self) -> dict:
        """The whole plan as JSON data; ``review_order``: the review items, strongest first."""
        return {
            **self.head(),
            'review_order': review_order(self.items),
            'items': [asdict(i) for i in self.items],
        }


@dataclass
class FixLabelsResult:
    """What a run wrote."""

    plan: Plan
    plan_dir: Path | None = None
    contact_sheets: list[Path] = field(default_factory=list)
    out: Path | None = None
    manifest: dict | None = None


def _check_paths(settings: FixLabelsSettings) -> None:
    root = Path(settings.data_root)
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist ({DEMO_DATA_HINT})')
    if not find_splits(root):
        raise DataLayoutError(f'{root} has no img/<split> folders (expected {root}/img/train, ...)')
    if settings.classifier not in ('auto', *DEFAULT_SWAP_THRESHOLD):
        raise PetsegError(f'unknown classifier {settings.classifier!r} (auto, self or imagenet)')
    outputs = []
    if settings.dry_run:
        outputs.append(Path(settings.plan_dir or default_plan_dir(root)))
    else:
        if settings.out is None:
            raise PetsegError('--out is required unless --dry-run')
        outputs.append(Path(settings.out))
    if settings.relabel_export is not None:
        outputs.append(Path(settings.relabel_export))
    if settings.decisions is not None and not Path(settings.decisions).is_file():
        raise DataLayoutError(
            f'decisions file {settings.decisions} does not exist (petseg review writes it)'
        )
    _check_outputs(outputs, root, settings.overwrite)


def _check_outputs(outputs: list[Path], root: Path, overwrite: bool) -> None:
    """Outputs outside the input, not around it, and new unless ``overwrite``."""
    for out in outputs:
        check_output_outside(out, root)
        if root.resolve().is_relative_to(out.resolve()):
            raise PetsegError(f'output {out} contains the input {root}; choose another folder')
        if out.exists() and not overwrite:
            raise OutputExistsError(f'{out} already exists; pass --overwrite to replace it')


def _load_classifier(settings: FixLabelsSettings, log: Callable[[str], None]):
    """The ImageNet classifier, or None for ``self``; and a note when a fallback happened.

    ``auto`` takes ``imagenet`` when weights can be had (a ``--weights`` file, timm's cache or
    a reachable hub), else ``self``, and says which and why in one line.
    """
    if settings.classifier == 'self':
        return None, None
    from practicum_work.data.label_fix.species_classifier_imagenet import (
        WeightsUnavailableError,
        load_imagenet_classifier,
        weights_availability,
    )

    if settings.classifier == 'auto':
        available, why = weights_availability(settings.imagenet_model, settings.weights)
        if not available:
            log(f'classifier: auto -> self ({why})')
            return None, f'auto chose self: {why}'
    try:
        classifier = load_imagenet_classifier(settings.imagenet_model, settings.weights)
    except WeightsUnavailableError as err:
        note = (
            f'ImageNet weights for {settings.imagenet_model} cannot be downloaded ({err}); '
            'using the self classifier (or pass --weights PATH)'
        )
        log(f'warning: {note[:300]}')
        return None, note
    if settings.classifier == 'auto':
        log(f'classifier: auto -> imagenet ({why})')
    return classifier, None


def _judge(
    settings: FixLabelsSettings,
    scans: list[SampleScan],
    imagenet,
    log: Callable[[str], None],
) -> tuple[SpeciesJudgement | None, list[tuple[int, int]], str | None]:
    """Species probabilities for every region; None (and why) when they cannot be had."""
    index = [(s, r) for s, scan in enumerate(scans) for r in range(len(scan.regions))]
    if not index:
        return None, index, 'no mask has a region large enough to judge'
    if imagenet is not None:
        from practicum_work.data.label_fix.species_classifier_imagenet import (
            judge_species_imagenet,
        )

        items = [(scans[s].image, scans[s].regions) for s in sorted({s for s, _ in index})]
        return judge_species_imagenet(imagenet, Path(settings.data_root), items), index, None
    features = np.stack([scans[s].features[r] for s, r in index])
    labels = np.array([scans[s].regions[r].label for s, r in index])
    groups = np.array([s for s, _ in index])
    classifier = SelfClassifierSettings(folds=settings.folds, seed=settings.seed)
    try:
        return judge_species(features, labels, groups, _pool(scans, index), classifier), index, None
    except TooFewRegionsError as err:
        log(f'warning: species check skipped: {err}')
        return None, index, f'species check skipped: {err}'


def _pool(scans: list[SampleScan], index: list[tuple[int, int]]) -> np.ndarray:
    """The single-species train/val regions: what the self classifier learns from."""
    return np.array(
        [scans[s].split != TEST_SPLIT and scans[s].regions[r].scope == 'image' for s, r in index]
    )


def _blocked(group: JudgedGroup, used: str) -> str | None:
    """Why nothing may be swapped in ``group`` on the classifier's word, or None."""
    if group.reliable:
        return None
    where = 'this dataset' if group.name == POOL else f'the {group.name} split'
    return (
        f'the {used} classifier is not reliable on {where} '
        f'({"; ".join(group.reliability["failed"])})'
    )


def _verdicts(
    judgement: SpeciesJudgement,
    scans: list[SampleScan],
    index: list[tuple[int, int]],
    swap: SwapSettings,
    groups: dict[str, JudgedGroup],
    used: str,
) -> dict[int, SpeciesVerdict]:
    """One species verdict per judged scan, by its group's rules, with each region's evidence."""
    evidence: dict[int, list] = {}
    group_of: dict[int, JudgedGroup] = {}
    for group in groups.values():
        for row in group.rows:
            group_of.setdefault(index[row][0], group)
    for row, (s, r) in enumerate(index):
        p_animal = None if judgement.p_animal is None else judgement.p_animal[row]
        fold = None if judgement.fold is None else judgement.fold[row]
        draws = None if judgement.p_dog_draws is None else judgement.p_dog_draws[:, row]
        evidence.setdefault(s, []).append(
            region_evidence(scans[s].regions[r], judgement.p_dog[row], fold, p_animal, draws)
        )
    verdicts = {}
    for s, ev in evidence.items():
        group = group_of[s]
        rules = replace(swap, review_threshold=group.level.level)
        verdicts[s] = judge_mask(scans[s].regions, ev, rules, _blocked(group, used))
    return verdicts


def _scan_all(
    jobs: list, scan_settings: ScanSettings, settings: FixLabelsSettings
) -> list[SampleScan]:
    """Scan every sample; for the ``self`` classifier, learn the visual words first."""
    quiet = dict(workers=settings.workers, show_progress=settings.show_progress)
    if not scan_settings.features:
        return list(ordered_map(scan_sample, jobs, description='scanning', **quiet))
    vocabulary = learn_dataset_vocabulary(jobs, settings.seed, **quiet)
    with tempfile.TemporaryDirectory(prefix='petseg-words-') as folder:
        if vocabulary is not None:
            path = Path(folder) / 'vocabulary.npy'
            np.save(path, vocabulary)
            scan_settings = replace(scan_settings, vocabulary=str(path))
            jobs = [(*job[:-1], scan_settings) for job in jobs]
        return list(ordered_map(scan_sample, jobs, description='scanning', **quiet))


def _classify(
    settings: FixLabelsSettings,
    scans: list[SampleScan],
    imagenet,
    swap: SwapSettings,
    log: Callable[[str], None],
) -> tuple[dict, dict[int, SpeciesVerdict]]:
    """Judge the species, measure the classifier per group, give every judged scan its verdict."""
    used = 'imagenet' if imagenet is not None else 'self'
    info: dict = {'requested': settings.classifier, 'used': used}
    judgement, index, skipped = _judge(settings, scans, imagenet, log)
    if judgement is None:
        info.update(skipped=skipped, reliable=True)
        return info, {}
    info.update(judgement.info)
    labels = np.array([scans[s].regions[r].label for s, r in index])
    splits = np.array([scans[s].split for s, _ in index])
    groups = judge_groups(
        judgement.p_dog, labels, group_names(splits, _pool(scans, index)), settings.review_threshold
    )
    pool = groups.get(POOL) or next(iter(groups.values()))
    info['reliability'] = pool.reliability
    info['agreement_with_labels'] = pool.reliability['measures']['agreement']
    info['reliable'] = pool.reliable
    info['groups'] = {name: group.to_json() for name, group in groups.items()}
    for group in groups.values():
        blocked = _blocked(group, used)
        if blocked and group.measured:
            log(f'warning: {blocked}: nothing is swapped on its word, suspected swaps go to review')
    return info, _verdicts(judgement, scans, index, swap, groups, used)


def build_plan(settings: FixLabelsSettings, log: Callable[[str], None] = print) -> Plan:
    """Scan the dataset, judge species and decide about every sample; writes nothing."""
    _check_paths(settings)
    root = Path(settings.data_root)
    imagenet, fallback_note = _load_classifier(settings, log)
    used = 'imagenet' if imagenet is not None else 'self'
    scan_settings = ScanSettings(
        min_fg_pixels=settings.min_fg_pixels,
        stray_policy=settings.policies.stray_policy,
        size_policy=settings.policies.size_policy,
        features=used == 'self',
    )
    pairings = [pair_split(root, split) for split in find_splits(root)]
    jobs = scan_jobs(root, pairings, scan_settings)
    if not jobs:
        splits = ', '.join(p.split for p in pairings)
        raise DataLayoutError(
            f'no image or mask file in {root}/img/<split> or {root}/labels/<split> '
            f'(splits {splits}): nothing to check'
        )
    scans = _scan_all(jobs, scan_settings, settings)
    swap = SwapSettings(
        swap_threshold=settings.swap_threshold or DEFAULT_SWAP_THRESHOLD[used],
        review_threshold=settings.review_threshold or 0.5,
        mixed_policy=settings.policies.mixed_policy,
    )
    classifier_info, verdicts = _classify(settings, scans, imagenet, swap, log)
    if fallback_note:
        classifier_info['fallback'] = fallback_note
    policies = settings.policies
    if settings.fix_test:
        policies = PolicySettings(**{**asdict(policies), 'report_only_splits': ()})
    items = []
    for s, scan in enumerate(scans):
        shape = scan.image_size or scan.mask_size or (0, 0)
        min_pixels = resolve_min_fg_pixels(settings.min_fg_pixels, shape[::-1])
        items.append(plan_item(scan, verdicts.get(s), policies, min_pixels))
    if settings.decisions is not None:
        apply_decisions_file(items, settings.decisions, root)
    settings_json = {
        'classifier': settings.classifier,
        'imagenet_model': settings.imagenet_model,
        'weights': None if settings.weights is None else str(settings.weights),
        'min_fg_pixels': settings.min_fg_pixels or 'auto (0.2% of the image area, >= 16)',
        **asdict(policies),
        'swap_threshold': swap.swap_threshold,
        'review_threshold': settings.review_threshold or 'auto',
        'fix_test': settings.fix_test,
        'folds': settings.folds,
        'seed': settings.seed,
        'decisions': None if settings.decisions is None else str(settings.decisions),
    }
    return Plan(str(root), settings_json, classifier_info, items, summarise(items))


def _guard_splits(plan: Plan, root: Path, dry_run: bool, log: Callable[[str], None]) -> None:
    """Refuse a copy that would empty a split (or drop more than half of it); warn in a dry run."""
    message = emptied_split_message(plan.items, root)
    if message is None:
        return
    if dry_run:
        log(f'warning: {message}; fix-labels --out would refuse to write this copy')
        return
    raise PetsegError(f'{message}; nothing was written')


def _write_copy(
    plan: Plan,
    root: Path,
    out: Path,
    settings: FixLabelsSettings | ApplyPlanSettings,
    extra_head: dict | None = None,
) -> dict:
    """The relabelling export (if asked for), then the cleaned copy; returns its manifest."""
    from practicum_work.data.label_fix.apply import write_clean_copy

    if settings.relabel_export is not None:
        from practicum_work.data.label_fix.relabel_export import write_relabel_export

        write_relabel_export(root, plan.items, settings.relabel_export, settings.overwrite)
    return write_clean_copy(
        root,
        out,
        plan.items,
        {**plan.head(), **(extra_head or {}), 'out': str(out)},
        overwrite=settings.overwrite,
        copy=settings.copy,
        workers=settings.workers,
        show_progress=settings.show_progress,
    )


def run_fix_labels(
    settings: FixLabelsSettings, log: Callable[[str], None] = print
) -> FixLabelsResult:
    """Build the plan, then write the dry-run report or the cleaned copy."""
    from practicum_work.data.label_fix.contact_sheet import write_contact_sheets

    plan = build_plan(settings, log)
    root = Path(settings.data_root)
    _guard_splits(plan, root, settings.dry_run, log)
    if settings.dry_run:
        if settings.relabel_export is not None:
            from practicum_work.data.label_fix.relabel_export import write_relabel_export

            write_relabel_export(root, plan.items, settings.relabel_export, settings.overwrite)
        plan_dir = Path(settings.plan_dir or default_plan_dir(root))
        with atomic_output_dir(plan_dir, overwrite=settings.overwrite) as tmp:
            (tmp / 'plan.json').write_text(json.dumps(plan.to_json(), indent=2) + '\n')
            kept = plan_dir / DECISIONS_FILE  # a rerun never loses what a person decided
            if kept.is_file():
                shutil.copy2(kept, tmp / DECISIONS_FILE)
            sheets = write_contact_sheets(
                root,
                plan.items,
                tmp,
                workers=settings.workers,
                show_progress=settings.show_progress,
            )
        return FixLabelsResult(plan, plan_dir, [plan_dir / p.name for p in sheets])
    out = Path(settings.out)
    manifest = _write_copy(plan, root, out, settings)
    return FixLabelsResult(plan, out=out, manifest=manifest)


@dataclass
class ApplyPlanSettings:
    """``petseg fix-labels --apply PLAN --out OUT``: what the saved plan does not fix itself."""

    plan: Path  # a dry-run folder or its plan.json
    out: Path
    data_root: Path | None = None  # default: the plan's
    decisions: Path | None = None  # default: decisions.json beside the plan, if there is one
    options: dict = field(default_factory=dict)  # plan options given with --apply, checked
    relabel_export: Path | None = None
    overwrite: bool = False
    copy: bool = False
    workers: int | None = None
    show_progress: bool = True


def apply_saved_plan(
    settings: ApplyPlanSettings, log: Callable[[str], None] = print
) -> FixLabelsResult:
    """Write the cleaned copy a reviewed dry-run plan describes, without judging anything again.

    The plan's items and the person's decisions are applied exactly; a plan made on other data
    or with other options is refused (see :mod:`.saved_plan`).
    """
    from practicum_work.data.label_fix.saved_plan import (
        check_files,
        check_options,
        decisions_to_apply,
        read_plan,
    )

    saved = read_plan(settings.plan)
    check_options(saved, settings.options)
    root = Path(settings.data_root or saved.document['data_root'])
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist ({saved.path} judged it)')
    outputs = [Path(settings.out)]
    if settings.relabel_export is not None:
        outputs.append(Path(settings.relabel_export))
    _check_outputs(outputs, root, settings.overwrite)
    decisions = decisions_to_apply(saved, settings.decisions)
    if decisions is not None and not Path(decisions).is_file():
        raise DataLayoutError(
            f'decisions file {decisions} does not exist (petseg review writes it)'
        )
    check_files(saved, root, settings.workers, settings.show_progress)
    items = saved.items
    plan_settings = dict(saved.settings)
    if decisions is not None:
        apply_decisions_file(items, decisions, root)
        plan_settings['decisions'] = str(decisions)
        log(f'decisions: {decisions}')
    document = saved.document
    plan = Plan(str(root), plan_settings, document.get('classifier', {}), items, summarise(items))
    _guard_splits(plan, root, False, log)
    head = {'applied_plan': str(saved.path)}
    manifest = _write_copy(plan, root, Path(settings.out), settings, head)
    return FixLabelsResult(plan, out=Path(settings.out), manifest=manifest)
