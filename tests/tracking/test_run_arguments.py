"""The command line as ClearML's Args section and back: what an agent's clone parses."""

from __future__ import annotations

import argparse

import pytest

from practicum_work import test as test_entry
from practicum_work import train as train_entry
from practicum_work.core.errors import PetsegError
from practicum_work.tracking.run_arguments import arguments_section, command_line

TRAIN_ARGV = [
    'configs/hyp1_segformer_b0.py', '--work-dir', 'work_dirs/my run', '--resume', '--amp',
    '--cfg-options', 'train_cfg.max_iters=20', 'data_root=data/pets demo',
    'train_dataloader.dataset.pipeline.4.crop_size=(64,64)', 'model.backbone.init_cfg=None',
    'clearml.tags=[night,cpu]', 'optim_wrapper.optimizer.lr=6e-05',
]  # fmt: skip
TEST_ARGV = [
    'configs/hyp1_segformer_b0.py', 'work_dirs/hyp1/best_mDice_iter_4000.pth', '--split', 'val',
    '--tta', '--launcher', 'pytorch', '--local-rank', '1',
]  # fmt: skip


def _round_trip(parser: argparse.ArgumentParser, argv: list[str]) -> argparse.Namespace:
    section = arguments_section(parser, parser.parse_args(argv))
    return parser.parse_args(command_line(parser, section))


@pytest.mark.parametrize(
    ('parser', 'argv'),
    [
        (train_entry.build_parser(), TRAIN_ARGV),
        (train_entry.build_parser(), ['c.py', '--resume', 'work_dirs/x/iter_8.pth']),
        (train_entry.build_parser(), ['c.py']),
        (test_entry.build_parser(), TEST_ARGV),
        (test_entry.build_parser(), ['c.py', 'https://host/ckpt.pth', '--show-dir', 'painted']),
    ],
)
def test_the_section_parses_back_to_the_same_arguments(parser, argv):
    parsed = vars(parser.parse_args(argv))
    again = vars(_round_trip(parser, argv))
    parsed.pop('local_rank'), again.pop('local_rank')  # torchrun's, never recorded
    assert again == parsed


def test_the_section_reads_as_the_command_line():
    parser = train_entry.build_parser()
    section = arguments_section(parser, parser.parse_args(TRAIN_ARGV))
    assert section['config'] == 'configs/hyp1_segformer_b0.py'
    assert section['work_dir'] == 'work_dirs/my run' and section['resume'] == 'auto'
    assert section['amp'] is True and section['overwrite'] is False
    assert section['cfg_options'].startswith('train_cfg.max_iters=20 ')
    assert "'train_dataloader.dataset.pipeline.4.crop_size=(64,64)'" in section['cfg_options']
    assert 'local_rank' not in section and 'help' not in section
    test_section = arguments_section(
        test_entry.build_parser(), test_entry.build_parser().parse_args(TEST_ARGV)
    )
    assert test_section['checkpoint'] == 'work_dirs/hyp1/best_mDice_iter_4000.pth'
    assert (test_section['split'], test_section['out'], test_section['tta']) == ('val', '', True)


def test_edited_values_as_typed_in_the_web_ui():
    parser = train_entry.build_parser()
    section = arguments_section(parser, parser.parse_args(TRAIN_ARGV))
    section.update(
        amp='False',  # the UI holds text
        resume='',
        work_dir='None',
        cfg_options=section['cfg_options'].replace('max_iters=20', 'max_iters=50'),
        launcher='pytorch',
    )
    args = parser.parse_args(command_line(parser, section))
    assert (args.amp, args.resume, args.work_dir, args.launcher) == (False, None, None, 'pytorch')
    assert args.cfg_options['train_cfg.max_iters'] == 50
    assert args.cfg_options['data_root'] == 'data/petsdemo'  # MMEngine's DictAction drops spaces


def test_an_unknown_or_unreadable_entry_is_one_line_naming_it():
    parser = test_entry.build_parser()
    with pytest.raises(PetsegError, match=r'Args/epochs: not an argument of test\.py'):
        command_line(parser, {'config': 'c.py', 'checkpoint': 'k.pth', 'epochs': '3'})
    with pytest.raises(PetsegError, match=r'Args/tta=.maybe. is not a flag value'):
        command_line(parser, {'config': 'c.py', 'checkpoint': 'k.pth', 'tta': 'maybe'})
    with pytest.raises(PetsegError, match=r'Args/cfg_options: No closing quotation'):
        command_line(parser, {'config': 'c.py', 'checkpoint': 'k.pth', 'cfg_options': "a='b"})
