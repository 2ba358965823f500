"""A cleaned copy that would empty a split (masks saved as 0/255, say) is refused, not written."""

from __future__ import annotations

import shutil
from pathlib import Path

import cv2
import pytest

from practicum_work.cli import main
from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix.plan import PlanItem
from practicum_work.data.label_fix.run import FixLabelsSettings, run_fix_labels
from practicum_work.data.label_fix.split_guard import emptied_split_message, split_losses


def _as_0_255(source: Path, root: Path) -> Path:
    """A copy of ``source`` whose masks store the pet as 255 (what many tools save)."""
    shutil.copytree(source, root)
    for path in (root / 'labels').rglob('*.png'):
        mask = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        mask[(mask == 1) | (mask == 2)] = 255
        cv2.imwrite(str(path), mask)
    return root


@pytest.fixture(scope='module')
def masks_0_255(toy_dataset, tmp_path_factory) -> Path:
    return _as_0_255(toy_dataset, tmp_path_factory.mktemp('m255') / 'pets_0_255')


def _settings(root: Path, **kwargs) -> FixLabelsSettings:
    return FixLabelsSettings(data_root=root, folds=4, workers=1, show_progress=False, **kwargs)


def test_a_copy_that_would_empty_train_is_refused_and_nothing_is_written(masks_0_255, tmp_path):
    out = tmp_path / 'clean'
    with pytest.raises(PetsegError) as caught:
        run_fix_labels(_settings(masks_0_255, out=out), log=lambda _: None)
    message = str(caught.value)
    assert 'would drop 24 of 24 train samples' in message
    assert 'no foreground' in message and 'values found 0, 255' in message
    assert 'nothing was written' in message
    assert not out.exists() and not list(tmp_path.iterdir())


def test_the_cli_says_it_in_one_line_with_exit_2(masks_0_255, tmp_path, capsys):
    argv = ['fix-labels', '--data-root', str(masks_0_255), '--folds', '4', '--workers', '1']
    assert main([*argv, '--out', str(tmp_path / 'clean')]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'Traceback' not in err
    assert 'would drop 24 of 24 train samples' in err and '0/255' in err
    assert not (tmp_path / 'clean').exists()


def test_the_dry_run_warns_the_same(masks_0_255, tmp_path):
    messages: list[str] = []
    settings = _settings(masks_0_255, dry_run=True, plan_dir=tmp_path / 'plan')
    run_fix_labels(settings, log=messages.append)
    warnings = [m for m in messages if 'would drop 24 of 24 train samples' in m]
    assert len(warnings) == 1 and warnings[0].startswith('warning:')
    assert 'would refuse' in warnings[0]
    assert (tmp_path / 'plan' / 'plan.json').is_file()


def _item(split: str, stem: str, decision: str, **kwargs) -> PlanItem:
    return PlanItem(split, stem, f'img/{split}/{stem}.jpg', f'labels/{split}/{stem}.png',
                    decision, **kwargs)  # fmt: skip


def test_more_than_half_is_refused_half_is_not(tmp_path):
    half = [_item('val', f'v{i}', 'drop' if i < 2 else 'keep', issues=['tiny_mask'])
            for i in range(4)]  # fmt: skip
    assert emptied_split_message(half, tmp_path) is None
    more = [*half[:3], _item('val', 'v9', 'left_out', issues=['unreadable_mask'])]
    more[2].decision = 'drop'
    losses = {loss.split: loss for loss in split_losses(more)}
    assert losses['val'].emptied and len(losses['val'].lost) == 4
    message = emptied_split_message(more, tmp_path)
    assert message.startswith('the cleaned copy would drop 4 of 4 val samples (tiny masks: 3')
    assert 'masks unreadable: 1' in message
