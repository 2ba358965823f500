"""The data tools' settings: what the command line offers comes from the tools' own vocabulary."""

from __future__ import annotations

import argparse

from practicum_work.cli import build_parser
from practicum_work.data.noise_presets import PRESETS


def _help(command: str) -> str:
    action = next(a for a in build_parser()._actions if a.dest == 'command')
    parser: argparse.ArgumentParser = action.choices[command]
    return ' '.join(parser.format_help().split())


def test_inject_noise_describes_each_preset_from_its_rates():
    text = _help('inject-noise')
    for name, preset in PRESETS.items():
        assert f'{name}:' in text
        for kind, rate in preset.rates.items():
            assert f'{kind.replace("_", " ")} {rate * 100:g}%' in text
        if preset.per_split:
            assert f'{len(preset.per_split)} file faults per split' in text
