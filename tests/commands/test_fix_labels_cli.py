"""``petseg fix-labels`` as a user runs it: summary, outputs, one-line errors with exit 2."""

from __future__ import annotations

import json

from practicum_work.cli import main


def test_dry_run_then_cleaned_copy(toy_dataset, tmp_path, capsys):
    plan_dir = tmp_path / 'plan'
    args = ['fix-labels', '--data-root', str(toy_dataset), '--folds', '4', '--workers', '1']
    assert main([*args, '--dry-run', '--plan-dir', str(plan_dir)]) == 0
    out = capsys.readouterr().out
    assert 'fix-labels decisions' in out and 'nothing was changed (dry run)' in out
    assert (plan_dir / 'plan.json').is_file() and (plan_dir / 'contact_sheet_01.png').is_file()
    clean = tmp_path / 'pets_toy_clean_v1'
    assert main([*args, '--out', str(clean)]) == 0
    assert f'cleaned copy: {clean}' in capsys.readouterr().out
    manifest = json.loads((clean / 'manifest.json').read_text())
    applied = [c for c in manifest['changes'] if {'type': 'swap_species'} in c['changes']]
    assert len(applied) == 3 and manifest['summary']['issues']['species_swap'] == 4  # + test
    assert main([*args, '--out', str(clean)]) == 2  # exists
    assert '--overwrite' in capsys.readouterr().err


def test_bad_input_is_one_line_and_exit_2(toy_dataset, tmp_path, capsys):
    cases = [
        (
            ['--data-root', str(tmp_path / 'nowhere'), '--out', str(tmp_path / 'o')],
            'does not exist',
        ),
        (['--data-root', str(toy_dataset), '--out', str(toy_dataset / 'c')], 'inside the input'),
        (['--data-root', str(toy_dataset)], '--out is required'),
        (['--data-root', str(toy_dataset), '--dry-run', '--out', 'x'], 'drop one of them'),
        (['--data-root', str(toy_dataset), '--dry-run', '--swap-threshold', '0.2'], 'between 0.5'),
    ]
    for argv, message in cases:
        assert main(['fix-labels', *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and len(err.splitlines()) == 1 and 'Traceback' not in err


def test_apply_writes_the_reviewed_plan_and_refuses_other_options(toy_dataset, tmp_path, capsys):
    plan_dir = tmp_path / 'plan'
    args = ['fix-labels', '--folds', '4', '--workers', '1']
    assert (
        main([*args, '--data-root', str(toy_dataset), '--dry-run', '--plan-dir', str(plan_dir)])
        == 0
    )
    assert f'petseg fix-labels --apply {plan_dir} --out' in capsys.readouterr().out
    refused = [
        (['--apply', str(plan_dir)], '--apply needs --out'),
        (['--apply', str(plan_dir), '--out', str(tmp_path / 'a'), '--swap-threshold', '0.8'],
         '--swap-threshold 0.8 differs'),
        (['--apply', str(plan_dir), '--dry-run'], 'drop --dry-run'),
        (['--out', str(tmp_path / 'a')], '--data-root is required'),
    ]  # fmt: skip
    for argv, message in refused:
        assert main(['fix-labels', *argv]) == 2
        err = capsys.readouterr().err.strip()
        assert message in err and len(err.splitlines()) == 1, err
    clean = tmp_path / 'clean'
    assert main(['fix-labels', '--apply', str(plan_dir), '--out', str(clean)]) == 0
    manifest = json.loads((clean / 'manifest.json').read_text())
    assert manifest['applied_plan'] == str(plan_dir / 'plan.json')
    assert len([c for c in manifest['changes'] if {'type': 'swap_species'} in c['changes']]) == 3
