"""tools/train.py and tools/test.py as a user runs them: train, resume, test, interop."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image

from tests.conftest import HYP1, quick_cfg_options, run_tool, train_quick

HYP4 = 'configs/hyp4_deeplabv3p_r50.py'
# hyp5-hyp9 train 2 iterations each (validation at 2); hyp5 and hyp9 on converted Oxford-style
# photos (`convert-oxford-pet --border ignore`: sides not multiples of 16, 255 borders).
NEW_HYPOTHESES = {
    'hyp5_unet_s5_scratch': ('oxford', ('background', 'cat', 'dog')),
    'hyp6_segformer_b0_tversky': ('tiny', ('background', 'cat', 'dog')),
    'hyp7_deeplabv3p_r50_focal_dice': ('tiny', ('background', 'cat', 'dog')),
    'hyp8_upernet_swin_t': ('tiny', ('background', 'cat', 'dog')),
    'hyp9_segformer_b0_binary': ('oxford', ('background', 'pet')),
}


def _load(path: Path) -> dict:
    return torch.load(path, map_location='cpu', weights_only=False)


@pytest.fixture(scope='module')
def oxford_converted(tmp_path_factory) -> Path:
    """The Oxford-format fixture converted at 64 px with the trimap border ignored."""
    from practicum_work.data.oxford_pet import convert_oxford_pet
    from tests.data.test_oxford_pet import make_oxford_fixture

    root = tmp_path_factory.mktemp('oxford')
    oxford = make_oxford_fixture(root / 'oxford-iiit-pet')
    out = root / 'oxford_pets'
    convert_oxford_pet(oxford, out, size=64, border='ignore', val_fraction=0.34, workers=1,
                       show_progress=False)  # fmt: skip
    return out


@pytest.mark.slow
def test_train_writes_checkpoints_best_and_metrics_json(hyp1_run):
    assert (hyp1_run / 'iter_2.pth').is_file() and (hyp1_run / 'iter_4.pth').is_file()
    assert list(hyp1_run.glob('best_mDice_iter_*.pth'))
    record = json.loads((hyp1_run / 'metrics_val_iter_4.json').read_text())
    assert record['split'] == 'val' and record['iteration'] == 4
    assert {'aAcc', 'mIoU', 'mDice', 'mFscore'} <= set(record['summary'])
    assert set(record['per_class']) == {'background', 'cat', 'dog'}
    assert {'IoU', 'Dice', 'Acc'} <= set(record['per_class']['background'])


@pytest.mark.slow
def test_resume_continues_iterations_and_optimizer_state(hyp1_run, tiny_dataset, tmp_path):
    work_dir = tmp_path / 'resumed'
    shutil.copytree(hyp1_run, work_dir)
    result = train_quick(HYP1, work_dir, tiny_dataset, 6, '--resume')
    assert 'resumed epoch: 0, iter: 4' in result.stdout + result.stderr
    before, after = _load(work_dir / 'iter_4.pth'), _load(work_dir / 'iter_6.pth')
    assert before['meta']['iter'] == 4 and after['meta']['iter'] == 6
    steps = {int(s['step']) for s in after['optimizer']['state'].values()}
    assert steps == {6}  # AdamW kept counting from the checkpoint's 4 steps, not from 0


@pytest.mark.slow
def test_resume_from_a_given_checkpoint(hyp1_run, tiny_dataset, tmp_path):
    work_dir = tmp_path / 'from_iter2'
    result = train_quick(HYP1, work_dir, tiny_dataset, 4, '--resume', str(hyp1_run / 'iter_2.pth'))
    assert 'resumed epoch: 0, iter: 2' in result.stdout + result.stderr
    assert _load(work_dir / 'iter_4.pth')['meta']['iter'] == 4


@pytest.mark.slow
def test_test_tool_writes_metrics_predictions_and_paintings(hyp1_run, tiny_dataset, tmp_path):
    ckpt = hyp1_run / 'iter_4.pth'
    out, show = tmp_path / 'pred', tmp_path / 'show'
    result = run_tool(
        'tools/test.py', HYP1, str(ckpt), '--work-dir', str(tmp_path), '--out', str(out),
        '--show-dir', str(show), *quick_cfg_options(tiny_dataset, 4),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    record = json.loads((tmp_path / 'metrics_test_iter_4.json').read_text())
    assert record['split'] == 'test' and record['checkpoint'] == str(ckpt)
    assert 0 <= record['summary']['mDice'] <= 100
    masks = sorted(out.glob('*.png'))
    assert len(masks) == 4
    assert set(np.unique(np.array(Image.open(masks[0])))) <= {0, 1, 2}
    assert len(list(show.rglob('*.png'))) == 4
    # per-image areas beside the metrics: summed, they give the very mDice reported
    from practicum_work.analysis.bootstrap import mdice_of_sums, read_per_image

    areas = read_per_image(tmp_path / 'per_image_test_iter_4.json')
    assert sorted(areas.images) == [f'test/test_{i:04d}' for i in range(4)]
    summed = float(mdice_of_sums(areas.intersect, areas.pred, areas.label))
    assert summed == pytest.approx(record['summary']['mDice'], abs=0.01)


@pytest.mark.slow
def test_checkpoint_loads_in_upstream_mmseg_apis(hyp1_run, tiny_dataset):
    """Plain MMSeg code, no petseg import: the config's custom_imports is all it takes."""
    image = sorted((tiny_dataset / 'img/test').glob('*.jpg'))[0]
    code = f"""
import json, numpy as np
from mmseg.apis import MMSegInferencer, inference_model, init_model
inferencer = MMSegInferencer(model={HYP1!r}, weights={str(hyp1_run / 'iter_4.pth')!r}, device='cpu')
pred = inferencer({str(image)!r})['predictions']
model = init_model({HYP1!r}, {str(hyp1_run / 'iter_4.pth')!r}, device='cpu')
result = inference_model(model, {str(image)!r})
print(json.dumps(dict(
    inferencer=sorted(np.unique(pred).tolist()), shape=list(pred.shape),
    api=sorted(result.pred_sem_seg.data.unique().tolist()))))
"""
    result = run_tool('-c', code)
    assert result.returncode == 0, result.stderr[-3000:]
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert set(values['inferencer']) <= {0, 1, 2} and set(values['api']) <= {0, 1, 2}
    assert values['shape'] == [64, 64]


@pytest.mark.slow
def test_hyp4_deeplabv3p_train_resume_test(tiny_dataset, tmp_path):
    work_dir = tmp_path / 'hyp4'
    train_quick(HYP4, work_dir, tiny_dataset, 2)
    result = train_quick(HYP4, work_dir, tiny_dataset, 4, '--resume')
    assert 'resumed epoch: 0, iter: 2' in result.stdout + result.stderr
    ckpt = _load(work_dir / 'iter_4.pth')
    assert ckpt['meta']['iter'] == 4
    assert any('momentum_buffer' in s for s in ckpt['optimizer']['state'].values())
    test = run_tool(
        'tools/test.py', HYP4, str(work_dir / 'iter_4.pth'), '--work-dir', str(work_dir),
        *quick_cfg_options(tiny_dataset, 4),
    )  # fmt: skip
    assert test.returncode == 0, test.stderr[-3000:]
    assert (work_dir / 'metrics_test_iter_4.json').is_file()


@pytest.mark.slow
@pytest.mark.parametrize('stem', sorted(NEW_HYPOTHESES))
def test_new_hypotheses_train_and_validate(stem, tiny_dataset, oxford_converted, tmp_path):
    data, classes = NEW_HYPOTHESES[stem]
    data_root = oxford_converted if data == 'oxford' else tiny_dataset
    train_quick(f'configs/{stem}.py', tmp_path, data_root, 2)
    assert _load(tmp_path / 'iter_2.pth')['meta']['iter'] == 2
    record = json.loads((tmp_path / 'metrics_val_iter_2.json').read_text())
    assert set(record['per_class']) == set(classes)
    assert 0 <= record['summary']['mDice'] <= 100


@pytest.mark.slow
def test_best_worst_knows_the_two_classes_of_the_binary_task(oxford_converted, tmp_path):
    config = 'configs/hyp9_segformer_b0_binary.py'
    train_quick(config, tmp_path / 'train', oxford_converted, 2)
    out = tmp_path / 'bw'
    result = run_tool(
        '-m', 'practicum_work.cli', 'best-worst', '--config', config, '--checkpoint',
        str(tmp_path / 'train' / 'iter_2.pth'), '--data-root', str(oxford_converted),
        '--k', '2', '--out', str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    confusion = json.loads((out / 'confusion_matrix.json').read_text())
    assert np.array(confusion['counts']).shape == (2, 2)
    scores = json.loads((out / 'scores.json').read_text())
    assert all(len(image['dice']) == 2 for image in scores['images'])
    assert set(scores['confusions']) <= {'pet_missed', 'false_pet'}
    assert len(list((out / 'worst').glob('*.png'))) == 2


def test_missing_data_root_is_one_line_without_traceback(tmp_path):
    result = run_tool(
        'tools/train.py', HYP1, '--work-dir', str(tmp_path), '--cfg-options',
        f'data_root={tmp_path / "nowhere"}', 'train_dataloader.num_workers=0',
        'train_dataloader.persistent_workers=False', 'model.backbone.init_cfg=None',
    )  # fmt: skip
    assert result.returncode == 2
    assert 'Traceback' not in result.stderr
    error = result.stderr.strip().splitlines()[-1]
    assert error.startswith('train.py: error:') and 'nowhere does not exist' in error
    assert 'petseg demo-data' in error


def test_missing_config_and_checkpoint_are_clear_errors(tmp_path):
    result = run_tool('tools/train.py', 'configs/nope.py')
    assert result.returncode == 2 and 'config file configs/nope.py does not exist' in result.stderr
    result = run_tool('tools/test.py', HYP1, str(tmp_path / 'missing.pth'))
    assert result.returncode == 2 and 'missing.pth does not exist' in result.stderr
    assert 'Traceback' not in result.stderr


@pytest.mark.skipif(torch.cuda.is_available(), reason='checks the CPU message')
def test_amp_on_cpu_is_a_clear_error(tmp_path):
    result = run_tool('tools/train.py', HYP1, '--amp', '--work-dir', str(tmp_path))
    assert result.returncode == 2
    assert '--amp needs a CUDA GPU' in result.stderr and 'Traceback' not in result.stderr
