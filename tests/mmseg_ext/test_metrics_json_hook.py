"""MetricsJsonHook groups metrics into summary and per-class plain floats (NaN -> null)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from practicum_work.mmseg_ext.hooks import MetricsJsonHook
from practicum_work.mmseg_ext.hooks.metrics_json_hook import metrics_record


def test_record_groups_and_converts_values():
    metrics = {'mDice': np.float32(71.25), 'IoU.cat': 50.0, 'Dice.dog': float('nan')}
    record = metrics_record(metrics, 'val', iteration=20)
    assert record['summary'] == {'mDice': 71.25}
    assert record['per_class'] == {'cat': {'IoU': 50.0}, 'dog': {'Dice': None}}
    assert record['split'] == 'val' and record['iteration'] == 20
    json.dumps(record)  # plain JSON, no numpy types


def test_val_and_test_files_are_named_by_split_and_iteration_or_checkpoint(tmp_path):
    loader = lambda split: SimpleNamespace(  # noqa: E731
        dataset=SimpleNamespace(data_prefix={'img_path': f'/d/img/{split}'})
    )
    runner = SimpleNamespace(
        work_dir=str(tmp_path),
        iter=40,
        experiment_name='exp',
        val_dataloader=loader('val'),
        test_dataloader=loader('test'),
        cfg={'load_from': '/w/best_mDice_iter_40.pth'},
        logger=SimpleNamespace(info=lambda msg: None),
    )
    hook = MetricsJsonHook()
    hook.after_val_epoch(runner, {'mDice': 70.0})
    hook.after_test_epoch(runner, {'mDice': 65.0, 'Dice.cat': 60.0})
    val = json.loads((tmp_path / 'metrics_val_iter_40.json').read_text())
    test = json.loads((tmp_path / 'metrics_test_best_mDice_iter_40.json').read_text())
    assert val['summary']['mDice'] == 70.0 and val['iteration'] == 40
    assert test['per_class']['cat']['Dice'] == 60.0
    assert test['checkpoint'] == '/w/best_mDice_iter_40.pth'


def test_a_test_run_never_replaces_a_validation_record(tmp_path):
    loader = SimpleNamespace(dataset=SimpleNamespace(data_prefix={'img_path': '/d/img/val'}))
    runner = SimpleNamespace(
        work_dir=str(tmp_path),
        iter=40,
        experiment_name='exp',
        val_dataloader=loader,
        test_dataloader=loader,
        cfg={'load_from': '/w/iter_40.pth'},
        logger=SimpleNamespace(info=lambda msg: None),
    )
    hook = MetricsJsonHook()
    hook.after_val_epoch(runner, {'mDice': 70.0})
    hook.after_test_epoch(runner, {'mDice': 65.0})
    validation = json.loads((tmp_path / 'metrics_val_iter_40.json').read_text())
    test = json.loads((tmp_path / 'metrics_val_iter_40_test.json').read_text())
    assert validation['kind'] == 'validation' and validation['summary']['mDice'] == 70.0
    assert test['kind'] == 'test' and test['summary']['mDice'] == 65.0


def test_a_test_run_writes_each_images_areas_beside_its_metrics(tmp_path):
    per_image = {'images': ['test/a', 'test/b'], 'area_intersect': [[5, 1, 0], [4, 0, 2]],
                 'area_union': [[6, 2, 0], [5, 0, 3]], 'area_pred': [[5, 2, 0], [5, 0, 2]],
                 'area_label': [[6, 1, 0], [4, 0, 3]]}  # fmt: skip
    evaluator = SimpleNamespace(
        metrics=[SimpleNamespace(per_image=per_image)],
        dataset_meta={'classes': ('background', 'cat', 'dog')},
    )
    loader = SimpleNamespace(dataset=SimpleNamespace(data_prefix={'img_path': '/d/img/test'}))
    runner = SimpleNamespace(
        work_dir=str(tmp_path), iter=0, experiment_name='exp', test_dataloader=loader,
        test_evaluator=evaluator, cfg={'load_from': '/w/iter_40.pth'},
        logger=SimpleNamespace(info=lambda msg: None),
    )  # fmt: skip
    MetricsJsonHook().after_test_epoch(runner, {'mDice': 65.0})
    written = json.loads((tmp_path / 'per_image_test_iter_40.json').read_text())
    assert written['classes'] == ['background', 'cat', 'dog'] and written['split'] == 'test'
    assert written['images'] == ['test/a', 'test/b']
    assert written['area_label'] == per_image['area_label']


class _Dataset:
    """The part of a BaseDataset the hook reads: its images and data_root."""

    def __init__(self, root: str, names: list[str]):
        self.data_root = root
        self.data_prefix = {'img_path': f'{root}/img/val'}
        self._paths = [f'{root}/img/val/{name}' for name in names]

    def __len__(self):
        return len(self._paths)

    def get_data_info(self, index):
        return {'img_path': self._paths[index]}


def test_records_say_which_images_were_evaluated(tmp_path):
    """compare needs this to tell runs validated on different images apart."""

    def validate(root: str, names: list[str], out: Path) -> dict:
        out.mkdir()
        runner = SimpleNamespace(
            work_dir=str(out), iter=10, experiment_name='exp',
            val_dataloader=SimpleNamespace(dataset=_Dataset(root, names)),
            logger=SimpleNamespace(info=lambda msg: None),
        )  # fmt: skip
        MetricsJsonHook().after_val_epoch(runner, {'mDice': 70.0})
        return json.loads((out / 'metrics_val_iter_10.json').read_text())['data']

    a = validate('/d/pets', ['b.jpg', 'a.jpg'], tmp_path / 'a')
    assert a['data_root'] == '/d/pets' and a['images'] == 2
    assert validate('/d/copy', ['a.jpg', 'b.jpg'], tmp_path / 'b')['digest'] == a['digest']
    assert validate('/d/pets', ['a.jpg', 'c.jpg'], tmp_path / 'c')['digest'] != a['digest']
