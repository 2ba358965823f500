"""``petseg label-quality`` as a user runs it: the fold-model check, its warning and refusal."""

from __future__ import annotations

import json

import pytest

from practicum_work.cli import main
from practicum_work.data.demo_data import generate_demo_dataset


@pytest.mark.slow
def test_weak_fold_models_warn_and_refuse_to_propose(tmp_path, capsys):
    root = tmp_path / 'pets'
    generate_demo_dataset(root, n_train=6, n_val=1, n_test=1, size=48, workers=1)
    out, proposal = tmp_path / 'lq', tmp_path / 'v2'
    argv = ['label-quality', '--data-root', str(root), '--out', str(out), '--folds', '2']
    argv += ['--iters', '2', '--crop', '48', '--batch-size', '2', '--workers', '0']
    argv += ['--flag-share', '0', '--min-model-iou', '1.01']  # every class counts as weak
    assert main([*argv, '--propose', str(proposal)]) == 2
    captured = capsys.readouterr()
    error = captured.err.strip()
    assert len(error.splitlines()) == 1 and 'Traceback' not in captured.err
    assert 'fold models are weak: held-out IoU against the given labels background' in error
    assert '--allow-weak-models' in error and not proposal.exists()
    assert json.loads((out / 'report/summary.json').read_text())['flagged'] == 0
    assert main([*argv, '--overwrite']) == 0  # reused folds: report only, with a warning
    printed = capsys.readouterr().out
    assert 'fold models, held-out IoU against the given labels: background' in printed
    assert 'warning: the fold models are weak' in printed
    assert 'flags withheld (6 images meet the flag rule' in printed
    assert 'folds trained 0, reused 2' in printed
