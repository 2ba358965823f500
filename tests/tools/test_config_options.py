"""``--cfg-options`` and the data are checked before anything is written (issue 22, item 4).

Both directions: typos and wrong types are refused with the key and the nearest valid one or
the expected type; valid MMSeg usage (new leaves a component accepts, plain-dict keys, list
indices, None to switch off) passes.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest

from tests.conftest import HYP1, REPO_ROOT, clearml_env, quick_cfg_options, run_tool

HYP4 = 'configs/hyp4_deeplabv3p_r50.py'


@pytest.fixture(scope='module')
def check():
    """The checker module (imported here: the tools' tests below also run on code without it)."""
    from practicum_work.core import config_check

    return config_check


@pytest.fixture(scope='module')
def hyp1_cfg():
    from mmengine.config import Config

    return Config.fromfile(str(REPO_ROOT / HYP1))


@pytest.mark.parametrize(
    ('option', 'message'),
    [
        (
            {'train_cfg.max_iter': 10},
            'train_cfg.max_iter: IterBasedTrainLoop has no option max_iter '
            '(did you mean train_cfg.max_iters?)',
        ),
        ({'data_rot': 'data/x'}, 'the config has no key data_rot (did you mean data_root?)'),
        (
            {'train_dataloader.dataset.data_rot': 'x'},
            'PetSegDataset has no option data_rot '
            '(did you mean train_dataloader.dataset.data_root?)',
        ),
        ({'optim_wrapper.optimizer.momentum': 0.9}, 'AdamW has no option momentum'),
        ({'param_scheduler.2.end': 10}, 'param_scheduler is a list of 2 (indices 0-1)'),
        ({'model.backbone.type': 'MixVisionTransformr'}, 'did you mean MixVisionTransformer?'),
        (
            {'max_iters': 10},
            'max_iters is a variable of the config files, used when they were read, so setting '
            'it changes nothing; set train_cfg.max_iters instead',
        ),
    ],
)
def test_an_unknown_key_names_it_and_the_nearest_valid_one(check, hyp1_cfg, option, message):
    with pytest.raises(check.ConfigOptionError) as caught:
        check.check_cfg_options(hyp1_cfg, option)
    assert message in str(caught.value)
    assert str(caught.value).startswith(f'--cfg-options {next(iter(option))}:')


@pytest.mark.parametrize(
    ('option', 'message'),
    [
        ({'train_cfg.max_iters': 'ten'}, "expected an integer (the config has 4000), got 'ten'"),
        ({'train_dataloader.persistent_workers': 'flase'}, 'expected True or False'),
        (
            {'train_dataloader.dataset.pipeline.4.crop_size': '128x128'},
            'expected numbers like (256, 256) (quote it: "(256,256)"), got \'128x128\'',
        ),
    ],
)
def test_a_value_of_the_wrong_type_names_the_expected_type(check, hyp1_cfg, option, message):
    with pytest.raises(check.ConfigOptionError, match='expected') as caught:
        check.check_cfg_options(hyp1_cfg, option)
    assert message in str(caught.value)


def test_every_refused_option_is_named_on_one_line(check, hyp1_cfg):
    with pytest.raises(check.ConfigOptionError) as caught:
        check.check_cfg_options(
            hyp1_cfg, {'train_cfg.max_iter': 1, 'data_rot': 'x', 'randomness.seed': 1}
        )
    text = str(caught.value)
    assert '\n' not in text and 'max_iter' in text and 'data_rot' in text and 'seed' not in text


VALID = {
    'data_root': 'data/other',
    'load_from': 'work_dirs/x/iter_4.pth',
    'resume': True,
    'randomness.seed': 3,
    'randomness.deterministic': True,  # a new key of a plain dict
    'model.test_cfg.min_component_area': 64,  # read by ComponentFilterEncoderDecoder
    'model.test_cfg.mode': 'slide',
    'model.backbone.init_cfg': None,  # None switches a component off
    'train_cfg.max_iters': 10,
    'train_cfg.val_begin': 2,  # not in the config, accepted by IterBasedTrainLoop
    'optim_wrapper.optimizer.amsgrad': True,  # not in the config, accepted by AdamW
    'optim_wrapper.clip_grad': None,
    'default_hooks.logger.interval': 5,
    'default_hooks.checkpoint.save_last': False,
    'train_dataloader.dataset.pipeline.4.crop_size': (64, 64),
    'train_dataloader.dataset.ann_file': 'train.txt',
    'param_scheduler.1.end': 100,
    'optim_wrapper.optimizer.lr': 1,  # an int where the config has a float
    'clearml.mode': 'off',
    'clearml.task_type': 'testing',  # a new key of petseg's own dict
    'experiment_name': 'mine',
    'model.decode_head.loss_decode.0.type': 'CrossEntropyLoss',
    'model.decode_head.loss_decode.0.use_sigmoid': False,  # checked against the new type
}


def test_valid_mmseg_usage_passes(check, hyp1_cfg):
    assert check.check_cfg_options(hyp1_cfg, VALID) == []


def test_a_likely_typo_in_a_plain_dict_is_a_warning_not_an_error(check, hyp1_cfg):
    warnings = check.check_cfg_options(hyp1_cfg, {'model.test_cfg.mdoe': 'slide'})
    assert warnings == [
        '--cfg-options model.test_cfg.mdoe: model.test_cfg has no key mdoe yet, it is added '
        '(did you mean model.test_cfg.mode?)'
    ]


def test_deeplab_keys_are_judged_by_their_own_classes(check):
    from mmengine.config import Config

    cfg = Config.fromfile(str(REPO_ROOT / HYP4))
    check.check_cfg_options(
        cfg, {'optim_wrapper.optimizer.momentum': 0.8, 'model.backbone.depth': 101}
    )
    with pytest.raises(check.ConfigOptionError, match='ResNetV1c has no option dept '):
        check.check_cfg_options(cfg, {'model.backbone.dept': 101})


def _assert_refused_before_writing(result, work_dir: Path, home: Path, *texts: str) -> str:
    assert result.returncode == 2, result.stderr[-2000:]
    assert 'Traceback' not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith(('train.py: error:', 'test.py: error:')), error
    for text in texts:
        assert text in error, error
    assert not work_dir.exists(), sorted(work_dir.rglob('*'))
    assert not list(home.rglob('*.zip')), 'a ClearML offline session was left'
    return error


@pytest.mark.parametrize('tool', ['tools/train.py', 'tools/test.py'])
def test_tools_refuse_a_typo_before_any_work_dir_or_clearml_session(tool, tmp_path):
    home = tmp_path / 'home'
    home.mkdir()
    ckpt = tmp_path / 'fake.pth'
    ckpt.write_bytes(b'')
    work_dir = tmp_path / 'run'
    args = [tool, HYP1, *([str(ckpt)] if tool.endswith('test.py') else [])]
    result = run_tool(
        *args, '--work-dir', str(work_dir), '--cfg-options', 'train_cfg.max_iter=10',
        'train_cfg.val_interval=ten', env=clearml_env(home, 'offline'),
    )  # fmt: skip
    _assert_refused_before_writing(
        result, work_dir, home, 'did you mean train_cfg.max_iters?',
        "train_cfg.val_interval: expected an integer (the config has 500), got 'ten'",
    )  # fmt: skip


def test_missing_data_root_is_found_before_the_runner_with_one_hint(tmp_path):
    home = tmp_path / 'home'
    home.mkdir()
    work_dir = tmp_path / 'run'
    result = run_tool(
        'tools/train.py', HYP1, '--work-dir', str(work_dir), '--cfg-options',
        f'data_root={tmp_path / "nowhere"}', env=clearml_env(home, 'offline'),
    )  # fmt: skip
    error = _assert_refused_before_writing(result, work_dir, home, 'nowhere does not exist')
    assert '--cfg-options data_root=PATH' in error
    assert 'train_dataloader.dataset.data_root' not in error  # data_root= alone suffices


def _mask_copy(src: Path, dst: Path, mapping: dict[int, int]) -> Path:
    shutil.copytree(src, dst)
    for path in (dst / 'labels').rglob('*.png'):
        mask = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        out = mask.copy()
        for old, new in mapping.items():
            out[mask == old] = new
        cv2.imwrite(str(path), out)
    return dst


def test_training_refuses_masks_without_a_cat_or_dog_pixel(tiny_dataset, tmp_path):
    data = _mask_copy(tiny_dataset, tmp_path / 'mask255', {1: 255, 2: 255})  # pet = ignore
    home = tmp_path / 'home'
    home.mkdir()
    work_dir = tmp_path / 'run'
    result = run_tool(
        'tools/train.py', HYP1, '--work-dir', str(work_dir), *quick_cfg_options(data, 1),
        env=clearml_env(home, 'offline'),
    )  # fmt: skip
    error = _assert_refused_before_writing(
        result, work_dir, home, 'the training masks hold no cat or dog pixel',
        f'8 masks in {data}/labels/train', 'values seen: 0, 255', 'convert-masks',
        '--from 0-255',
    )  # fmt: skip
    assert 'ignore' in error


def test_training_refuses_trimaps_whose_values_read_as_cat_and_dog(tiny_dataset, tmp_path):
    # Oxford trimaps: 1 pet, 2 background, 3 border; 1 and 2 pass a foreground check as
    # cat and dog, so only the dataset-level encoding tells them apart
    data = _mask_copy(tiny_dataset, tmp_path / 'trimap', {0: 2, 1: 1, 2: 1, 255: 3})
    home = tmp_path / 'home'
    home.mkdir()
    work_dir = tmp_path / 'run'
    result = run_tool(
        'tools/train.py', HYP1, '--work-dir', str(work_dir), *quick_cfg_options(data, 1),
        env=clearml_env(home, 'offline'),
    )  # fmt: skip
    _assert_refused_before_writing(
        result, work_dir, home, f'the masks of {data} are not class ids', 'trimap',
        'petseg convert-masks', '--from trimap',
    )  # fmt: skip


def test_pet_background_masks_under_a_3_class_config_name_the_binary_config(tiny_dataset, tmp_path):
    # masks written by `petseg convert-masks --binary` (0 background, 1 pet) would train every
    # pet as a cat under hyp1: refused, naming hyp9; hyp9 itself takes them; unmarked 0/1 masks
    # (a cats-only dataset looks the same) get a warning
    from practicum_work.cli import main
    from practicum_work.core.errors import PetsegError
    from practicum_work.core.mask_encoding import CONVERSION_FILE
    from practicum_work.core.run_setup import prepare_train

    data = _mask_copy(tiny_dataset, tmp_path / 'mask255', {1: 255, 2: 255})
    binary = tmp_path / 'binary'
    assert main(['convert-masks', '--data-root', str(data), '--out', str(binary),
                 '--from', '0-255', '--binary']) == 0  # fmt: skip
    options = {'data_root': str(binary)}
    with pytest.raises(PetsegError, match=r'hyp9_segformer_b0_binary\.py') as refused:
        prepare_train(HYP1, options, str(tmp_path / 'run1'), warn=lambda _: None)
    assert 'would learn every pet as a cat' in str(refused.value)
    assert not (tmp_path / 'run1').exists()
    hyp9 = str(REPO_ROOT / 'configs' / 'hyp9_segformer_b0_binary.py')
    prepare_train(hyp9, options, str(tmp_path / 'run2'), warn=lambda _: None)
    (binary / CONVERSION_FILE).unlink()
    warnings: list[str] = []
    prepare_train(HYP1, options, str(tmp_path / 'run3'), warn=warnings.append)
    assert any('learns every pet as a cat' in w for w in warnings), warnings


def test_test_tool_without_a_test_split_says_how_to_test_on_val(tiny_dataset, tmp_path):
    data = tmp_path / 'no_test'
    shutil.copytree(tiny_dataset, data)
    shutil.rmtree(data / 'img' / 'test')
    shutil.rmtree(data / 'labels' / 'test')
    ckpt = tmp_path / 'run' / 'iter_4.pth'
    ckpt.parent.mkdir()
    ckpt.write_bytes(b'')
    result = run_tool(
        'tools/test.py', HYP1, str(ckpt), '--cfg-options', f'data_root={data}',
    )  # fmt: skip
    assert result.returncode == 2 and 'Traceback' not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert f"split 'test' not found: {data}/img/test does not exist" in error
    assert 'this dataset has train, val' in error and '--split val' in error
    assert 'demo-data' not in error
    assert sorted(p.name for p in ckpt.parent.iterdir()) == ['iter_4.pth']  # nothing written
