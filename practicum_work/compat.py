"""Local fixes for upstream problems on this stack (README: known upstream issues).

1. mmcv-lite has no compiled ``mmcv._ext``, yet mmseg imports ``mmcv.ops``
   unguarded (``point_sample``, ``sigmoid_focal_loss``), so ``import mmseg.models``
   fails. :func:`install_mmcv_ops_fallback` adds an import hook that, only when
   ``mmcv._ext`` is missing, serves ``mmcv.ops`` as a small module: upstream's
   pure-PyTorch ``point_sample`` and clear errors for compiled-only ops (a
   ``ModuleNotFoundError`` with the hint, for ``from mmcv.ops import X`` and ``mmcv.ops.X``
   alike, so guarded imports still work). With full
   mmcv installed the hook steps aside and the real ``mmcv.ops`` loads.
2. mmengine 0.10.7 calls ``torch.load`` without ``weights_only``; torch >= 2.6
   defaults to ``weights_only=True`` and refuses mmengine's own checkpoints, so
   ``--resume`` and ``load_from`` fail. :func:`apply_trusted_checkpoint_loading`
   re-registers the local-file checkpoint loader with ``weights_only=False``.
   Trust decision: local checkpoint files are trusted (your own training runs);
   do not point ``load_from`` at files from untrusted sources. Remote URLs keep
   upstream's loader.
3. MMEngine assumes every distributed process owns a CUDA GPU (device selection, DDP's
   ``device_ids``, SyncBN, the NCCL backend): fixed in
   :mod:`practicum_work.mmseg_ext.distributed` (it needs torch and MMEngine), applied when the
   extensions are imported.

This module imports only the standard library at import time, so that
``import practicum_work`` (run at interpreter start by ``petseg_mmcv_compat.pth``)
stays cheap.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import importlib.util
import inspect
import os
import sys
import types
from typing import Any

FALLBACK_SWITCH = 'PETSEG_MMCV_OPS_FALLBACK'
_COMPILED_ONLY_HINT = (
    'needs mmcv compiled ops (mmcv._ext), which mmcv-lite does not have. '
    'Use a component that does not need it (every petseg config runs without), or full mmcv '
    'in an environment OpenMMLab built wheels for (README: Installing on a GPU machine).'
)


def has_compiled_mmcv_ops() -> bool:
    """Return True when mmcv's compiled extension ``mmcv._ext`` can be imported."""
    try:
        return importlib.util.find_spec('mmcv._ext') is not None
    except (ImportError, ValueError):
        return False


def _compiled_only(name: str) -> Any:
    def _raise(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f'mmcv.ops.{name} {_COMPILED_ONLY_HINT}')

    _raise.__name__ = name
    return _raise


def _populate_fallback(module: types.ModuleType) -> None:
    """Fill the fallback ``mmcv.ops`` module (its ``__path__`` is upstream's ops folder)."""
    # Upstream's point_sample.py is pure PyTorch (F.grid_sample on 2 * points - 1).
    from mmcv.ops.point_sample import bilinear_grid_sample, point_sample

    module.point_sample = point_sample
    module.bilinear_grid_sample = bilinear_grid_sample
    # Guarded imports in mmseg (cc_head, psa_head) expect these names and raise a
    # clear error of their own at construction when they are None.
    module.CrissCrossAttention = None
    module.PSAMask = None
    for name in ('sigmoid_focal_loss', 'softmax_focal_loss'):
        setattr(module, name, _compiled_only(name))
    module.get_compiler_version = lambda: 'n/a (mmcv-lite: no compiled ops)'
    module.get_compiling_cuda_version = lambda: 'n/a (mmcv-lite: no compiled ops)'
    module.PETSEG_FALLBACK = True

    def __getattr__(name: str) -> Any:
        if name.startswith('_'):
            raise AttributeError(name)
        # ModuleNotFoundError, not AttributeError: ``from mmcv.ops import X`` would turn an
        # AttributeError into a bare "cannot import name X (unknown location)", and the
        # guarded imports of OpenMMLab code (``except ModuleNotFoundError``) must catch it.
        raise ModuleNotFoundError(f'mmcv.ops.{name} {_COMPILED_ONLY_HINT}', name=f'mmcv.ops.{name}')

    module.__getattr__ = __getattr__


class _FallbackLoader(importlib.abc.Loader):
    def create_module(self, spec: importlib.machinery.ModuleSpec) -> None:
        return None  # default module creation

    def exec_module(self, module: types.ModuleType) -> None:
        _populate_fallback(module)


class MmcvOpsFallbackFinder(importlib.abc.MetaPathFinder):
    """Serves the fallback ``mmcv.ops`` when ``mmcv._ext`` is missing; else steps aside."""

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != 'mmcv.ops' or has_compiled_mmcv_ops():
            return None
        mmcv = sys.modules.get('mmcv')
        if mmcv is None or not getattr(mmcv, '__path__', None):
            return None
        spec = importlib.util.spec_from_loader(fullname, _FallbackLoader(), is_package=True)
        # Pure-Python submodules (mmcv.ops.point_sample) still load from upstream.
        spec.submodule_search_locations = [os.path.join(next(iter(mmcv.__path__)), 'ops')]
        return spec


def install_mmcv_ops_fallback() -> bool:
    """Install the lazy ``mmcv.ops`` import hook; return True when it is (now) installed.

    Cheap and idempotent. ``PETSEG_MMCV_OPS_FALLBACK=0`` switches it off.
    """
    if os.environ.get(FALLBACK_SWITCH, '1') == '0':
        return False
    if any(isinstance(f, MmcvOpsFallbackFinder) for f in sys.meta_path):
        return True
    sys.meta_path.insert(0, MmcvOpsFallbackFinder())
    return True


# Upstream deprecation notices that say nothing actionable to a petseg user.
_UPSTREAM_NOISE = (
    r'pkg_resources is deprecated as an API',  # mmengine resolving mmseg:: configs
    r'``build_loss`` would be deprecated soon',  # mmseg's own heads call it
    r'Fail to import ``MultiScaleDeformableAttention``',  # mmcv-lite: expected
    # Distributed runs: MMEngine's wrapper passes torch's deprecated DDP argument, and CPU
    # depthwise-conv gradients come in another memory layout than DDP's buckets (harmless).
    r'`broadcast_buffers` is deprecated',
    r'Grad strides do not match bucket view strides',
)


def quiet_upstream_warnings() -> None:
    """Hide the upstream deprecation notices above (petseg's entry points call this)."""
    import warnings

    for message in _UPSTREAM_NOISE:
        warnings.filterwarnings('ignore', message=message)


def mmcv_ops_is_fallback() -> bool:
    """Return True when the imported ``mmcv.ops`` is petseg's fallback."""
    import mmcv.ops

    return bool(getattr(mmcv.ops, 'PETSEG_FALLBACK', False))


def _mmengine_local_loader_passes_weights_only() -> bool:
    from mmengine.runner import checkpoint

    return 'weights_only' in inspect.getsource(checkpoint.load_from_local)


def _torch_defaults_to_weights_only() -> bool:
    import torch
    from packaging.version import Version

    return Version(torch.__version__.split('+')[0]) >= Version('2.6')


def load_from_local(filename: str, map_location: Any = None) -> Any:
    """mmengine's ``load_from_local`` with ``weights_only=False`` (trusted local files).

    The name matters: mmengine logs ``Loads checkpoint by <name[10:]> backend``.
    """
    import torch

    filename = os.path.expanduser(filename)
    if not os.path.isfile(filename):
        raise FileNotFoundError(f'{filename} can not be found.')
    return torch.load(filename, map_location=map_location, weights_only=False)


def apply_trusted_checkpoint_loading() -> bool:
    """Re-register mmengine's local checkpoint loader when torch and mmengine disagree.

    Returns True when the loader was replaced, False when nothing was needed.
    """
    if not _torch_defaults_to_weights_only() or _mmengine_local_loader_passes_weights_only():
        return False
    from mmengine.runner.checkpoint import CheckpointLoader

    CheckpointLoader.register_scheme(prefixes='', loader=load_from_local, force=True)
    return True
