"""Test (and evaluate) a segmentor: MMSeg 1.x ``tools/test.py`` plus petseg's clear errors.

Usage: python tools/test.py CONFIG CHECKPOINT [--split NAME] [--work-dir DIR] [--out DIR]
       [--show-dir DIR] [--cfg-options k=v ...] [--launcher ...] [--tta]
Metrics (mIoU, mDice, aAcc, mFscore, per class) are logged and written to
``<work_dir>/metrics_<split>_<checkpoint name>.json`` and, with ClearML on, to a test task.
The work dir is, unless ``--work-dir`` says otherwise, the checkpoint's own folder (its run),
where ``petseg compare`` finds them. ``--split`` evaluates another split (default: the
config's, ``test``). ``--out`` saves the predicted masks as PNG files; ``--show-dir`` saves
painted predictions. Options and data are checked before anything is written.
"""

import argparse
import os
import sys

from mmengine.config import DictAction

from practicum_work import compat
from practicum_work.core.errors import PetsegError, user_message
from practicum_work.core.run_setup import prepare_test
from practicum_work.mmseg_ext.runners import PetsegTestRunner


def parse_args():
    parser = argparse.ArgumentParser(description='MMSeg test (and eval) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir',
        help="where logs and the metrics JSON go (default: the checkpoint's folder, its run)",
    )
    parser.add_argument(
        '--split',
        help='evaluate the images of img/<split> and labels/<split> (default: the '
        "config's test split)",
    )
    parser.add_argument('--out', type=str, help='directory to save the predicted masks (PNG)')
    parser.add_argument('--show', action='store_true', help='show prediction results')
    parser.add_argument(
        '--show-dir',
        help='directory where painted predictions are saved (<show-dir>/vis_data/vis_image)',
    )
    parser.add_argument('--wait-time', type=float, default=2, help='the interval of show (s)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, key=value pairs',
    )
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher',
    )
    parser.add_argument('--tta', action='store_true', help='Test time augmentation')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def trigger_visualization_hook(cfg, args):
    default_hooks = cfg.default_hooks
    if 'visualization' not in default_hooks:
        raise PetsegError(
            'VisualizationHook must be included in default_hooks, e.g. '
            "visualization=dict(type='SegVisualizationHook')"
        )
    visualization_hook = default_hooks['visualization']
    visualization_hook['draw'] = True
    visualization_hook['interval'] = 1  # paint every image, not every 50th
    if args.show:
        visualization_hook['show'] = True
        visualization_hook['wait_time'] = args.wait_time
    if args.show_dir:
        cfg.visualizer['save_dir'] = args.show_dir
    return cfg


def main():
    args = parse_args()
    compat.quiet_upstream_warnings()
    cfg = prepare_test(
        args.config,
        args.checkpoint,
        args.cfg_options,
        args.work_dir,
        args.launcher,
        split=args.split,
        warn=lambda message: print(f'test.py: warning: {message}', file=sys.stderr),
    )
    # ClearML (if on): a test run is a task of its own, type testing, <config>_test_<timestamp>.
    if 'clearml.task_type' not in (args.cfg_options or {}):
        cfg.merge_from_dict({'clearml.task_type': 'testing'})

    # The backbone's pretrained init is pointless before loading a full checkpoint.
    if cfg.model.get('backbone', {}).get('init_cfg'):
        cfg.model.backbone.init_cfg = None

    if args.show or args.show_dir:
        cfg = trigger_visualization_hook(cfg, args)

    if args.tta:
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model

    if args.out is not None:
        cfg.test_evaluator['output_dir'] = args.out
        cfg.test_evaluator['keep_results'] = True

    runner = PetsegTestRunner.from_cfg(cfg)
    runner.test()


if __name__ == '__main__':
    try:
        main()
    except PetsegError as err:
        print(f'test.py: error: {user_message(err)}', file=sys.stderr)
        sys.exit(2)
