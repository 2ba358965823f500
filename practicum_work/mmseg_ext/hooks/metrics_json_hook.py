"""MetricsJsonHook: write each evaluation's metrics to ``<work_dir>/metrics_<split>_<tag>.json``."""

from __future__ import annotations

import hashlib
import json
import math
import os.path as osp
from pathlib import Path

from mmengine.dist import is_main_process
from mmengine.hooks import Hook
from mmseg.registry import HOOKS

from practicum_work.core.metric_keys import split_metric_key


def _split_name(dataloader) -> str:
    prefix = getattr(dataloader.dataset, 'data_prefix', {}).get('img_path', '')
    return Path(prefix).name or 'unknown'


def evaluated_data(dataset) -> dict | None:
    """Which images an evaluation saw: ``data_root``, their number and a digest of their names.

    The digest is over the sorted ``<folder>/<file>`` names, so the same images read from two
    copies of a dataset digest alike; ``petseg compare`` warns when runs ranked together
    saw different images. None when the dataset does not say (no ``get_data_info``).
    """
    try:
        paths = [dataset.get_data_info(i)['img_path'] for i in range(len(dataset))]
    except (AttributeError, KeyError, TypeError):
        return None
    names = sorted(f'{Path(p).parent.name}/{Path(p).name}' for p in paths)
    digest = hashlib.sha1('\n'.join(names).encode()).hexdigest()[:16]
    root = getattr(dataset, 'data_root', None) or ''
    return dict(data_root=osp.abspath(root) if root else '', images=len(names), digest=digest)


def _plain(value: object) -> float | None:
    number = float(value)  # numpy / torch scalars -> float
    return None if math.isnan(number) else round(number, 4)


def metrics_record(metrics: dict, split: str, **extra) -> dict:
    """Group ``metrics`` into ``summary`` (means) and ``per_class`` (plain floats, NaN -> null)."""
    summary, per_class = {}, {}
    for key, value in metrics.items():
        metric, class_name = split_metric_key(key)
        if class_name is not None:
            per_class.setdefault(class_name, {})[metric] = _plain(value)
        else:
            summary[key] = _plain(value)
    return dict(split=split, **extra, units='percent', summary=summary, per_class=per_class)


@HOOKS.register_module()
class MetricsJsonHook(Hook):
    """Val: ``metrics_<split>_iter_<N>.json``; test: ``metrics_<split>_<checkpoint>.json``
    and ``per_image_<split>_<checkpoint>.json`` (areas per image and class, for bootstraps).

    ``<split>`` is the name of the evaluated image folder (``val``, ``test``); ``data`` says
    which images (:func:`evaluated_data`). A test run never
    replaces a validation record of the same name (tools/test.py on ``val`` with ``iter_N.pth``):
    it writes ``metrics_<split>_<checkpoint>_test.json`` then.
    """

    priority = 'LOW'

    def __init__(self) -> None:
        self._data: dict[int, dict | None] = {}

    def _evaluated(self, dataloader) -> dict | None:
        """:func:`evaluated_data` of the loader's dataset, computed once per dataset."""
        dataset = dataloader.dataset
        if id(dataset) not in self._data:
            self._data[id(dataset)] = evaluated_data(dataset)
        return self._data[id(dataset)]

    def after_val_epoch(self, runner, metrics: dict | None = None) -> None:
        """Write the validation metrics of the current iteration."""
        if metrics:
            split = _split_name(runner.val_dataloader)
            tag = f'iter_{runner.iter}'
            data = self._evaluated(runner.val_dataloader)
            self._write(runner, metrics, split, tag, 'validation', iteration=runner.iter, data=data)

    def after_test_epoch(self, runner, metrics: dict | None = None) -> None:
        """Write the test metrics, named after the evaluated checkpoint."""
        if metrics:
            split = _split_name(runner.test_dataloader)
            checkpoint = runner.cfg.get('load_from') or ''
            tag = osp.splitext(osp.basename(checkpoint))[0] or 'model'
            data = self._evaluated(runner.test_dataloader)
            self._write(runner, metrics, split, tag, 'test', checkpoint=checkpoint, data=data)
            self._write_per_image(runner, split, tag, checkpoint)

    @staticmethod
    def _write_per_image(runner, split: str, tag: str, checkpoint: str) -> None:
        """``per_image_<split>_<tag>.json``: each image's areas per class (for bootstraps)."""
        if not is_main_process():
            return
        evaluator = getattr(runner, 'test_evaluator', None)
        metrics = getattr(evaluator, 'metrics', None) or []
        per_image = next((m.per_image for m in metrics if getattr(m, 'per_image', None)), None)
        if not per_image:
            return
        classes = list((getattr(evaluator, 'dataset_meta', None) or {}).get('classes', []))
        record = dict(split=split, checkpoint=checkpoint, classes=classes, **per_image)
        path = Path(runner.work_dir) / f'per_image_{split}_{tag}.json'
        tmp = path.with_suffix('.json.tmp')
        tmp.write_text(json.dumps(record))
        tmp.replace(path)

    @staticmethod
    def _write(runner, metrics: dict, split: str, tag: str, kind: str, **extra) -> None:
        if not is_main_process():
            return
        record = metrics_record(
            metrics, split, kind=kind, experiment=runner.experiment_name, **extra
        )
        path = Path(runner.work_dir) / f'metrics_{split}_{tag}.json'
        if path.is_file() and json.loads(path.read_text()).get('kind') != kind:
            path = path.with_name(f'metrics_{split}_{tag}_{kind}.json')
        tmp = path.with_suffix('.json.tmp')
        tmp.write_text(json.dumps(record, indent=2))
        tmp.replace(path)
        runner.logger.info(f'metrics written to {path}')
