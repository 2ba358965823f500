"""``petseg best-worst``: per-image scores, best/worst panels and the confusion matrix."""

from __future__ import annotations

import argparse

from practicum_work.commands._model_options import add_model_arguments


def min_area_argument(text: str) -> int | list[int]:
    """``'64'`` -> 64 (cat/dog); ``'0,64,128'`` -> one value per class."""
    try:
        values = [int(v) for v in text.split(',') if v.strip()]
    except ValueError:
        values = []
    if not values or any(v < 0 for v in values):
        raise argparse.ArgumentTypeError(f'expected N or N,N,N (integers >= 0), got {text!r}')
    return values[0] if len(values) == 1 else values


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``best-worst`` subcommand."""
    parser = subparsers.add_parser(
        'best-worst',
        help='score every image of a split; draw the best and worst predictions',
        description='Predict a split with a checkpoint (MMSeg test pipeline), score every image '
        '(IoU/Dice per class, mean foreground Dice), and write the K best and K worst as panels '
        '(image | ground truth | prediction | errors), the worst per class and per confusion, '
        'scores.csv/json and a row-normalised confusion matrix.',
    )
    add_model_arguments(parser)
    parser.add_argument('--split', default='test', help='split folder to evaluate (default test)')
    parser.add_argument('--k', type=int, default=5, help='how many best and worst (default 5)')
    parser.add_argument(
        '--out', default=None, help="output folder (default: the checkpoint's folder/best_worst)"
    )
    parser.add_argument(
        '--min-area',
        type=min_area_argument,
        default=None,
        metavar='N[,N,N]',
        help='remove predicted components under N pixels (cat/dog), or one N per class '
        "(background,cat,dog); default: the config's model.test_cfg.min_component_area",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Run best-worst and print a summary."""
    from practicum_work.analysis.best_worst import run_best_worst

    result = run_best_worst(
        args.config,
        args.checkpoint,
        split=args.split,
        k=args.k,
        out=args.out,
        data_root=args.data_root,
        batch_size=args.batch_size,
        device=args.device,
        min_area=args.min_area,
        cfg_options=args.cfg_options,
        workers=args.workers,
        overwrite=args.overwrite,
    )
    summary = result.metrics['summary']

    def fmt(value):
        return '—' if value is None else f'{value:.1f}'

    print(
        f'{result.split}: {result.n_images} images ({result.n_ranked} ranked), '
        f'mIoU {fmt(summary["mIoU"])}  mDice {fmt(summary["mDice"])}  aAcc {fmt(summary["aAcc"])}'
        f'  mean per-image foreground Dice {fmt(result.mean_fg_dice)}'
        f'  (min component area {result.min_component_area})'
    )
    if result.left_out:
        print(f'left out {len(result.left_out)} (not evaluated; in scores.json):')
        for entry in result.left_out:
            print(f'  {entry}')
    print('best : ' + ', '.join(f'{e.stem} {fmt(e.score)}' for e in result.best))
    print('worst: ' + ', '.join(f'{e.stem} {fmt(e.score)}' for e in result.worst))
    for name, entries in result.confusions.items():
        if entries:
            top = entries[0]
            print(f'{name:<16} most in {top.stem} ({top.detail["pixels"]} px, {fmt(top.score)}%)')
    print(f'wrote {result.out_dir} (panels, scores.csv, scores.json, confusion_matrix.png)')
    return 0
