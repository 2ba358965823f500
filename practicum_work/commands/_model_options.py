"""Arguments shared by the commands that run a trained model (best-worst, postprocess-eval)."""

from __future__ import annotations

import argparse


class CfgOptionsAction(argparse.Action):
    """``--cfg-options k=v ...`` parsed by MMEngine's ``DictAction``, imported only when used."""

    def __call__(self, parser, namespace, values, option_string=None):
        from mmengine.config import DictAction

        DictAction(self.option_strings, self.dest)(parser, namespace, values, option_string)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """--config, --checkpoint, --data-root, --batch-size, --device, --cfg-options, --workers."""
    parser.add_argument(
        '--config', required=True, help='experiment config, e.g. configs/hyp1_segformer_b0.py'
    )
    parser.add_argument('--checkpoint', required=True, help='a checkpoint of that config (.pth)')
    parser.add_argument('--data-root', default=None, help="dataset root (default: the config's)")
    parser.add_argument(
        '--batch-size', type=int, default=None, help="images per batch (default: the config's)"
    )
    parser.add_argument('--device', default='cpu', help='cpu or cuda[:N] (default cpu)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=CfgOptionsAction,
        default=None,
        metavar='KEY=VALUE',
        help='override config settings as in tools/test.py, e.g. '
        'test_dataloader.dataset.pipeline.1.scale="(512,512)"',
    )
    parser.add_argument(
        '--workers',
        type=int,
        default=None,
        help="dataloader workers and drawing processes (default: the config's / all cores)",
    )
    parser.add_argument('--overwrite', action='store_true', help='replace an existing --out')
