"""Distributed runs on any machine: MMEngine's CUDA assumptions fixed in one place.

MMEngine 0.10.7 and torch assume every distributed process owns a CUDA GPU:

1. ``_init_dist_pytorch`` / ``_init_dist_slurm`` / ``_init_dist_mpi`` call
   ``torch.cuda.set_device(local_rank)`` unconditionally, so a CPU-only machine dies with
   "Found no NVIDIA driver" whatever the backend; and the backend is whatever the config
   says (mmseg's runtime: ``nccl``, which needs CUDA).
2. ``Runner.wrap_model`` passes ``device_ids=[LOCAL_RANK]`` to
   ``MMDistributedDataParallel``; torch refuses ``device_ids`` for a CPU module.
3. Every mmseg model base petseg uses (SegFormer, DeepLabV3+, UNet, UPerNet) normalises with
   ``SyncBN`` (``torch.nn.SyncBatchNorm``), whose training forward refuses CPU tensors once a
   process group exists.

:func:`apply_distributed_fixes` (run when ``practicum_work.mmseg_ext`` is imported) fixes them:
backend ``auto`` (petseg's runtime default) becomes NCCL when CUDA is available, else Gloo
(a named backend is used as given); without CUDA no device is selected, ``device_ids`` is
dropped for a CPU module, and the SyncBN layers of a CPU module synchronise their batch
statistics through the process group (:class:`CpuSyncBatchNorm`: the batch statistics of the
global batch, as on GPUs). With CUDA nothing changes.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import os
from collections.abc import Callable, Iterator
from typing import Any

import torch
import torch.distributed as torch_dist
from torch import nn
from torch.nn.modules.batchnorm import _BatchNorm

from practicum_work.core.errors import PetsegError

AUTO_BACKEND = 'auto'
_PATCHED = '_petseg_distributed_fix'


def resolve_backend(requested: str | None) -> str:
    """``auto`` (or None) -> ``nccl`` with CUDA, ``gloo`` without; other names unchanged."""
    if requested in (None, '', AUTO_BACKEND):
        return 'nccl' if torch.cuda.is_available() else 'gloo'
    return str(requested)


@contextlib.contextmanager
def _no_cuda_device_selection() -> Iterator[None]:
    """Without CUDA, ``torch.cuda.set_device`` does nothing while the block runs."""
    if torch.cuda.is_available():
        yield
        return
    original = torch.cuda.set_device
    torch.cuda.set_device = lambda device: None
    try:
        yield
    finally:
        torch.cuda.set_device = original


def _check_gpu_count(local_rank_variable: str) -> None:
    """One line when a node starts more processes than it has GPUs (upstream: a CUDA error)."""
    if not torch.cuda.is_available():
        return
    local_rank = os.environ.get(local_rank_variable)
    count = torch.cuda.device_count()
    if local_rank is not None and local_rank.isdigit() and int(local_rank) >= count:
        raise PetsegError(
            f'process {local_rank_variable}={local_rank} has no GPU: this machine has {count} '
            'visible CUDA device(s); start at most that many processes per node'
        )


def _fixed_init(upstream: Callable[..., None], local_rank_variable: str) -> Callable[..., None]:
    """An MMEngine ``_init_dist_*`` that resolves ``auto`` and works without CUDA."""

    @functools.wraps(upstream)
    def init(backend: str | None = AUTO_BACKEND, *args: Any, **kwargs: Any) -> None:
        _check_gpu_count(local_rank_variable)
        with _no_cuda_device_selection():
            upstream(resolve_backend(backend), *args, **kwargs)

    setattr(init, _PATCHED, True)
    return init


def patch_dist_init() -> None:
    """Replace MMEngine's ``_init_dist_pytorch``, ``_init_dist_slurm``, ``_init_dist_mpi``."""
    from mmengine.dist import utils

    for name, local_rank_variable in (
        ('_init_dist_pytorch', 'LOCAL_RANK'),
        ('_init_dist_slurm', 'SLURM_LOCALID'),
        ('_init_dist_mpi', 'OMPI_COMM_WORLD_LOCAL_RANK'),
    ):
        upstream = getattr(utils, name)
        if not getattr(upstream, _PATCHED, False):
            setattr(utils, name, _fixed_init(upstream, local_rank_variable))


class CpuSyncBatchNorm(_BatchNorm):
    """``SyncBatchNorm`` that also synchronises CPU tensors (Gloo): the global batch's statistics.

    A layer of this class is an ``nn.SyncBatchNorm`` whose class was switched by
    :func:`cpu_sync_batchnorm` (same parameters, buffers, ``process_group`` and state-dict
    keys; not a subclass of it, since torch's DDP refuses ``SyncBatchNorm`` in a CPU module).
    Off the CPU, in eval mode or without a process group it runs upstream's forward. On CPU in
    a process group (where upstream refuses CPU tensors, even for one process), the batch mean
    and variance are those of all processes' samples together (two differentiable all-reduces:
    the sums, then the squared deviations), so the gradients are those of the global batch, as
    torch's CUDA kernel computes them.
    """

    process_group: Any = None
    _check_input_dim = nn.SyncBatchNorm._check_input_dim
    _check_non_zero_input_channels = nn.SyncBatchNorm._check_non_zero_input_channels

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        """Upstream's forward, or the synchronised CPU batch norm (see the class)."""
        if input.device.type != 'cpu' or not self.training or not _distributed():
            return nn.SyncBatchNorm.forward(self, input)
        group = self.process_group or torch_dist.group.WORLD
        self._check_input_dim(input)
        self._check_non_zero_input_channels(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked)
        mean, var, count = _global_moments(input, group)
        if self.track_running_stats and self.running_mean is not None:
            with torch.no_grad():
                unbiased = var.detach() * count / max(count - 1.0, 1.0)
                self.running_mean.mul_(1 - factor).add_(mean.detach(), alpha=factor)
                self.running_var.mul_(1 - factor).add_(unbiased, alpha=factor)
        shape = (1, -1) + (1,) * (input.dim() - 2)
        out = (input - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
        if self.affine:
            out = out * self.weight.view(shape) + self.bias.view(shape)
        return out


def _distributed() -> bool:
    return torch_dist.is_available() and torch_dist.is_initialized()


class _SumOverProcesses(torch.autograd.Function):
    """All-reduce (sum) whose gradient is the all-reduced gradient (every process's loss)."""

    @staticmethod
    def forward(ctx: Any, tensor: torch.Tensor, group: Any) -> torch.Tensor:
        ctx.group = group
        total = tensor.clone()
        torch_dist.all_reduce(total, group=group)
        return total

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor) -> tuple[torch.Tensor, None]:
        return _SumOverProcesses.apply(grad.contiguous(), ctx.group), None


def _global_moments(x: torch.Tensor, group: Any) -> tuple[torch.Tensor, torch.Tensor, float]:
    """Per-channel mean and (biased) variance of ``x`` over every process; the sample count."""
    channels = x.shape[1]
    reduce_dims = [0, *range(2, x.dim())]
    local_count = x.numel() // channels
    sums = torch.cat([x.sum(reduce_dims), x.new_tensor([float(local_count)])])
    sums = _SumOverProcesses.apply(sums, group)
    count = float(sums[-1].detach())
    mean = sums[:channels] / count
    shape = (1, -1) + (1,) * (x.dim() - 2)
    squares = _SumOverProcesses.apply(((x - mean.view(shape)) ** 2).sum(reduce_dims), group)
    return mean, squares / count, count


def cpu_sync_batchnorm(module: nn.Module) -> int:
    """Make every ``nn.SyncBatchNorm`` of ``module`` a :class:`CpuSyncBatchNorm`; how many.

    The layers keep their parameters, buffers and state-dict keys (only their class changes).
    """
    converted = 0
    for layer in module.modules():
        if isinstance(layer, nn.SyncBatchNorm):
            layer.__class__ = CpuSyncBatchNorm
            converted += 1
    return converted


def _on_cpu(module: nn.Module) -> bool:
    devices = {p.device.type for p in module.parameters()}
    devices |= {b.device.type for b in module.buffers()}
    return devices <= {'cpu'}


def patch_ddp_for_cpu() -> None:
    """``MMDistributedDataParallel`` of a CPU module: no ``device_ids``, SyncBN that syncs."""
    from mmengine.model.wrappers import MMDistributedDataParallel

    upstream = MMDistributedDataParallel.__init__
    if getattr(upstream, _PATCHED, False):
        return

    @functools.wraps(upstream)
    def __init__(self: Any, module: nn.Module, *args: Any, **kwargs: Any) -> None:
        if _on_cpu(module):
            kwargs['device_ids'] = None
            kwargs.pop('output_device', None)
            cpu_sync_batchnorm(module)
        upstream(self, module, *args, **kwargs)

    setattr(__init__, _PATCHED, True)
    MMDistributedDataParallel.__init__ = __init__


def end_process_group() -> None:
    """After a distributed run: wait for every process, then close the process group.

    Call it once the Runner is dropped. MMEngine never closes the group, and a Gloo group
    still held at interpreter exit (by the DDP wrapper's reducer) can abort the process
    ("terminate called without an active exception", SIGABRT), so that torchrun reports a
    finished run as failed. Collecting the Runner first frees the reducer while Python is
    alive; the barrier keeps one process from closing while another still finishes.
    """
    if _distributed():
        gc.collect()
        torch_dist.barrier()
        torch_dist.destroy_process_group()


def apply_distributed_fixes() -> None:
    """Apply the fixes of this module (see its docstring); idempotent."""
    patch_dist_init()
    patch_ddp_for_cpu()
