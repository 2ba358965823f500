"""petseg's components in two CPU processes (Gloo): MMEngine's CUDA assumptions fixed, and
the evaluation and sample panels the same as in one process.

:func:`test_two_gloo_processes` runs ``dist_checks.py`` under torchrun once; each process runs
every check on its shard, as a DDP run does (a failed check shows that process's traceback).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from practicum_work.mmseg_ext import distributed
from practicum_work.mmseg_ext.distributed import resolve_backend
from tests.conftest import run_tool

WORLD = 2
CHECKS = str(Path(__file__).with_name('dist_checks.py'))


def test_auto_backend_follows_the_hardware(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    assert resolve_backend('auto') == 'gloo' and resolve_backend(None) == 'gloo'
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    assert resolve_backend('auto') == 'nccl'
    assert resolve_backend('gloo') == 'gloo'  # a named backend wins


def test_a_rank_without_a_gpu_is_one_clear_error(monkeypatch):
    from practicum_work.core.errors import PetsegError

    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'device_count', lambda: 1)
    monkeypatch.setenv('LOCAL_RANK', '1')
    with pytest.raises(PetsegError, match='LOCAL_RANK=1 has no GPU'):
        distributed._check_gpu_count('LOCAL_RANK')


def test_the_petseg_runtime_asks_for_the_auto_backend():
    from practicum_work.core.config import load_config

    cfg = load_config('configs/hyp1_segformer_b0.py')
    assert cfg.env_cfg.dist_cfg.backend == 'auto'


@pytest.mark.slow
def test_two_gloo_processes(tmp_path):
    """SyncBN, DDP of a CPU module, the metric and the sample panels in 2 CPU processes."""
    if torch.cuda.is_available():
        pytest.skip('checks the CPU path (this machine has CUDA)')
    result = run_tool(
        '-m', 'torch.distributed.run', '--nproc_per_node', str(WORLD), CHECKS, str(tmp_path),
        timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-6000:]


def test_cpu_sync_batchnorm_in_a_one_process_group(tmp_path):
    """``torchrun --nproc_per_node 1``: upstream's SyncBN refuses CPU tensors even then."""
    from mmengine.utils.dl_utils.parrots_wrapper import SyncBatchNorm
    from torch import nn

    torch.distributed.init_process_group(
        'gloo', init_method=f'file://{tmp_path / "store"}', rank=0, world_size=1
    )
    try:
        torch.manual_seed(0)
        x = torch.randn(4, 3, 5, 5) * 2 + 1
        layer, reference = SyncBatchNorm(3), nn.BatchNorm2d(3)
        assert distributed.cpu_sync_batchnorm(layer) == 1
        torch.testing.assert_close(layer(x), reference(x), rtol=1e-4, atol=1e-5)
        torch.testing.assert_close(layer.running_var, reference.running_var)
    finally:
        torch.distributed.destroy_process_group()
