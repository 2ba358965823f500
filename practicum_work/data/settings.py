"""The settings of the data tools: each field is a ``petseg`` option, declared only here.

One dataclass per command (demo-data, convert-oxford-pet, convert-masks, inject-noise,
class-weights, import-relabelled): its fields give the command line
(:func:`practicum_work.core.options.add_options`), the values the tool function is called
with (:func:`~practicum_work.core.options.settings_kwargs`) and the docs' option tables. The
vocabularies the choices come from (mask encodings, border modes, weighting methods, noise
presets) are declared here or in :mod:`practicum_work.data.noise_presets`, and the tools
import them. Light to import (no NumPy, OpenCV or torch): ``petseg --help`` reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from practicum_work.core import common_options as common
from practicum_work.core.options import option
from practicum_work.data.noise_presets import NOISE_PRESETS, NOISY_SPLITS, PRESETS, describe_preset

MASK_SOURCES: tuple[str, ...] = ('0-255', '0-1', 'trimap', 'rgb', 'palette')
NAME_CONVENTIONS: tuple[str, ...] = ('oxford',)
BORDER_MODES: tuple[str, ...] = ('ignore', 'pet')
CLASS_WEIGHT_METHODS: tuple[str, ...] = ('inverse', 'sqrt', 'log', 'median-freq')


@dataclass(kw_only=True)
class DemoDataSettings:
    """``petseg demo-data``: the synthetic dataset's size, seed and injected noise."""

    out: Path = option(Path('data/pets_demo'), help='output dataset root')
    seed: int = common.seed('scene and noise random seed')
    n_train: int = option(200, help='train images')
    n_val: int = option(60, help='val images')
    n_test: int = option(60, help='test images')
    size: int = option(256, help='image side in pixels')
    noise: str = option(
        'default',
        choices=NOISE_PRESETS,
        help='injected faults in train and val (default: the documented realistic mix; '
        'ground truth in <out>.noise.json, for tests and benchmarks only); none = clean',
    )
    workers: int | None = common.workers()
    overwrite: bool = common.overwrite()


@dataclass(kw_only=True)
class ConvertOxfordPetSettings:
    """``petseg convert-oxford-pet``: where the archives are, the output's size and split."""

    src: Path | None = option(
        None, help='the unpacked archives, or a torchvision root holding oxford-iiit-pet/'
    )
    download: Path | None = option(
        None,
        metavar='DIR',
        help='fetch the archives into DIR with torchvision.datasets.OxfordIIITPet '
        '(skipped when DIR already holds them), then convert',
    )
    out: Path = option(Path('data/oxford_pets'), help='output dataset root')
    size: int = option(256, help='longer image side in pixels (aspect kept)')
    border: str = option(
        'ignore',
        choices=BORDER_MODES,
        help="trimap border pixels: 255 (ignore, default) or the pet's class",
    )
    val_fraction: float = option(0.15, help='of trainval, per breed')
    seed: int = common.seed('which trainval images become val')
    include_unlisted: bool = option(
        False,
        help='also convert the images that trainval.txt and test.txt do not list, into train; '
        'their species from list.txt or else the file name (capitalised = cat, the '
        "archive's convention)",
    )
    workers: int | None = common.workers()
    overwrite: bool = common.overwrite()


@dataclass(kw_only=True)
class ConvertMasksSettings:
    """``petseg convert-masks``: the masks' encoding and what it needs to become class ids."""

    data_root: Path = common.data_root()
    out: Path = option(help='the converted copy (must not exist)', required=True)
    source: str = option(
        flag='--from',
        choices=MASK_SOURCES,
        required=True,
        help='0-255: 0 background, 255 pet (anti-aliased edges split at 128); 0-1: 0 '
        'background, 1 pet, 255 ignore; trimap: Oxford 1 pet, 2 background, 3 border; rgb: '
        'colour masks; palette: indices through --palette',
    )
    palette: str | None = option(
        None,
        metavar='ours|voc|FILE.json',
        help='rgb/palette: ours (default), voc (cat (64,0,0) / index 8, dog (64,0,128) / index '
        '12) or a JSON file {"background": X, "cat": X, "dog": X, "ignore": X}, X an [r, g, '
        'b] colour (rgb) or an index (palette), or a list of them',
    )
    species: Path | None = option(
        None,
        metavar='FILE',
        help='the species of each image: "stem,species" CSV lines (cat/dog or 1/2), or '
        "Oxford's list.txt",
    )
    species_from_name: str | None = option(
        None,
        choices=NAME_CONVENTIONS,
        help="oxford: the Oxford-IIIT Pet archive's naming, a capitalised file name is a cat, "
        'a lower-case one a dog',
    )
    binary: bool = option(
        False,
        help='write pet/background masks (0 background, 1 pet, 255 ignore) for the binary '
        'configs (configs/hyp9_segformer_b0_binary.py)',
    )
    border: str = option(
        'ignore',
        choices=BORDER_MODES,
        help='trimap border pixels: 255 (ignore, default) or the pet',
    )
    force: bool = option(
        False, help='convert even when the masks look like another encoding than --from'
    )
    workers: int | None = common.workers()
    overwrite: bool = common.overwrite()


@dataclass(kw_only=True)
class InjectNoiseSettings:
    """``petseg inject-noise``: which splits of which dataset get which preset's faults."""

    data_root: Path = common.data_root()
    out: Path = option(help='the noisy copy, e.g. data/<name>_noisy', required=True)
    seed: int = common.seed('which samples get which fault')
    preset: str = option(
        'default',
        choices=tuple(PRESETS),
        help='; '.join(f'{name}: {describe_preset(name)}' for name in PRESETS),
    )
    splits: list[str] = option(list(NOISY_SPLITS), help='splits to corrupt')
    workers: int | None = common.workers()
    overwrite: bool = common.overwrite('--out and its ground truth')


@dataclass(kw_only=True)
class ClassWeightsSettings:
    """``petseg class-weights``: which split is counted and which weighting is printed."""

    data_root: Path = common.data_root()
    split: str = option('train', help='split to count')
    method: str = option(
        'inverse',
        choices=CLASS_WEIGHT_METHODS,
        help='inverse (hyp2), sqrt (hyp3, softened), log (ENet 1/ln(1.02+share)), median-freq',
    )
    json: Path | None = option(None, help="also write every method's weights to this JSON file")
    overwrite: bool = common.overwrite('--json')
    workers: int | None = common.workers()


@dataclass(kw_only=True)
class ImportRelabelledSettings:
    """``petseg import-relabelled``: the corrected masks, their dataset and the new copy."""

    folder: Path = option(help='the --relabel-export folder, with corrected masks', positional=True)
    data_root: Path = common.data_root('the dataset the export came from')
    out: Path = option(help='the new copy, e.g. data/<name>_clean_v2', required=True)
    overwrite: bool = common.overwrite()
