"""``petseg fix-labels`` end to end: scan, judge species, plan, then a dry run or a cleaned copy."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from practicum_work import __version__
from practicum_work.core.atomic import (
    atomic_output_dir,
    atomic_write_json_stream,
    check_output_outside,
)
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.core.layout import DEMO_DATA_HINT, find_splits, pair_split
from practicum_work.core.options import settings_json, view
from practicum_work.core.paths import default_plan_dir
from practicum_work.core.progress import default_workers, ordered_map
from practicum_work.data.label_fix.descriptor_store import DescriptorStore
from practicum_work.data.label_fix.human_decisions import apply_decisions_file
from practicum_work.data.label_fix.judged_groups import (
    POOL,
    JudgedGroup,
    group_names,
    judge_groups,
)
from practicum_work.data.label_fix.plan import PlanItem, plan_item, review_order, summarise
from practicum_work.data.label_fix.sample_scan import (
    SampleScan,
    ScanJob,
    learn_dataset_vocabulary,
    scan_jobs,
    scan_sample,
)
from practicum_work.data.label_fix.settings import (
    DEFAULT_SWAP_THRESHOLD,
    PLAN_PARTS,
    TEST_SPLIT,
    FixLabelsSettings,
    MaskPolicies,
    options_given,
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
    SwapRules,
    judge_mask,
    region_evidence,
)

DECISIONS_FILE = 'decisions.json'  # petseg review writes it next to plan.json
__all__ = [
    'DEFAULT_SWAP_THRESHOLD',
    'FixLabelsResult',
    'FixLabelsSettings',
    'Plan',
    'apply_saved_plan',
    'build_plan',
    'run_fix_labels',
]


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

    def write_json(self, path: Path) -> None:
        """plan.json: :meth:`to_json` as ``json.dumps(indent=2)`` writes it, one item at a time
        (at 70,000 samples the whole document would be ~300 MB of dicts and text at once)."""
        head = {**self.head(), 'review_order': review_order(self.items)}
        atomic_write_json_stream(path, head, 'items', (asdict(i) for i in self.items))


@dataclass
class FixLabelsResult:
    """What a run wrote."""

    plan: Plan
    plan_dir: Path | None = None
    contact_sheets: list[Path] = field(default_factory=list)
    out: Path | None = None
    manifest: dict | None = None


def check_mode(settings: FixLabelsSettings) -> None:
    """Options that contradict each other, in one line (before anything is read)."""
    if settings.dry_run and settings.out:
        raise PetsegError('--dry-run changes nothing and writes no --out; drop one of them')
    if settings.apply is not None:
        if settings.dry_run or settings.plan_dir:
            raise PetsegError('--apply writes the copy of a dry run already made: drop --dry-run')
        if not settings.out:
            raise PetsegError('--apply needs --out (the folder of the cleaned copy)')
    elif settings.data_root is None:
        raise PetsegError('--data-root is required (or --apply PLAN to apply a dry run)')


def _check_paths(settings: FixLabelsSettings) -> None:
    root = Path(settings.data_root)
    if not root.is_dir():
        raise DataLayoutError(f'data root {root} does not exist ({DEMO_DATA_HINT})')
    if not find_splits(root):
        raise DataLayoutError(f'{root} has no img/<split> folders (expected {root}/img/train, ...)')
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
    store: DescriptorStore | None,
    log: Callable[[str], None],
) -> tuple[SpeciesJudgement | None, list[tuple[int, int]], str | None]:
    """Species probabilities for every region; None (and why) when they cannot be had.

    The ``self`` classifier reads the regions' descriptors from ``store`` (in scan order).
    """
    index = [(s, r) for s, scan in enumerate(scans) for r in range(len(scan.regions))]
    if not index:
        return None, index, 'no mask has a region large enough to judge'
    if imagenet is not None:
        from practicum_work.data.label_fix.species_classifier_imagenet import (
            judge_species_imagenet,
        )

        items = [(scans[s].image, scans[s].regions) for s in sorted({s for s, _ in index})]
        return judge_species_imagenet(imagenet, Path(settings.data_root), items), index, None
    labels = np.array([scans[s].regions[r].label for s, r in index])
    groups = np.array([s for s, _ in index])
    classifier = SelfClassifierSettings(folds=settings.folds, seed=settings.seed)
    try:
        judgement = judge_species(
            store,
            labels,
            groups,
            _pool(scans, index),
            classifier,
            settings.workers or default_workers(),
            settings.show_progress,
        )
        return judgement, index, None
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
    settings: FixLabelsSettings,
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
        rules = SwapRules(
            settings.swap_threshold_for(used), group.level.level, settings.mixed_policy
        )
        verdicts[s] = judge_mask(scans[s].regions, ev, rules, _blocked(group, used))
    return verdicts


def _collect(scans, store: DescriptorStore | None) -> list[SampleScan]:
    """The scans as they stream in, each one's descriptors moved to ``store`` (scan order)."""
    collected = []
    for scan in scans:
        if store is not None and scan.features is not None:
            store.append(scan.features)
            scan.features = None
        collected.append(scan)
    return collected


def _scan_all(
    jobs: list[ScanJob], settings: FixLabelsSettings, store: DescriptorStore | None = None
) -> list[SampleScan]:
    """Scan every sample; for the ``self`` classifier, learn the visual words first and move
    the descriptors into ``store``."""
    quiet = dict(workers=settings.workers, show_progress=settings.show_progress)
    if not jobs or not jobs[0].features:
        return _collect(ordered_map(scan_sample, jobs, description='scanning', **quiet), store)
    vocabulary = learn_dataset_vocabulary(jobs, settings.seed, **quiet)
    with tempfile.TemporaryDirectory(prefix='petseg-words-') as folder:
        if vocabulary is not None:
            path = Path(folder) / 'vocabulary.npy'
            np.save(path, vocabulary)
            jobs = [replace(job, vocabulary=str(path)) for job in jobs]
        scans = ordered_map(scan_sample, jobs, description='scanning', **quiet)
        return _collect(scans, store)


def _classify(
    settings: FixLabelsSettings,
    scans: list[SampleScan],
    imagenet,
    store: DescriptorStore | None,
    log: Callable[[str], None],
) -> tuple[dict, dict[int, SpeciesVerdict]]:
    """Judge the species, measure the classifier per group, give every judged scan its verdict."""
    used = 'imagenet' if imagenet is not None else 'self'
    info: dict = {'requested': settings.classifier, 'used': used}
    judgement, index, skipped = _judge(settings, scans, imagenet, store, log)
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
    return info, _verdicts(judgement, scans, index, settings, groups, used)


def build_plan(settings: FixLabelsSettings, log: Callable[[str], None] = print) -> Plan:
    """Scan the dataset, judge species and decide about every sample; writes nothing."""
    _check_paths(settings)
    root = Path(settings.data_root)
    imagenet, fallback_note = _load_classifier(settings, log)
    used = 'imagenet' if imagenet is not None else 'self'
    policies = view(settings, MaskPolicies)
    pairings = [pair_split(root, split) for split in find_splits(root)]
    jobs = scan_jobs(root, pairings, policies, features=used == 'self')
    if not jobs:
        splits = ', '.join(p.split for p in pairings)
        raise DataLayoutError(
            f'no image or mask file in {root}/img/<split> or {root}/labels/<split> '
            f'(splits {splits}): nothing to check'
        )
    with tempfile.TemporaryDirectory(prefix='petseg-descriptors-') as folder:
        store = DescriptorStore(folder) if used == 'self' else None
        scans = _scan_all(jobs, settings, store)
        classifier_info, verdicts = _classify(settings, scans, imagenet, store, log)
        if store is not None:
            store.close()
    if fallback_note:
        classifier_info['fallback'] = fallback_note
    items = [plan_item(scan, verdicts.get(s), policies) for s, scan in enumerate(scans)]
    if settings.decisions is not None:
        apply_decisions_file(items, settings.decisions, root)
    echo = {
        name: value
        for part in PLAN_PARTS
        for name, value in settings_json(view(settings, part)).items()
    }
    echo.update(
        swap_threshold=settings.swap_threshold_for(used),  # as applied: a default per classifier
        report_only_splits=list(policies.report_only_splits),
        decisions=None if settings.decisions is None else str(settings.decisions),
    )
    return Plan(str(root), echo, classifier_info, items, summarise(items))


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
    settings: FixLabelsSettings,
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
    """Build the plan, then write the dry-run report or the cleaned copy (``settings.apply``:
    the copy of a saved dry run, :func:`apply_saved_plan`)."""
    from practicum_work.data.label_fix.contact_sheet import MAX_ROWS, write_contact_sheets

    check_mode(settings)
    if settings.apply is not None:
        return apply_saved_plan(settings, log)
    plan = build_plan(settings, log)
    root = Path(settings.data_root)
    _guard_splits(plan, root, settings.dry_run, log)
    if settings.dry_run:
        if settings.relabel_export is not None:
            from practicum_work.data.label_fix.relabel_export import write_relabel_export

            write_relabel_export(root, plan.items, settings.relabel_export, settings.overwrite)
        plan_dir = Path(settings.plan_dir or default_plan_dir(root))
        with atomic_output_dir(plan_dir, overwrite=settings.overwrite) as tmp:
            plan.write_json(tmp / 'plan.json')
            kept = plan_dir / DECISIONS_FILE  # a rerun never loses what a person decided
            if kept.is_file():
                shutil.copy2(kept, tmp / DECISIONS_FILE)
            flagged = sum(item.flagged for item in plan.items)
            if flagged > MAX_ROWS:
                log(
                    f'contact sheets: {MAX_ROWS} of the {flagged} flagged samples (the first '
                    'in review order); petseg review shows every one'
                )
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


def apply_saved_plan(
    settings: FixLabelsSettings, log: Callable[[str], None] = print
) -> FixLabelsResult:
    """Write the cleaned copy the reviewed dry-run plan ``settings.apply`` describes, without
    judging anything again.

    The plan's items and the person's decisions are applied exactly; a plan made on other data
    or with other options (a plan-shaping option set to other than its default and than the
    plan's setting) is refused (see :mod:`.saved_plan`).
    """
    from practicum_work.data.label_fix.saved_plan import (
        check_files,
        check_options,
        decisions_to_apply,
        read_plan,
    )

    check_mode(settings)
    saved = read_plan(settings.apply)
    check_options(saved, options_given(settings))
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
