"""eda says in one line what a dataset's masks are and how to convert them (issue 22 item 1)."""

from __future__ import annotations

import pytest

from practicum_work.cli import main
from practicum_work.data.eda.run import run_eda
from tests.core.encoded_masks import write_encoded_dataset


@pytest.fixture(scope='module')
def encoded(tiny_dataset, tmp_path_factory):
    base = tmp_path_factory.mktemp('eda_encoded')
    roots = {}
    for encoding in ('0-255', 'rgb', 'trimap'):
        roots[encoding] = base / encoding
        write_encoded_dataset(tiny_dataset, roots[encoding], encoding)
    return roots


def _eda(root, out):
    return run_eda(root, out=out, overlays=0, workers=1, show_progress=False).report


@pytest.mark.parametrize(
    ('encoding', 'per_file', 'option'),
    [('0-255', 'empty_mask', '--from 0-255'), ('rgb', 'colour_mask', '--from rgb'),
     # trimaps without border pixels: 1 and 2 pass as cat and dog, no per-file finding at all
     ('trimap', None, '--from trimap')],
)  # fmt: skip
def test_the_dataset_level_finding_names_the_encoding_and_the_command(
    encoded, tmp_path, encoding, per_file, option
):
    report = _eda(encoded[encoding], tmp_path / 'eda')
    record = report['mask_encoding']
    assert record['encoding'] == encoding and not record['usable_as_is']
    assert option in record['convert_command']
    items = [i for i in report['items'] if i['kind'] == 'mask_encoding']
    assert [i['split'] for i in items] == ['train', 'val', 'test']
    assert all(i['severity'] == 'error' and option in i['message'] for i in items)
    if per_file is not None:  # per-file findings are kept, and grouped under the encoding
        assert record['findings_on_these_masks'][per_file] >= 14
        assert any(i['kind'] == per_file for i in report['items'])


def test_our_data_has_no_encoding_finding(tiny_dataset, noisy_dataset, tmp_path):
    for index, root in enumerate((tiny_dataset, noisy_dataset)):
        report = _eda(root, tmp_path / f'eda{index}')
        assert report['mask_encoding']['encoding'] == 'class_ids'
        assert report['mask_encoding']['findings_on_these_masks'] == {}
        kinds = {i['kind'] for i in report['items']}
        assert not kinds & {'mask_encoding', 'binary_masks'}


def test_console_says_it_in_one_line_with_the_command(encoded, tmp_path, capsys):
    root = encoded['rgb']
    argv = ['eda', '--data-root', str(root), '--out', str(tmp_path / 'e'), '--workers', '1']
    assert main([*argv, '--overlays', '0', '--fail-on', 'error']) == 1
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith('mask encoding rgb: '))
    # two masks of the tiny dataset hold no pet: all black, no colour evidence either way
    assert "RGB colour masks in 14 of 16 masks, petseg's palette" in line
    assert f'  convert: petseg convert-masks --data-root {root} --out {root}_ids --from rgb' in out
    assert '(14 colour_mask) all come from this' in out
