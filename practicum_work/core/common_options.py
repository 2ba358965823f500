"""The options several commands share, declared once: each function is a settings field.

A tool's settings dataclass writes ``workers: int | None = common.workers()`` instead of
repeating the default and the help, so ``--workers`` means the same in every command that
takes it. The conventions, the same in every command:

- the experiment config is the first argument, as in MMSeg's ``tools/train.py CONFIG`` and
  ``tools/test.py CONFIG CHECKPOINT`` (and the checkpoint the second); ``--config`` and
  ``--checkpoint`` are accepted too, the spelling of earlier petseg versions;
- ``--data-root`` names a dataset (``img/``, ``labels/``); ``--out`` the new output, which an
  existing one never silently replaces (``--overwrite``);
- ``--workers`` is the number of processes of a per-image tool (default: all cores); the
  dataloader workers of a tool that trains or predicts are :func:`loader_workers`;
- a tool that trains or predicts takes ``--device`` (default cpu) and ``--seed`` (default 0);
- a tool that trains short runs from scratch takes ``--lr``, default :data:`FROM_SCRATCH_LR`
  in every such command (an SGD config wants its own rate, e.g. ``--lr 0.01``).

Light to import (the standard library only; MMEngine's ``DictAction`` is imported when
``--cfg-options`` is parsed), so ``petseg --help`` stays fast.
"""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from practicum_work.core.options import option

CONFIG_EXAMPLE = 'configs/hyp1_segformer_b0.py'
# Short runs train from scratch (no pretrained weights offline), where SegFormer and Swin learn
# at about 10x their AdamW fine-tuning rate (6e-5): the rate of the demo's and the fold models'.
FROM_SCRATCH_LR = 6e-4


class CfgOptionsAction(argparse.Action):
    """``--cfg-options k=v ...`` parsed by MMEngine's ``DictAction``, imported only when used."""

    def __call__(self, parser, namespace, values, option_string=None):
        from mmengine.config import DictAction

        DictAction(self.option_strings, self.dest)(parser, namespace, values, option_string)


def config(default: Any = dataclasses.MISSING) -> Any:
    """The experiment config: the first argument (``--config`` also accepted)."""
    example = '' if default is not dataclasses.MISSING else f', e.g. {CONFIG_EXAMPLE}'
    return option(
        default, help=f'experiment config{example}', positional=True, aliases=('--config',)
    )


def checkpoint() -> Any:
    """A checkpoint of the config: the second argument (``--checkpoint`` also accepted)."""
    return option(
        help='a checkpoint of that config (.pth)', positional=True, aliases=('--checkpoint',)
    )


def data_root(help: str = 'dataset root (img/, labels/)') -> Any:
    """``--data-root``, required."""
    return option(help=help, required=True)


def config_data_root() -> Any:
    """``--data-root`` of a tool that reads the config's dataset unless told another."""
    return option(None, help="dataset root (default: the config's)")


def workers() -> Any:
    """``--workers``: processes of a per-image tool."""
    return option(None, help='processes (default: all cores)')


def loader_workers(default: int = 2) -> Any:
    """``--workers`` of a tool that trains: dataloader workers."""
    return option(default, help='dataloader workers')


def overwrite(what: str = '--out') -> Any:
    """``--overwrite``: replace an existing output (named by ``what``)."""
    return option(False, help=f'replace an existing {what}')


def seed(help: str = 'random seed') -> Any:
    """``--seed``, default 0."""
    return option(0, help=help)


def lr() -> Any:
    """``--lr`` of a tool that trains short runs from scratch."""
    return option(
        FROM_SCRATCH_LR,
        help="learning rate, from scratch (about 10x the AdamW configs' 6e-5 fine-tuning rate; "
        'an SGD config wants its own, e.g. 0.01)',
    )


def device() -> Any:
    """``--device`` of a tool that runs a model."""
    return option('cpu', help='cpu or cuda[:N]')


def cfg_options() -> Any:
    """``--cfg-options KEY=VALUE ...`` as in MMSeg's tools."""
    return option(
        None,
        help='override config settings as in tools/test.py, e.g. '
        'test_dataloader.dataset.pipeline.1.scale="(512,512)"',
        action=CfgOptionsAction,
        nargs='+',
        metavar='KEY=VALUE',
    )


def clearml() -> Any:
    """``--clearml [auto|online|offline]``: send a data tool's report to ClearML too."""
    return option(
        None,
        help='also send the report and its pictures to ClearML as a data_processing task '
        '(auto: online with a configured server, else offline; a ClearML problem is one warning)',
        choices=('auto', 'online', 'offline'),
        const='auto',
    )
