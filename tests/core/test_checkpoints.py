"""The one checkpoint picker: numeric iterations, best before latest, moved work dirs."""

from __future__ import annotations

from practicum_work.core.checkpoints import best_iteration, is_remote, pick_checkpoint


def _touch(folder, *names):
    for name in names:
        (folder / name).write_bytes(b'x')


def test_best_by_number_not_by_text(tmp_path):
    _touch(tmp_path, 'best_mDice_iter_500.pth', 'best_mDice_iter_1000.pth', 'iter_1500.pth')
    assert pick_checkpoint(tmp_path).name == 'best_mDice_iter_1000.pth'
    assert best_iteration(tmp_path / 'best_mDice_iter_1000.pth') == 1000
    assert best_iteration(tmp_path / 'iter_1500.pth') is None


def test_latest_from_last_checkpoint_even_after_a_move(tmp_path):
    _touch(tmp_path, 'iter_200.pth', 'iter_1000.pth')
    (tmp_path / 'last_checkpoint').write_text('/elsewhere/run/iter_200.pth')
    assert pick_checkpoint(tmp_path) == tmp_path / 'iter_200.pth'
    (tmp_path / 'last_checkpoint').unlink()
    assert pick_checkpoint(tmp_path) == tmp_path / 'iter_1000.pth'  # 1000 > 200 as numbers
    assert pick_checkpoint(tmp_path / 'empty') is None


def test_remote_names():
    assert is_remote('open-mmlab://resnet50_v1c') and is_remote('https://x/y.pth')
    assert not is_remote('work_dirs/hyp1/iter_4.pth')
