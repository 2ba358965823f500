"""A distributed run's settings are checked before anything is written (one line each)."""

from __future__ import annotations

import pytest
import torch
from mmengine.config import Config

from practicum_work.core.errors import PetsegError
from practicum_work.core.run_setup import check_launch
from practicum_work.test import test as run_test

TORCHRUN_VARIABLES = ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT')


def _cfg(launcher: str, backend: str = 'auto') -> Config:
    return Config(dict(launcher=launcher, env_cfg=dict(dist_cfg=dict(backend=backend))))


def test_launcher_pytorch_outside_torchrun_names_the_missing_variables(monkeypatch):
    for name in TORCHRUN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(PetsegError, match='RANK, WORLD_SIZE, MASTER_ADDR, MASTER_PORT not set'):
        check_launch(_cfg('pytorch'))


def test_launcher_slurm_outside_srun_is_refused(monkeypatch):
    for name in ('SLURM_PROCID', 'SLURM_NTASKS', 'SLURM_NODELIST'):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(PetsegError, match='--launcher slurm is for processes started by srun'):
        check_launch(_cfg('slurm'))


def test_nccl_without_cuda_is_one_line(monkeypatch):
    for name in TORCHRUN_VARIABLES:
        monkeypatch.setenv(name, '1')
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    with pytest.raises(PetsegError, match='backend=nccl needs CUDA GPUs'):
        check_launch(_cfg('pytorch', 'nccl'))
    check_launch(_cfg('pytorch', 'gloo'))  # named, and fine on CPU
    check_launch(_cfg('pytorch', 'auto'))
    check_launch(_cfg('none', 'nccl'))  # one process never uses the backend


def test_painting_a_distributed_test_is_refused_before_anything_is_written(monkeypatch, tmp_path):
    monkeypatch.setenv('WORLD_SIZE', '2')
    with pytest.raises(PetsegError, match="paint only the first process's share"):
        run_test(
            'configs/hyp1_segformer_b0.py', tmp_path / 'iter_4.pth', show_dir=tmp_path / 'show',
            launcher='pytorch', work_dir=tmp_path / 'w',
        )  # fmt: skip
    assert list(tmp_path.iterdir()) == []
