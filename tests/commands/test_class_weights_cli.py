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
