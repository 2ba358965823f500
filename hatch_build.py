"""Hatchling build hook: ship ``petseg_mmcv_compat.pth`` at the root of site-packages.

The ``.pth`` line runs ``import practicum_work`` at interpreter start. That import is
cheap (standard library only): it installs a lazy import hook that gives ``mmcv.ops``
a pure-PyTorch fallback when mmcv-lite (no compiled ``mmcv._ext``) is installed, so
that plain ``from mmseg.apis import MMSegInferencer`` works in this environment.
Set ``PETSEG_MMCV_OPS_FALLBACK=0`` to switch it off. See practicum_work/compat.py.
"""

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PTH_SOURCE = 'practicum_work/_pth/petseg_mmcv_compat.pth'
PTH_TARGET = 'petseg_mmcv_compat.pth'


class CustomBuildHook(BuildHookInterface):
    """Adds the .pth file to regular and editable wheels."""

    def initialize(self, version: str, build_data: dict) -> None:
        key = 'force_include_editable' if version == 'editable' else 'force_include'
        build_data.setdefault(key, {})[PTH_SOURCE] = PTH_TARGET
