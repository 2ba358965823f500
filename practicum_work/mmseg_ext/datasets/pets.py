"""PetSegDataset: the cats/dogs layout ``img/<split>`` + ``labels/<split>``, paired by stem."""

from __future__ import annotations

import os.path as osp
from pathlib import Path
from typing import ClassVar

from mmengine.logging import print_log
from mmseg.datasets import BaseSegDataset
from mmseg.registry import DATASETS

from practicum_work.core.classes import BINARY_CLASSES, CLASSES, IGNORE_INDEX, PALETTE
from practicum_work.core.dataset_check import DatasetFolders, check_split_folders
from practicum_work.core.errors import DataLayoutError
from practicum_work.core.image_io import unusable_pair_reason
from practicum_work.core.layout import IMAGE_SUFFIXES, pair_dirs

_SHOWN = 5


@DATASETS.register_module()
class PetSegDataset(BaseSegDataset):
    """Cats and dogs: classes ``background, cat, dog``, ignore index 255.

    Images (``.jpg``, ``.jpeg`` or ``.png``) pair with ``.png`` masks by file stem. As in
    MMSeg, ``ann_file`` (a text file, one stem per line, relative to ``data_root``) restricts
    the dataset to the listed samples (e.g. cross-validation folds). Pairs that
    cannot be used are left out with one warning naming them: images without a mask, masks
    without an image, and (``check_files=True``, a header-only read) unreadable files, masks
    that are not single-channel, and image/mask size mismatches. ``petseg eda`` reports all.
    ``left_out`` lists them (``'<file relative to data_root>: <reason>'``).

    ``metainfo=dict(classes=('background', 'pet'), palette=...)`` selects the binary task: the
    labels stay as loaded and ``MergePetClasses`` in the pipeline maps cat and dog to pet.
    """

    METAINFO: ClassVar[dict] = dict(classes=CLASSES, palette=[list(c) for c in PALETTE])

    def __init__(
        self,
        img_suffix: tuple[str, ...] | str = IMAGE_SUFFIXES,
        seg_map_suffix: str = '.png',
        reduce_zero_label: bool = False,
        ignore_index: int = IGNORE_INDEX,
        check_files: bool = True,
        **kwargs,
    ) -> None:
        self.check_files = check_files
        super().__init__(
            img_suffix=img_suffix,
            seg_map_suffix=seg_map_suffix,
            reduce_zero_label=reduce_zero_label,
            ignore_index=ignore_index,
            **kwargs,
        )

    @classmethod
    def get_label_map(cls, new_classes=None) -> dict | None:
        """Upstream's label map; none for ``BINARY_CLASSES`` (the pipeline merges the pets).

        Upstream refuses classes that are not a subset of ``METAINFO``'s (``pet`` is not).
        """
        if new_classes is not None and tuple(new_classes) == BINARY_CLASSES:
            return None
        return super().get_label_map(new_classes)

    def load_data_list(self) -> list[dict]:
        """List the usable image/mask pairs, sorted by stem."""
        img_dir = self.data_prefix.get('img_path', '')
        ann_dir = self.data_prefix.get('seg_map_path', '')
        # tools/*.py check this before the Runner is built; petseg commands reach it here.
        folders = DatasetFolders(str(self.data_root or ''), img_dir, ann_dir)
        check_split_folders(folders, how='--data-root PATH')
        pairing = pair_dirs(img_dir, ann_dir)
        skipped: list[str] = []
        if self.ann_file:  # only the listed samples matter (a listed one without a pair fails)
            pairing.pairs = self._listed_pairs(pairing.pairs)
        else:
            skipped += [f'{self._rel(p)}: no mask' for p in pairing.images_without_mask]
            skipped += [f'{self._rel(p)}: no image' for p in pairing.masks_without_image]
            skipped += [
                f'{self._rel(p)}: several images share its stem' for p in pairing.ambiguous_images
            ]
        data_list = []
        for pair in pairing.pairs:
            reason = (
                unusable_pair_reason(pair.image_path, pair.mask_path) if self.check_files else None
            )
            if reason:
                file = pair.image_path if reason.startswith('image unreadable') else pair.mask_path
                skipped.append(f'{self._rel(file)}: {reason}')
                continue
            data_list.append(
                dict(
                    img_path=str(pair.image_path),
                    seg_map_path=str(pair.mask_path),
                    label_map=self.label_map,
                    reduce_zero_label=self.reduce_zero_label,
                    seg_fields=[],
                )
            )
        self.left_out = skipped  # for tools that report what they did not evaluate
        if skipped:
            shown = '; '.join(skipped[:_SHOWN]) + (' ...' if len(skipped) > _SHOWN else '')
            print_log(
                f'PetSegDataset: left out {len(skipped)} of {len(skipped) + len(data_list)} '
                f'samples in {Path(img_dir).parent.parent}/*/{Path(img_dir).name} ({shown}); '
                '`petseg eda` reports every problem',
                logger='current',
                level=30,
            )
        if not data_list:
            raise DataLayoutError(f'no usable image/mask pairs in {img_dir} and {ann_dir}')
        return data_list

    def _rel(self, path: Path) -> str:
        """``path`` relative to ``data_root`` (as given when there is none)."""
        return Path(osp.relpath(path, self.data_root)).as_posix() if self.data_root else str(path)

    def _listed_pairs(self, pairs: list) -> list:
        """The pairs whose stem ``ann_file`` lists; a listed stem without a pair is an error."""
        if not osp.isfile(self.ann_file):
            raise DataLayoutError(f'ann_file {self.ann_file} does not exist')
        lines = Path(self.ann_file).read_text(encoding='utf-8').splitlines()
        wanted = {Path(line.strip()).stem for line in lines if line.strip()}
        by_stem = {pair.stem: pair for pair in pairs}
        missing = sorted(wanted - set(by_stem))
        if missing:
            raise DataLayoutError(
                f'ann_file {self.ann_file} lists {len(missing)} sample(s) without an image/mask '
                f'pair, e.g. {missing[0]}'
            )
        return [pair for pair in pairs if pair.stem in wanted]
