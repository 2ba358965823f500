"""Everything ``train()`` and ``test()`` (practicum_work.train, .test) decide before the Runner.

The Runner writes as soon as it exists (work dir, log folder, config copy, a tracking task),
so every check of the user's input happens here first: the config and its ``--cfg-options``
(:mod:`~practicum_work.core.config_check`), the data (:mod:`~practicum_work.core.dataset_check`)
and, for training, the work dir (:mod:`~practicum_work.core.run_dir`). Only when all pass does
an earlier run move aside (``--overwrite``). Nothing here builds a model.
"""

from __future__ import annotations

import os
import os.path as osp
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from practicum_work.core.checkpoints import is_remote
from practicum_work.core.config import load_tool_config, set_test_split
from practicum_work.core.dataset_check import check_loader_data, check_train_foreground
from practicum_work.core.errors import PetsegError
from practicum_work.core.paths import run_dir_of
from practicum_work.core.run_dir import check_new_run, move_aside

Say = Callable[[str], None]
# The end of tools/test.py's message for a split the dataset lacks ({example}: one it has).
TEST_SPLIT_HINT = 'evaluate one of those with --split, e.g. --split {example}'


@dataclass
class TrainSetup:
    """The checked config of a training run and the earlier run it replaces, if any."""

    cfg: Any
    earlier_run: list[Path] = field(default_factory=list)
    moved_to: Path | None = None


def prepare_train(
    config: str,
    cfg_options: dict | None = None,
    work_dir: str | None = None,
    launcher: str = 'none',
    resume: str | None = None,
    overwrite: bool = False,
    amp: bool = False,
    warn: Say = print,
    say: Say = print,
    edit: Callable[[Any], object] | None = None,
) -> TrainSetup:
    """The config of a training run, every check passed; an earlier run moved aside.

    ``resume``: ``'auto'`` (the latest checkpoint of the work dir) or a checkpoint file.
    ``overwrite``: start over in a work dir that holds a run (see :mod:`run_dir`).
    ``edit``: changes made to the config before it is checked (a ClearML Agent's edits), so
    that a refused edit never moves an earlier run aside.
    """
    cfg = load_tool_config(config, cfg_options, work_dir, launcher, warn=warn)
    check_launch(cfg)
    if resume == 'auto':
        cfg.resume, cfg.load_from = True, None
    elif resume is not None:
        if not osp.isfile(resume):
            raise PetsegError(f'checkpoint {resume} given to --resume does not exist')
        cfg.resume, cfg.load_from = True, resume
    if amp:
        apply_amp(cfg, warn)
    if edit is not None:
        edit(cfg)
    earlier = check_new_run(cfg.work_dir, resume is not None, overwrite)
    check_loader_data(cfg, training_loaders(cfg))
    check_train_foreground(cfg, warn)
    keep = {Path(cfg.load_from).resolve()} if cfg.get('load_from') else set()
    earlier = [p for p in earlier if p.resolve() not in keep]
    moved = move_aside(cfg.work_dir, earlier) if _main_process() else None
    setup = TrainSetup(cfg, earlier, moved)
    if setup.moved_to is not None:
        say(f'--overwrite: the earlier run of {cfg.work_dir} moved to {setup.moved_to}')
    return setup


# The variables each launcher sets for its processes (MMEngine reads them to join the group).
LAUNCHER_VARIABLES = {
    'pytorch': ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'),
    'slurm': ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'),
}
DIST_START_HINT = (
    'start it with bash tools/dist_train.sh CONFIG N (or python -m torch.distributed.run '
    '--nproc_per_node N -m practicum_work.train CONFIG --launcher pytorch)'
)


def check_launch(cfg: Any) -> None:
    """A distributed launcher's variables are there, and the backend suits the machine.

    ``--launcher pytorch`` outside torchrun (or ``slurm`` outside srun) and the NCCL backend
    on a machine without CUDA are one-line errors here, not a ``KeyError`` or a NCCL error in
    every process.
    """
    launcher = cfg.get('launcher', 'none')
    missing = [v for v in LAUNCHER_VARIABLES.get(launcher, ()) if v not in os.environ]
    if missing:
        starter = 'srun (tools/slurm_train.sh)' if launcher == 'slurm' else 'torchrun'
        raise PetsegError(
            f'--launcher {launcher} is for processes started by {starter}: '
            f'{", ".join(missing)} not set; {DIST_START_HINT}, or drop --launcher for one process'
        )
    backend = str(((cfg.get('env_cfg') or {}).get('dist_cfg') or {}).get('backend', 'auto'))
    if launcher != 'none' and backend == 'nccl':
        import torch

        if not torch.cuda.is_available():
            raise PetsegError(
                'env_cfg.dist_cfg.backend=nccl needs CUDA GPUs and none is available here: use '
                'auto (NCCL with CUDA, Gloo without) or gloo'
            )


def _main_process() -> bool:
    """Rank 0 (or no launcher): the one process of a distributed run that moves files."""
    return os.environ.get('RANK', os.environ.get('SLURM_PROCID', '0')) == '0'


def training_loaders(cfg: Any) -> list[str]:
    """The dataloaders a training run reads: train, and val when it validates."""
    loaders = ['train_dataloader']
    if cfg.get('val_cfg') and cfg.get('val_dataloader') and cfg.get('val_evaluator'):
        loaders.append('val_dataloader')
    return loaders


def apply_amp(cfg: Any, warn: Say = print) -> None:
    """Switch ``optim_wrapper`` to ``AmpOptimWrapper``; a clear error without a CUDA GPU."""
    import torch

    if not torch.cuda.is_available():
        raise PetsegError(
            '--amp needs a CUDA GPU (AmpOptimWrapper); none is available here. '
            'Run without --amp on CPU.'
        )
    optim_wrapper = cfg.optim_wrapper.type
    if optim_wrapper == 'AmpOptimWrapper':
        warn('AMP training is already enabled in your config.')
    elif optim_wrapper != 'OptimWrapper':
        raise PetsegError(f'--amp supports optim_wrapper type OptimWrapper, not {optim_wrapper}')
    else:
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.loss_scale = 'dynamic'


def prepare_test(
    config: str,
    checkpoint: str,
    cfg_options: dict | None = None,
    work_dir: str | None = None,
    launcher: str = 'none',
    split: str | None = None,
    warn: Say = print,
) -> Any:
    """The config of a test run, every check passed.

    Results go to ``work_dir``, else to the checkpoint's folder (its run), else (a remote
    checkpoint) ``work_dirs/<config name>``. ``split`` points the test dataloader at
    ``img/<split>`` and ``labels/<split>``.
    """
    if not is_remote(checkpoint) and not osp.isfile(checkpoint):
        raise PetsegError(f'checkpoint {checkpoint} does not exist')
    target = work_dir or str(run_dir_of(checkpoint, config))
    cfg = load_tool_config(config, cfg_options, target, launcher, warn=warn)
    check_launch(cfg)
    if split:
        set_test_split(cfg, split)
    check_loader_data(cfg, ['test_dataloader'], split_hint=TEST_SPLIT_HINT)
    cfg.load_from = checkpoint
    return cfg
