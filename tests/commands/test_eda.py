"""``petseg eda`` from the command line: exit codes, one-line errors, the summary table."""

from __future__ import annotations

import json

import pytest

from practicum_work.cli import main


def test_scan_exit_codes_and_summary(noisy_dataset, tmp_path, capsys):
    out = tmp_path / 'eda'
    args = ['eda', '--data-root', str(noisy_dataset), '--out', str(out), '--workers', '1']
    assert main([*args, '--splits', 'test', '--overlays', '1', '--fail-on', 'error']) == 0
    printed = capsys.readouterr().out
    assert 'petseg eda' in printed and 'report.json' in printed
    report = json.loads((out / 'report.json').read_text())
    assert report['splits'] == ['test'] and len(report['overlays']['random']) == 1
    assert main([*args, '--overwrite', '--min-fg-share', '0.01', '--fail-on', 'error']) == 1
    printed = capsys.readouterr().out
    assert 'truncated_image' in printed and 'stray_values' in printed
    assert 'exit 1 (--fail-on error)' in printed
    assert json.loads((out / 'report.json').read_text())['settings']['min_fg_share'] == 0.01


def test_cannot_run_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(['eda', '--data-root', str(tmp_path / 'nope'), '--out', str(tmp_path / 'o')]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and 'nope does not exist' in err
    (tmp_path / 'o').mkdir()
    (tmp_path / 'd' / 'img' / 'train').mkdir(parents=True)
    assert main(['eda', '--data-root', str(tmp_path / 'd'), '--out', str(tmp_path / 'o')]) == 2
    assert '--overwrite' in capsys.readouterr().err


def test_default_out_is_named_after_the_data_root(tmp_path, monkeypatch):
    (tmp_path / 'my_pets' / 'img' / 'train').mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    # an empty split is an error finding, but the scan ran: exit 0 under --fail-on never
    assert main(['eda', '--data-root', 'my_pets', '--workers', '1']) == 0
    assert (tmp_path / 'work_dirs' / 'eda' / 'my_pets' / 'report.json').is_file()


@pytest.mark.parametrize(
    ('option', 'value', 'message'),
    [
        ('--min-fg-share', '1.5', '--min-fg-share must be in [0, 1)'),
        ('--overlays', '-1', '--overlays must be >= 0'),
        ('--flagged-overlays', 'many', '--flagged-overlays takes a number'),
    ],
)
def test_bad_option_values_are_one_line_and_exit_2(tmp_path, capsys, option, value, message):
    (tmp_path / 'd' / 'img' / 'train').mkdir(parents=True)
    argv = ['eda', '--data-root', str(tmp_path / 'd'), '--out', str(tmp_path / 'o')]
    assert main([*argv, option, value]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err
    assert not (tmp_path / 'o').exists()
