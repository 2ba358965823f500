"""``eda --clearml`` and ``fix-labels --clearml`` send their report and pictures to ClearML."""

from __future__ import annotations

import zipfile
from pathlib import Path

from practicum_work.cli import main
from practicum_work.tracking import tool_report


def _recorder(monkeypatch):
    calls = []

    def record(name, report_json, images=(), *, mode='auto', **kwargs):
        calls.append((name, str(report_json), [str(p) for p in images], mode))
        return tool_report.ToolRunRecord('offline')

    monkeypatch.setattr(tool_report, 'report_tool_run', record)
    return calls


def test_eda_and_fix_labels_report_what_they_wrote(noisy_dataset, tmp_path, monkeypatch):
    calls = _recorder(monkeypatch)
    eda = ['eda', '--data-root', str(noisy_dataset), '--out', str(tmp_path / 'e'), '--workers', '1']
    assert main([*eda, '--clearml', 'offline']) == 0
    name, report, images, mode = calls[-1]
    assert (name, report, mode) == ('eda', str(tmp_path / 'e' / 'report.json'), 'offline')
    assert images and all(p.endswith('.png') for p in images)
    assert any('/overlays/' in p for p in images) and any(
        p.endswith('class_shares.png') for p in images
    )
    fix = [
        'fix-labels',
        '--data-root',
        str(noisy_dataset),
        '--classifier',
        'self',
        '--workers',
        '1',
    ]
    assert main([*fix, '--dry-run', '--plan-dir', str(tmp_path / 'p'), '--clearml']) == 0
    name, report, images, mode = calls[-1]
    assert (name, report, mode) == ('fix-labels', str(tmp_path / 'p' / 'plan.json'), 'auto')
    assert images and all('contact_sheet_' in p for p in images)
    assert main([*fix, '--out', str(tmp_path / 'clean')]) == 0
    assert len(calls) == 2  # without --clearml nothing is sent


def test_offline_session_of_an_eda_report(noisy_dataset, tmp_path, monkeypatch, capsys):
    """The real ClearML, offline: the session zip holds the task."""
    from tests.conftest import clearml_env

    for key, value in clearml_env(tmp_path / 'home', 'offline').items():
        monkeypatch.setenv(key, value)
    out = tmp_path / 'e'
    argv = ['eda', '--data-root', str(noisy_dataset), '--out', str(out), '--workers', '1']
    assert main([*argv, '--overlays', '0', '--clearml', 'offline']) == 0
    err = capsys.readouterr().err
    zip_path = err.split('ClearML offline session: ')[1].split(' ')[0]
    with zipfile.ZipFile(zip_path) as archive:
        assert archive.namelist()
    # next to report.json, as training keeps its zip in the run's folder (issue 22 item 10)
    assert Path(zip_path).parent == out and (out / 'report.json').is_file()
