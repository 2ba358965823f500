"""PetsegRunner: MMEngine's Runner whose console shows the run, not its start-up record.

MMEngine logs the system environment, the whole config, the hook order and one line per
parameter option (~450 lines before the first iteration) to the console and the log file.
Here they still go to the log file (``<work_dir>/<timestamp>/<timestamp>.log``) but the
console gets one line pointing there instead. :class:`PetsegTestRunner` also keeps the config
copy of a test run in its own log folder, so that testing a checkpoint in its run's folder
does not replace the training config copy (``<work_dir>/<config>.py``).
"""

from __future__ import annotations

import logging
import os.path as osp

from mmengine.runner import Runner
from mmseg.registry import RUNNERS

# Messages of MMEngine's start-up record (Runner._log_env, register_hooks, the optimizer
# constructor's paramwise options).
FILE_ONLY_PREFIXES = (
    '\n' + '-' * 60 + '\nSystem environment',
    'Config:\n',
    'Hooks will be executed in the following order',
    'paramwise_options -- ',
)


class FileOnlyRecords(logging.Filter):
    """Keeps the start-up record (:data:`FILE_ONLY_PREFIXES`) off the handler it filters."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(FILE_ONLY_PREFIXES)


def quiet_console(logger: logging.Logger) -> None:
    """Filter the start-up record out of ``logger``'s console handlers (files keep it)."""
    for handler in logger.handlers:
        if not isinstance(handler, logging.FileHandler) and not any(
            isinstance(f, FileOnlyRecords) for f in handler.filters
        ):
            handler.addFilter(FileOnlyRecords())


@RUNNERS.register_module()
class PetsegRunner(Runner):
    """Runner with the start-up record in the log file only (see the module)."""

    def build_logger(self, log_level='INFO', log_file=None, **kwargs):
        """MMEngine's logger, its console handlers filtered."""
        logger = super().build_logger(log_level=log_level, log_file=log_file, **kwargs)
        quiet_console(logger)
        return logger

    def _log_env(self, env_cfg: dict) -> None:
        super()._log_env(env_cfg)
        log_file = osp.join(self.log_dir, f'{self.timestamp}.log')
        self.logger.info(f'environment, full config and hook order: in {log_file} (not shown here)')


@RUNNERS.register_module()
class PetsegTestRunner(PetsegRunner):
    """PetsegRunner whose config copy goes into the run's log folder (see the module)."""

    def dump_config(self) -> None:
        """Dump the config into ``<work_dir>/<timestamp>/``, not the work dir itself."""
        name = osp.basename(self.cfg.filename) if self.cfg.filename else f'{self.timestamp}.py'
        self.cfg.dump(osp.join(self.log_dir, name))
