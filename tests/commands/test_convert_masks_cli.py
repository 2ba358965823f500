"""``petseg convert-masks`` from the command line: what it prints, one-line errors, exit 2."""

from __future__ import annotations

import json

from practicum_work.cli import build_parser, main
from tests.core.encoded_masks import write_encoded_dataset, write_species_csv


def test_converts_prints_a_summary_and_the_eda_check(tiny_dataset, tmp_path, capsys):
    src = tmp_path / 'mask255'
    csv = write_species_csv(
        tmp_path / 'species.csv', write_encoded_dataset(tiny_dataset, src, '0-255')
    )
    out = tmp_path / 'ids'
    argv = ['convert-masks', '--data-root', str(src), '--out', str(out), '--from', '0-255']
    assert main([*argv, '--species', str(csv), '--workers', '1']) == 0
    printed = capsys.readouterr().out
    assert f'wrote {out} (masks 0-255 -> class ids): train 8 (' in printed
    assert f'petseg eda --data-root {out}' in printed
    record = json.loads((out / 'conversion.json').read_text())
    assert record['species'] == str(csv) and not record['binary']
    assert main([*argv, '--binary', '--workers', '1', '--overwrite']) == 0
    assert 'binary masks: 0 background, 1 pet, 255 ignore' in capsys.readouterr().out


def test_mistakes_are_one_line_and_exit_2(tiny_dataset, tmp_path, capsys):
    src = tmp_path / 'trimaps'
    write_encoded_dataset(tiny_dataset, src, 'trimap')
    base = ['convert-masks', '--data-root', str(src), '--out', str(tmp_path / 'o')]
    for extra, expected in [
        (['--from', 'trimap'], 'give the species with exactly one of'),
        (['--from', '0-255', '--binary'], 'use --from trimap'),
        (['--from', 'trimap', '--species', str(tmp_path / 'nope.csv')], 'nope.csv does not exist'),
    ]:
        assert main([*base, *extra, '--workers', '1']) == 2
        err = capsys.readouterr().err.strip()
        assert len(err.splitlines()) == 1 and expected in err, err
    assert not (tmp_path / 'o').exists()


def test_listed_in_help_after_convert_oxford_pet():
    names = list(build_parser()._subparsers._group_actions[0].choices)
    assert names.index('convert-masks') == names.index('convert-oxford-pet') + 1
