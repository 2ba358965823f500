"""``petseg label-quality``: k-fold out-of-fold scoring, ranking, panels and proposed masks."""

from __future__ import annotations

import csv
import json
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np

from practicum_work.core.atomic import atomic_output_dir, check_output_outside
from practicum_work.core.config import short_run_options
from practicum_work.core.errors import DataLayoutError, OutputExistsError, PetsegError
from practicum_work.core.image_io import unusable_pair_reason
from practicum_work.core.layout import MASK_DIR, pair_split
from practicum_work.core.options import settings_json
from practicum_work.data.checks.label_quality import LabelQuality
from practicum_work.data.dataset_copy import copy_dataset
from practicum_work.label_quality.fold_models import (
    FoldSource,
    read_fold_source,
    train_fold_model,
)
from practicum_work.label_quality.folds import fold_members
from practicum_work.label_quality.model_check import (
    HeldoutAgreement,
    describe_weakness,
    weak_classes,
)
from practicum_work.label_quality.oof_predict import predict_heldout
from practicum_work.label_quality.panels import write_worst_panels
from practicum_work.label_quality.proposals import changed_pixels, propose_mask
from practicum_work.label_quality.scoring import image_quality
from practicum_work.label_quality.settings import LabelQualitySettings


@dataclass
class ScoredImage:
    """One image's out-of-fold label-quality evidence."""

    split: str
    stem: str
    fold: int
    score: float
    contradicted_share: float
    dominant_contradiction: str | None
    contradiction_pixels: dict[str, int]
    flagged: bool
    meets_flag_rule: bool  # flagged unless the fold models are too weak to be trusted
    image: str
    mask: str
    rank: int = 0


@dataclass
class LabelQualityReport:
    """What ``run_label_quality`` produced."""

    report_dir: str
    images: list[ScoredImage]
    not_scored: dict[str, str]
    folds_trained: int
    folds_reused: int
    wall_time_s: float
    proposal_dir: str | None = None
    settings: dict = field(default_factory=dict)
    fold_times: list[dict] = field(default_factory=list)  # per fold: train_s, score_s, images
    heldout_iou: dict[str, float | None] = field(default_factory=dict)
    weak_classes: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[ScoredImage]:
        """Flagged images, worst first."""
        return [image for image in self.images if image.flagged]


def scorable_pairs(
    data_root: Path, splits: list[str]
) -> tuple[dict[str, tuple[Path, Path]], dict[str, str]]:
    """``split/stem`` -> (image, mask) of the samples that can be scored; the others' reasons."""
    usable, skipped = {}, {}
    for split in splits:
        pairing = pair_split(data_root, split)
        if not pairing.mask_dir.is_dir():
            raise DataLayoutError(f'mask folder {pairing.mask_dir} does not exist')
        for path in pairing.images_without_mask + pairing.ambiguous_images:
            skipped[f'{split}/{path.stem}'] = 'no (unique) mask'
        for pair in pairing.pairs:
            reason = unusable_pair_reason(pair.image_path, pair.mask_path)
            if reason:
                skipped[f'{split}/{pair.stem}'] = reason
            else:
                usable[f'{split}/{pair.stem}'] = (pair.image_path, pair.mask_path)
    return usable, skipped


def scorable_samples(data_root: Path, splits: list[str]) -> tuple[list[str], dict[str, str]]:
    """``split/stem`` ids that can be scored, and the others with the reason."""
    usable, skipped = scorable_pairs(data_root, splits)
    return list(usable), skipped


def _train_fold(
    index: int,
    members: list[str],
    all_ids: list[str],
    source: FoldSource,
    fold_dir: Path,
    settings: LabelQualitySettings,
) -> tuple[Path, dict[str, Path], bool]:
    """Train (or reuse) the model of one fold; return its config, held-out lists, reused flag."""
    options = short_run_options(
        source.config,
        iters=settings.iters,
        crop=settings.crop,
        batch_size=settings.batch_size,
        lr=settings.lr,
        workers=settings.workers,
        seed=settings.seed + index,
    )
    model = train_fold_model(index, settings.folds, members, all_ids, source, fold_dir, options)
    return model.config, model.heldout_lists, model.reused


def _write_scores(report: Path, images: list[ScoredImage]) -> None:
    rows = [asdict(image) for image in images]
    (report / 'scores.json').write_text(json.dumps(rows, indent=2))
    columns = [
        'rank',
        'split',
        'stem',
        'score',
        'contradicted_share',
        'dominant_contradiction',
        'flagged',
        'meets_flag_rule',
        'fold',
    ]
    with (report / 'scores.csv').open('w', newline='') as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction='ignore')
        writer.writeheader()
        writer.writerows(rows)


def _write_findings(report: Path, images: list[ScoredImage]) -> None:
    """findings.json: the images that meet the flag rule, as the one record (core.findings)."""
    findings = LabelQuality.findings([asdict(image) for image in images], report)
    text = json.dumps([finding.to_json() for finding in findings], indent=2)
    (report / 'findings.json').write_text(text)


def _check_inputs(
    data_root: Path, config: Path, out: Path, propose_out: Path | None, overwrite: bool
) -> None:
    """Refuse bad paths now, not after training every fold."""
    if not config.is_file():
        raise PetsegError(f'config file {config} does not exist')
    if not data_root.is_dir():
        raise DataLayoutError(f'data root {data_root} does not exist')
    check_output_outside(out, data_root)
    if propose_out is not None:
        check_output_outside(propose_out, data_root)
        if propose_out.exists() and not overwrite:
            raise OutputExistsError(f'{propose_out} already exists; pass --overwrite to replace it')


@dataclass
class _Scoring:
    """What the folds' held-out predictions add up to while the report is written."""

    images: list[ScoredImage] = field(default_factory=list)
    proposals: dict[str, np.ndarray] = field(default_factory=dict)
    changes: dict[str, dict[str, int]] = field(default_factory=dict)
    agreement: HeldoutAgreement = field(default_factory=HeldoutAgreement)
    fold_times: list[dict] = field(default_factory=list)
    trained: int = 0
    reused: int = 0


def _score_prediction(
    prediction, split: str, fold: int, data_root: Path, report: Path, settings, scoring: _Scoring
) -> None:
    """Score one held-out image: issue map, prediction, proposal, and its ScoredImage."""
    quality, codes = image_quality(
        prediction.probs, prediction.gt, settings.temperature, settings.confidence
    )
    meets_rule = quality.contradicted_share >= settings.flag_share
    name = f'{split}_{prediction.stem}.png'
    cv2.imwrite(str(report / 'issue_maps' / name), codes)
    predicted = prediction.probs.argmax(axis=0).astype(np.uint8)
    scoring.agreement.update(predicted, prediction.gt)
    cv2.imwrite(str(report / 'predictions' / name), predicted)
    if meets_rule:
        proposal = propose_mask(prediction.probs, prediction.gt, codes)
        relative = f'{MASK_DIR}/{split}/{prediction.stem}.png'
        scoring.proposals[relative] = proposal
        # against the label as scored (an RGB or palette file was decoded to ids)
        scoring.changes[relative] = changed_pixels(prediction.gt, proposal)
    scoring.images.append(
        ScoredImage(
            split=split,
            stem=prediction.stem,
            fold=fold,
            score=round(quality.score, 6),
            contradicted_share=round(quality.contradicted_share, 6),
            dominant_contradiction=quality.dominant_contradiction,
            contradiction_pixels=quality.contradiction_pixels,
            flagged=meets_rule,
            meets_flag_rule=meets_rule,
            image=prediction.image_path,
            mask=str(data_root / MASK_DIR / split / f'{prediction.stem}.png'),
        )
    )


def _run_fold(index, members, sample_ids, source, out, report, settings, scoring):
    """Train (or reuse) one fold's model and score the images it held out."""
    fold_start = time.monotonic()
    data_root = source.data_root
    fold_dir = out / 'folds' / f'fold_{index}'
    fold_config, heldout, was_reused = _train_fold(
        index, members, sample_ids, source, fold_dir, settings
    )
    scoring.reused += was_reused
    scoring.trained += not was_reused
    checkpoint = fold_config.parent / f'iter_{settings.iters}.pth'
    score_start, scored_before = time.monotonic(), len(scoring.images)
    for split, prediction in predict_heldout(
        fold_config, checkpoint, heldout, settings.batch_size, 0, settings.device
    ):
        _score_prediction(prediction, split, index, data_root, report, settings, scoring)
    scoring.fold_times.append(
        {
            'fold': index,
            'train_s': None if was_reused else round(score_start - fold_start, 1),
            'score_s': round(time.monotonic() - score_start, 1),
            'images': len(scoring.images) - scored_before,
        }
    )


def _summary(settings, data_root, config, scoring, not_scored, heldout_iou, weak, trusted):
    return {
        'settings': settings_json(settings),
        'data_root': str(data_root),
        'config': str(config),
        'scored': len(scoring.images),
        'flagged': sum(image.flagged for image in scoring.images),
        'meets_flag_rule': sum(image.meets_flag_rule for image in scoring.images),
        'not_scored': not_scored,
        'folds_trained': scoring.trained,
        'folds_reused': scoring.reused,
        'fold_times': scoring.fold_times,
        'heldout_iou': heldout_iou,
        'weak_classes': weak,
        'flags_withheld': None
        if trusted
        else describe_weakness(heldout_iou, weak, settings.min_model_iou),
    }


def _finish_report(report, scoring, settings, data_root, config, not_scored):
    """Rank, apply the fold-model check, write proposals, scores, panels, summary."""
    images = scoring.images
    images.sort(key=lambda item: (item.score, item.split, item.stem))
    heldout_iou = scoring.agreement.iou()
    weak = weak_classes(heldout_iou, settings.min_model_iou)
    trusted = not weak or settings.allow_weak_models
    if not trusted:  # rank and report, but flag nothing and propose nothing
        for image in images:
            image.flagged = False
        scoring.proposals, scoring.changes = {}, {}
    for relative, proposal in scoring.proposals.items():
        split, stem = Path(relative).parent.name, Path(relative).stem
        cv2.imwrite(str(report / 'proposals' / f'{split}_{stem}.png'), proposal)
    for rank, image in enumerate(images, start=1):
        image.rank = rank
    _write_scores(report, images)
    _write_findings(report, images)
    write_worst_panels(report, images[: settings.worst_k])
    summary = _summary(settings, data_root, config, scoring, not_scored, heldout_iou, weak, trusted)
    (report / 'summary.json').write_text(json.dumps(summary, indent=2))
    return heldout_iou, weak, trusted


def run_label_quality(
    data_root: str | Path,
    config: str | Path,
    out: str | Path,
    settings: LabelQualitySettings | None = None,
    propose_out: str | Path | None = None,
    overwrite: bool = False,
) -> LabelQualityReport:
    """Score every train (+ val) image with a model that never saw it; rank, report, propose."""
    settings = settings or LabelQualitySettings()
    start = time.monotonic()
    data_root, config, out = Path(data_root), Path(config), Path(out)
    propose_out = Path(propose_out) if propose_out is not None else None
    _check_inputs(data_root, config, out, propose_out, overwrite)
    splits = ['train', 'val'] if settings.include_val else ['train']
    pairs, not_scored = scorable_pairs(data_root, splits)
    sample_ids = list(pairs)
    if len(sample_ids) < settings.folds:
        raise PetsegError(
            f'{len(sample_ids)} usable samples in {data_root} ({", ".join(splits)}) cannot make '
            f'{settings.folds} folds'
        )
    folds = fold_members(sample_ids, settings.folds, settings.seed)
    source = read_fold_source(config, data_root, pairs)
    scoring = _Scoring()
    with atomic_output_dir(out / 'report', overwrite=overwrite) as report:
        for sub in ('issue_maps', 'predictions', 'panels', 'proposals'):
            (report / sub).mkdir()
        for index, members in enumerate(folds):
            _run_fold(index, members, sample_ids, source, out, report, settings, scoring)
        heldout_iou, weak, trusted = _finish_report(
            report, scoring, settings, data_root, config, not_scored
        )
    proposal_dir = None
    if propose_out is not None and not trusted:
        raise PetsegError(
            f'{describe_weakness(heldout_iou, weak, settings.min_model_iou)}; {propose_out} was '
            f'not written (the report is in {out / "report"}). Train stronger fold models '
            '(pretrained weights, more iterations), or pass --allow-weak-models to write it '
            'anyway: the fold models are reused, so a rerun only scores'
        )
    if propose_out is not None:
        written = _write_proposals(
            data_root, propose_out, scoring.proposals, scoring.changes, scoring.images, overwrite
        )
        proposal_dir = str(written)
    return LabelQualityReport(
        report_dir=str(out / 'report'),
        images=scoring.images,
        not_scored=not_scored,
        folds_trained=scoring.trained,
        folds_reused=scoring.reused,
        wall_time_s=round(time.monotonic() - start, 1),
        proposal_dir=proposal_dir,
        settings=settings_json(settings),
        fold_times=scoring.fold_times,
        heldout_iou=heldout_iou,
        weak_classes=weak,
    )


def _write_proposals(
    data_root: Path,
    out: Path,
    proposals: dict[str, np.ndarray],
    changed: dict[str, dict[str, int]],
    images: list[ScoredImage],
    overwrite: bool,
) -> Path:
    """clean_v2: the dataset with the flagged masks replaced, and a manifest of every change."""
    by_mask = {f'{MASK_DIR}/{i.split}/{i.stem}.png': i for i in images}
    changes = []
    for relative in sorted(proposals):
        image = by_mask[relative]
        changes.append(
            {
                'mask': relative,
                'score': image.score,
                'dominant_contradiction': image.dominant_contradiction,
                'changed_pixels': changed[relative],
                'reason': 'out-of-fold prediction where confidently contradicting the given label',
            }
        )
    manifest = {'source': str(data_root), 'changed_masks': len(changes), 'changes': changes}
    extra = {'manifest.json': json.dumps(manifest, indent=2)}
    return copy_dataset(
        data_root, out, replace_masks=proposals, extra_files=extra, overwrite=overwrite
    )
