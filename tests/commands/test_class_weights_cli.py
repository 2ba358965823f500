"""``petseg class-weights``: table, config line and JSON."""

from __future__ import annotations

import json

from practicum_work.cli import main
from practicum_work.data.class_weights import count_split_pixels, weights_from_shares


def test_prints_the_config_line_and_writes_json(tiny_dataset, tmp_path, capsys):
    out = tmp_path / 'weights.json'
    argv = [
        'class-weights',
        '--data-root',
        str(tiny_dataset),
        '--method',
        'sqrt',
        '--json',
        str(out),
    ]
    assert main([*argv, '--workers', '1']) == 0
    printed = capsys.readouterr().out
    counts = count_split_pixels(tiny_dataset, 'train', workers=1, show_progress=False)
    expected = weights_from_shares(counts.shares, 'sqrt')
    line = 'model.decode_head.loss_decode.class_weight="[' + ','.join(f'{w:g}' for w in expected)
    assert line in printed
    report = json.loads(out.read_text())
    assert report['weights']['sqrt'] == expected and report['split'] == 'train'


def test_missing_split_is_one_line(tiny_dataset, capsys):
    assert main(['class-weights', '--data-root', str(tiny_dataset), '--split', 'extra']) == 2
    assert "split 'extra' not found" in capsys.readouterr().err


def test_rgb_masks_name_their_encoding_a_file_and_the_convert_command(
    tiny_dataset, tmp_path, capsys
):
    """Colour masks used to end in 'no pixels of class background, cat, dog' naming no file."""
    from tests.core.encoded_masks import write_encoded_dataset

    root = tmp_path / 'rgb'
    write_encoded_dataset(tiny_dataset, root, 'rgb')
    assert main(['class-weights', '--data-root', str(root), '--workers', '1']) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert 'RGB colour masks' in err and 'labels/train/' in err
    assert f'petseg convert-masks --data-root {root} --out {root}_ids --from rgb' in err


def test_0_255_masks_name_their_encoding_and_the_species_choice(tiny_dataset, tmp_path, capsys):
    from tests.core.encoded_masks import write_encoded_dataset

    root = tmp_path / 'mask255'
    write_encoded_dataset(tiny_dataset, root, '0-255')
    assert main(['class-weights', '--data-root', str(root), '--workers', '1']) == 2
    err = capsys.readouterr().err
    assert '0/255 masks' in err and '--from 0-255 --species SPECIES.csv' in err
