"""Train a segmentor: MMSeg 1.x ``tools/train.py`` plus petseg's checks and clear errors.

Usage: python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT] | --overwrite] [--amp]
       [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]
Differences from upstream: ``--resume`` alone resumes the latest checkpoint of the work dir,
``--resume CKPT`` resumes that file (as in MMDetection); a work dir that already holds a run
is refused unless ``--resume`` or ``--overwrite`` (start over; the earlier run's files move to
``<work_dir>/previous_runs/<time>/``); ``--cfg-options`` keys and values are checked against
the config, and the data folders and the training masks before the Runner is built;
``--cfg-options data_root=PATH`` re-points all three dataloaders; ``--amp`` without a CUDA GPU
is a clear error; bad input prints one line and exits 2, before anything is written. The
console shows the run (the environment and config dump go to the log file only).
"""

import argparse
import os
import sys

from mmengine.config import DictAction

from practicum_work import compat
from practicum_work.core.errors import PetsegError, user_message
from practicum_work.core.run_setup import prepare_train
from practicum_work.mmseg_ext.runners import PetsegRunner


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
        '--overwrite',
        action='store_true',
        help='start over in a work dir that holds a run: its files move to '
        '<work_dir>/previous_runs/<time>/ (nothing is deleted)',
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
    if args.resume and args.overwrite:
        parser.error('--resume continues the run in the work dir, --overwrite starts over')
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main():
    args = parse_args()
    compat.quiet_upstream_warnings()
    setup = prepare_train(
        args.config,
        args.cfg_options,
        args.work_dir,
        args.launcher,
        resume=args.resume,
        overwrite=args.overwrite,
        amp=args.amp,
        warn=lambda message: print(f'train.py: warning: {message}', file=sys.stderr),
    )
    cfg = setup.cfg
    if 'runner_type' not in cfg:
        runner = PetsegRunner.from_cfg(cfg)
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
