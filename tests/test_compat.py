"""practicum_work.compat: the mmcv.ops fallback (active and stepping aside) and checkpoints."""

from __future__ import annotations

import os
import subprocess
import sys
import types

import pytest
import torch

from practicum_work import compat
from tests.conftest import run_tool


def test_import_mmseg_models_works_with_mmcv_lite_and_uses_the_fallback():
    code = (
        'import mmseg.models, mmcv.ops, practicum_work.compat as c; '
        "print('fallback', c.mmcv_ops_is_fallback(), c.has_compiled_mmcv_ops())"
    )
    result = run_tool('-c', code)
    assert result.returncode == 0, result.stderr[-2000:]
    assert 'fallback True False' in result.stdout


def test_fallback_point_sample_is_upstream_grid_sample():
    import mmcv.ops

    if not compat.mmcv_ops_is_fallback():
        pytest.skip('full mmcv installed: the fallback is not in use')
    feats = torch.arange(16.0).reshape(1, 1, 4, 4)
    points = torch.tensor([[[0.125, 0.125], [0.875, 0.875]]])  # pixel centres (0,0) and (3,3)
    sampled = mmcv.ops.point_sample(feats, points, align_corners=False)
    assert sampled.flatten().tolist() == pytest.approx([0.0, 15.0])


def test_compiled_only_ops_raise_a_clear_error():
    import mmcv.ops

    if not compat.mmcv_ops_is_fallback():
        pytest.skip('full mmcv installed: the fallback is not in use')
    with pytest.raises(RuntimeError, match='mmcv-lite'):
        mmcv.ops.sigmoid_focal_loss(torch.zeros(1), torch.zeros(1))
    with pytest.raises(ModuleNotFoundError, match='compiled ops'):
        _ = mmcv.ops.RoIAlign


def test_a_compiled_only_import_is_a_hinted_module_not_found_error():
    """``from mmcv.ops import X`` gives the hint too, and guarded imports still catch it."""
    if not compat.mmcv_ops_is_fallback():
        pytest.skip('full mmcv installed: the fallback is not in use')
    with pytest.raises(ModuleNotFoundError, match='DeformConv2dPack needs mmcv compiled ops'):
        from mmcv.ops import DeformConv2dPack
    try:  # the way mmseg's cc_head / point_head guard their imports
        from mmcv.ops import DeformConv2dPack
    except ModuleNotFoundError:
        DeformConv2dPack = None
    assert DeformConv2dPack is None
    import mmcv.ops

    assert not hasattr(mmcv.ops, '_private_probe')  # dunder/private probes stay AttributeError


def test_finder_steps_aside_when_compiled_ext_is_present(monkeypatch):
    """Simulate full mmcv: a module ``mmcv._ext`` exists, so the real mmcv.ops must load."""
    import mmcv

    finder = compat.MmcvOpsFallbackFinder()
    assert finder.find_spec('mmcv.ops') is not None  # mmcv-lite here: the fallback serves
    fake_ext = types.ModuleType('mmcv._ext')
    fake_ext.__spec__ = types.SimpleNamespace(name='mmcv._ext')
    monkeypatch.setitem(sys.modules, 'mmcv._ext', fake_ext)
    assert compat.has_compiled_mmcv_ops()
    assert finder.find_spec('mmcv.ops') is None
    assert finder.find_spec('mmcv.cnn') is None
    assert mmcv is not None


def test_fallback_can_be_switched_off():
    env = dict(os.environ, PETSEG_MMCV_OPS_FALLBACK='0')
    result = subprocess.run(
        [sys.executable, '-c', 'import mmseg.models'], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "No module named 'mmcv._ext'" in result.stderr


def test_trusted_loader_loads_mmengine_checkpoints(tmp_path):
    """torch >= 2.6 refuses mmengine's HistoryBuffer under weights_only=True; ours loads it."""
    from mmengine.logging.history_buffer import HistoryBuffer
    from mmengine.runner.checkpoint import CheckpointLoader

    path = tmp_path / 'ckpt.pth'
    torch.save({'message_hub': HistoryBuffer([1.0, 2.0], [1, 1]), 'state_dict': {}}, path)
    with pytest.raises(Exception, match=r'weights_only|Unsupported global'):
        torch.load(path)  # the upstream problem
    import practicum_work.mmseg_ext  # noqa: F401  (applies the fix)

    loaded = CheckpointLoader.load_checkpoint(str(path), map_location='cpu')
    assert isinstance(loaded['message_hub'], HistoryBuffer)


def test_trusted_loading_is_a_no_op_when_mmengine_is_fixed(monkeypatch):
    monkeypatch.setattr(compat, '_mmengine_local_loader_passes_weights_only', lambda: True)
    assert compat.apply_trusted_checkpoint_loading() is False


def test_upstream_deprecation_noise_is_hidden_in_petseg_entry_points():
    code = (
        'import warnings; from practicum_work import compat; compat.quiet_upstream_warnings(); '
        "warnings.warn('pkg_resources is deprecated as an API. See ...', UserWarning); "
        "warnings.warn('something else', UserWarning)"
    )
    result = run_tool('-W', 'default', '-c', code)
    assert 'pkg_resources' not in result.stderr and 'something else' in result.stderr
