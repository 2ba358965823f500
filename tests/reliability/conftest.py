"""Fixtures of the reliability suite: clean sources to break, a checkpoint, a CLI runner."""

from __future__ import annotations

import contextlib
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import HYP1


@dataclass
class CliRun:
    """What ``petseg`` printed and returned."""

    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return [line for line in self.err.splitlines() if line.strip()]


def _logger_streams() -> list[logging.StreamHandler]:
    """MMEngine's console handlers (bound to whatever sys.stdout was when they were made)."""
    from mmengine.logging import MMLogger

    handlers = []
    for logger in MMLogger._instance_dict.values():
        handlers += [
            h
            for h in logger.handlers
            if type(h) is logging.StreamHandler  # no files
            and not getattr(h.stream, 'closed', False)  # a test's captured stream, gone
        ]
    return handlers


def run_cli(argv: list[str]) -> CliRun:
    """``petseg argv`` in this process, as the console script runs it; output captured.

    MMEngine's loggers keep the stream they were created with; they are pointed at the
    captured stdout for the call so that their lines are seen (and never hit a closed stream).
    """
    from practicum_work.cli import main

    out, err = io.StringIO(), io.StringIO()
    handlers = _logger_streams()
    saved = [h.stream for h in handlers]
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            for handler in handlers:
                handler.setStream(out)
            try:
                code = main(argv)
            except SystemExit as exit_:  # argparse
                code = exit_.code if isinstance(exit_.code, int) else 2
    finally:
        for handler, stream in zip(handlers, saved):
            handler.setStream(stream)
    return CliRun(code, out.getvalue(), err.getvalue())


@pytest.fixture(scope='session')
def oxford_source(tmp_path_factory) -> Path:
    """A clean Oxford-IIIT Pet folder (the fixture of tests/data/test_oxford_pet.py)."""
    from tests.data.test_oxford_pet import make_oxford_fixture

    return make_oxford_fixture(tmp_path_factory.mktemp('oxford') / 'oxford-iiit-pet')


@pytest.fixture(scope='session')
def untrained_checkpoint(tmp_path_factory) -> Path:
    """hyp1's model with its initial weights saved as a checkpoint (no training needed)."""
    import torch
    from mmengine.config import Config
    from mmseg.apis import init_model

    cfg = Config.fromfile(HYP1)
    cfg.model.backbone.init_cfg = None
    model = init_model(cfg, None, device='cpu')
    path = tmp_path_factory.mktemp('ckpt') / 'hyp1_init.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, path)
    return path
