"""Train a segmentor: MMSeg 1.x ``tools/train.py`` plus petseg's clear errors.

Usage: python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]] [--amp]
       [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]
Differences from upstream: ``--resume`` alone resumes the latest checkpoint of the work dir,
``--resume CKPT`` resumes that file (as in MMDetection); ``--amp`` without a CUDA GPU is a
clear error; ``--cfg-options data_root=PATH`` re-points all three dataloaders; bad input
(missing config or data) prints one line and exits 2.
"""

import argparse
import logging
import os
import os.path as osp
import sys

from mmengine.config import DictAction
from mmengine.logging import print_log
from mmengine.runner import Runner

from practicum_work import compat
from practicum_work.core.config import load_tool_config
from practicum_work.core.errors import PetsegError, user_message


def parse_args():
    parser = argparse.ArgumentParser(description='Train a segmentor')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the latest checkpoint in the work dir, or from CKPT if given',
    )
    parser.add_argument(
        '--amp', action='store_true', default=False, help='automatic mixed precision (CUDA only)'
    )
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs, e.g. '
        'train_cfg.max_iters=200 data_root=data/my_pets',
    )
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher',
    )
    # torch.distributed.launch passes --local-rank (torch >= 2.0) or --local_rank.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main():
    args = parse_args()
    compat.quiet_upstream_warnings()
    cfg = load_tool_config(args.config, args.cfg_options, args.work_dir, args.launcher)

    if args.amp:
        import torch

        if not torch.cuda.is_available():
            raise PetsegError(
                '--amp needs a CUDA GPU (AmpOptimWrapper); none is available here. '
                'Run without --amp on CPU.'
            )
        optim_wrapper = cfg.optim_wrapper.type
        if optim_wrapper == 'AmpOptimWrapper':
            print_log(
                'AMP training is already enabled in your config.',
                logger='current',
                level=logging.WARNING,
            )
        elif optim_wrapper != 'OptimWrapper':
            raise PetsegError(
                f'--amp supports optim_wrapper type OptimWrapper, not {optim_wrapper}'
            )
        else:
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.loss_scale = 'dynamic'

    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        if not osp.isfile(args.resume):
            raise PetsegError(f'checkpoint {args.resume} given to --resume does not exist')
        cfg.resume = True
        cfg.load_from = args.resume

    if 'runner_type' not in cfg:
        runner = Runner.from_cfg(cfg)
    else:
        from mmseg.registry import RUNNERS

        runner = RUNNERS.build(cfg)
    runner.train()


if __name__ == '__main__':
    try:
        main()
    except PetsegError as err:
        print(f'train.py: error: {user_message(err)}', file=sys.stderr)
        sys.exit(2)
