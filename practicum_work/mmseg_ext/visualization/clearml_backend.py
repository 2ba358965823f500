"""PetsegClearMLVisBackend: mmengine's ClearMLVisBackend that never stops a run.

Differences from upstream (mmengine 0.10.7, see README "Known upstream issues"):
- mode ``online`` / ``offline`` / ``off`` (:mod:`practicum_work.tracking.mode`): without a
  configured server the run is tracked offline (one warning line), not killed;
- any ClearML exception at start, while logging or at close becomes one warning line; the
  backend then stops reporting and the run goes on with local logging;
- a new task per run (``reuse_last_task_id=False``), named ``<config>_<timestamp>``, tagged
  with hypothesis, model and dataset; ClearML does not reseed the RNGs;
- hyperparameters as one flat dict, the full config as a configuration object (twice:
  ``config`` to edit in a clone, ``config_recorded`` as recorded), the command line as ``Args``,
  the repository's requirements as the packages, scalars grouped into a few charts, sample
  images grouped by title: a clone can be edited and enqueued to a ClearML Agent
  (:mod:`practicum_work.tracking.agent`);
- ``close()`` uploads nothing; checkpoints are registered by :class:`ClearMLResultsHook`
  (best, optionally last) without deleting the local file, or only recorded offline.

Settings come from the backend's arguments, overridden by the config's ``clearml`` dict
(``--cfg-options clearml.mode=off``): ``mode``, ``project``, ``task_name``, ``task_type``,
``tags``, ``output_uri``, ``register_last_checkpoint``, ``init_kwargs``.
"""

from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass, field, fields
from datetime import datetime
from pathlib import Path
from typing import Any

from mmengine.dist import get_rank
from mmengine.logging import print_log
from mmengine.visualization import ClearMLVisBackend
from mmseg.registry import VISBACKENDS

from practicum_work.core.classes import CLASSES
from practicum_work.core.errors import PetsegError
from practicum_work.core.metric_keys import split_metric_key
from practicum_work.tracking.agent import record_for_agent, under_agent
from practicum_work.tracking.config_edits import (
    CONFIG_OBJECT,
    HYPERPARAMETER_SECTION,
    RECORDED_CONFIG_OBJECT,
)
from practicum_work.tracking.mode import IMPORT_HINT, resolve_mode
from practicum_work.tracking.run_summary import (
    config_name,
    hyperparameters,
    run_tags,
)
from practicum_work.tracking.scalar_groups import (
    chart_for,
    group_scalars,
    is_train_log,
    scalar_value,
)
from practicum_work.tracking.task import TaskHandle, close_task, start_task

SAMPLE_PREFIX = 'val_sample_'
_TIMESTAMP = re.compile(r'^\d{8}_\d{6}$')


@dataclass
class ClearMLSettings:
    """What the backend reports where (config key ``clearml``)."""

    mode: str = 'auto'
    project: str = 'petseg'
    task_name: str | None = None
    task_type: str = 'training'
    tags: list[str] = field(default_factory=list)
    output_uri: str | bool | None = None
    register_last_checkpoint: bool = False
    init_kwargs: dict = field(default_factory=dict)

    def updated(self, overrides: Any) -> ClearMLSettings:
        """A copy with the known keys of ``overrides``; unknown keys are a clear error."""
        known = {f.name for f in fields(self)}
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        for key, value in dict(overrides or {}).items():
            if key not in known:
                raise PetsegError(
                    f'clearml.{key} is not a ClearML setting; known: {", ".join(sorted(known))}'
                )
            values[key] = value
        return ClearMLSettings(**values)


def _warn(message: str) -> None:
    print_log(message, logger='current', level=logging.WARNING)


@VISBACKENDS.register_module()
class PetsegClearMLVisBackend(ClearMLVisBackend):
    """ClearML tracking for MMEngine runs that falls back (offline, then off) instead of failing.

    Args:
        save_dir: the visualiser's ``<work_dir>/<timestamp>/vis_data``; its timestamp names
            the task and the offline session zip is copied next to it.
        init_kwargs: extra ``clearml.Task.init`` arguments.
        artifact_suffix: ignored (upstream uploads every matching file at close).
        **settings: :class:`ClearMLSettings` fields.
    """

    def __init__(
        self,
        save_dir: str | None = None,
        init_kwargs: dict | None = None,
        artifact_suffix: Any = (),
        **settings: Any,
    ) -> None:
        super().__init__(save_dir, init_kwargs, artifact_suffix)
        self.settings = ClearMLSettings(init_kwargs=dict(init_kwargs or {})).updated(settings)
        self.cfg: Any = None
        self.mode: str | None = None  # resolved at start: 'online' | 'offline' | 'off'
        self.offline_session: Path | None = None
        self.task_name: str | None = None  # set at start
        self._handle: TaskHandle | None = None
        self._failed = False

    # ------------------------------------------------------------------ state
    @property
    def task(self) -> Any:
        """The open ClearML task, or ``None`` (off, failed, closed or not started)."""
        return None if self._handle is None or self._failed else self._handle.task

    @property  # type: ignore[override]
    def experiment(self) -> Any:
        """The ClearML task (upstream returns the clearml module), or ``None``."""
        self._ensure_started()
        return self.task

    def _init_env(self) -> None:
        """Start the task; called once by ``force_init_env`` or :meth:`_ensure_started`."""
        self._env_initialized = True
        # An invalid mode value raises PetsegError here: a clear one-line error at Runner build.
        decision = resolve_mode(self.settings.mode, rank=get_rank())
        self.mode = decision.mode
        if decision.mode == 'off':
            if get_rank() == 0:
                print_log(f'ClearML off ({decision.reason})', logger='current')
            return
        if decision.warning:
            _warn(decision.warning)
        try:
            self.task_name = self._task_name()
            self._handle = start_task(
                decision,
                project=self.settings.project,
                task_name=self.task_name,
                task_type=self.settings.task_type,
                tags=self._tags(),
                output_uri=self.settings.output_uri,
                init_kwargs=self.settings.init_kwargs,
            )
        except BaseException as err:  # ImportError, MissingConfigError, UsageError, network...
            if isinstance(err, KeyboardInterrupt):
                raise
            self._fail('start', err)
            return
        for message in self._handle.warnings:
            _warn(message)
        self.mode = self._handle.mode
        print_log(
            f'ClearML {self.mode}: project {self.settings.project!r}, '
            f'task {self.task_name!r} (id {getattr(self._handle.task, "id", "?")})',
            logger='current',
        )

    def _ensure_started(self) -> bool:
        if not self._env_initialized:
            self._init_env()
        return self.task is not None

    def _fail(self, stage: str, err: BaseException) -> None:
        if not self._failed:
            _warn(
                f'ClearML {stage} failed ({type(err).__name__}: {err}); ClearML tracking is off '
                'for the rest of this run, local logging goes on'
            )
        self._failed = True

    def _tags(self) -> list[str]:
        extra = [*self.settings.tags, *(['test'] if self.settings.task_type == 'testing' else [])]
        return run_tags(self.cfg, extra) if self.cfg is not None else extra

    def _task_name(self) -> str:
        if self.settings.task_name:
            return self.settings.task_name
        stamp = Path(self._save_dir).parent.name if self._save_dir else ''
        if not _TIMESTAMP.match(stamp):
            stamp = datetime.now().strftime('%Y%m%d_%H%M%S')
        base = config_name(self.cfg) if self.cfg is not None else 'experiment'
        phase = '_test' if self.settings.task_type == 'testing' else ''
        return f'{base}{phase}_{stamp}'

    def _report(self, stage: str, fn: Any, *args: Any, **kwargs: Any) -> None:
        """Call ``fn`` if the task is up; turn any exception into one warning."""
        if not self._ensure_started():
            return
        try:
            fn(*args, **kwargs)
        except Exception as err:
            self._fail(stage, err)

    # --------------------------------------------------------------- logging
    def add_config(self, config: Any, **kwargs: Any) -> None:
        """Read ``config.clearml``, start the task, log hyperparameters and the full config."""
        self.cfg = config
        self.settings = self.settings.updated(config.get('clearml', None))
        self._report('config logging', self._log_config, config)

    def _log_config(self, config: Any) -> None:
        self.task.connect(hyperparameters(config), name=HYPERPARAMETER_SECTION)
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / f'{config_name(config)}.py'
            path.write_text(config.pretty_text)
            self.task.connect_configuration(
                path, name=CONFIG_OBJECT, description='MMEngine config (edit it in a clone)'
            )
            if under_agent():  # the agent's task keeps the record of the run it was cloned from
                return
            self.task.connect_configuration(
                path,
                name=RECORDED_CONFIG_OBJECT,
                description=f'as recorded: edits of {CONFIG_OBJECT!r} are read against it',
            )
        record_for_agent(self.task)

    def add_scalar(self, name: str, value: Any, step: int = 0, **kwargs: Any) -> None:
        """One scalar, charted like the same key of :meth:`add_scalars`."""
        number = scalar_value(value)
        if number is None:
            return
        title, series = chart_for(name, 'train' if is_train_log([name]) else 'val')
        self._report('scalar logging', self._scalar, title, series, number, step)

    def add_scalars(
        self, scalar_dict: dict, step: int = 0, file_path: str | None = None, **kwargs: Any
    ) -> None:
        """A log step's scalars, grouped into charts (:mod:`.scalar_groups`)."""
        grouped = group_scalars(scalar_dict)
        self._report('scalar logging', self._scalars, grouped, step)

    def _scalar(self, title: str, series: str, value: float, step: int) -> None:
        self.task.get_logger().report_scalar(
            title=title, series=series, value=value, iteration=step
        )

    def _scalars(self, grouped: list[tuple[str, str, float]], step: int) -> None:
        logger = self.task.get_logger()
        for title, series, value in grouped:
            logger.report_scalar(title=title, series=series, value=value, iteration=step)

    def add_image(self, name: str, image: Any, step: int = 0, **kwargs: Any) -> None:
        """An RGB image: ``val_sample_<stem>`` under 'val samples', others under 'images'."""
        if name.startswith(SAMPLE_PREFIX):
            title, series = 'val samples', name[len(SAMPLE_PREFIX) :]
        else:
            title, series = 'images', name
        self._report(
            'image logging',
            lambda: self.task.get_logger().report_image(
                title=title, series=series, iteration=step, image=image
            ),
        )

    # ------------------------------------------------------ results (hooks)
    def report_test_metrics(self, metrics: dict, checkpoint: str) -> None:
        """The final test metrics: a per-class table and one single value per mean metric."""
        self._report('test metrics logging', self._test_metrics, metrics, checkpoint)

    def _test_metrics(self, metrics: dict, checkpoint: str) -> None:
        logger = self.task.get_logger()
        per_class: dict[str, dict[str, float | None]] = {}
        names: list[str] = []
        for key, value in metrics.items():
            metric, class_name = split_metric_key(key)
            if class_name is not None:
                per_class.setdefault(class_name, {})[metric] = scalar_value(value)
                if metric not in names:
                    names.append(metric)
            elif (number := scalar_value(value)) is not None:
                logger.report_single_value(name=f'test {key}', value=number)
        if per_class:
            rows = [['class', *names]]
            for class_name, values in per_class.items():
                rows.append(
                    [class_name, *('' if values.get(n) is None else values[n] for n in names)]
                )
            series = Path(checkpoint).stem if checkpoint else 'model'
            logger.report_table(
                title='test per-class metrics', series=series, iteration=0, table_plot=rows
            )

    def register_checkpoints(self, checkpoints: dict[str, str], iteration: int) -> None:
        """Record ``{'best': path, 'last': path}``; online, register them as OutputModels.

        Nothing else in the work dir is uploaded; local files are never deleted
        (``auto_delete_file=False``). Offline, clearml 2.1.12's ``OutputModel`` fails and
        would copy the weights into the session zip, so only the paths are recorded.
        """
        self._report('model registration', self._register, checkpoints, iteration)

    def _register(self, checkpoints: dict[str, str], iteration: int) -> None:
        record = {name: str(Path(path).resolve()) for name, path in checkpoints.items() if path}
        if not record:
            return
        self.task.connect_configuration(record, name='checkpoints', description='local paths')
        if self.mode != 'online':
            return
        from clearml import OutputModel

        # output_uri True (the files server) is the task's default destination already
        uri = self.settings.output_uri
        upload_uri = uri if isinstance(uri, str) and uri else None
        for name, path in record.items():
            model = OutputModel(
                task=self.task,
                name=f'{self.task_name} {name}',
                framework='PyTorch',
                config_text=self.cfg.pretty_text if self.cfg is not None else None,
                label_enumeration={name: index for index, name in enumerate(CLASSES)},
                tags=[name],
            )
            model.update_weights(
                weights_filename=path,
                auto_delete_file=False,
                iteration=iteration,
                upload_uri=upload_uri,
            )

    # ------------------------------------------------------------------ close
    def close(self) -> None:
        """Close the task (no uploads); offline, copy the session zip next to the run's logs."""
        handle, self._handle = self._handle, None
        if handle is None:
            return
        log_dir = Path(self._save_dir).parent if self._save_dir else None
        try:
            self.offline_session = close_task(handle, copy_zip_to=log_dir)
        except Exception as err:
            self._fail('close', err)
            return
        if self.offline_session is not None:
            print_log(
                f'ClearML offline session: {self.offline_session} ({IMPORT_HINT})',
                logger='current',
            )
