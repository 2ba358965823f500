"""`petseg demo` end to end on small data: every step runs, no earlier run is overwritten."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import run_tool

SMALL = ['--iters', '4', '--n-train', '40', '--n-val', '16', '--n-test', '8']


@pytest.mark.slow
def test_demo_runs_every_step_and_never_overwrites_a_run(tmp_path):
    result = run_tool('-m', 'practicum_work.cli', 'demo', '--out', str(tmp_path), *SMALL)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (run_dir,) = list(tmp_path.iterdir())
    summary = json.loads((run_dir / 'summary.json').read_text())
    for path in summary['artifacts'].values():
        assert Path(path).exists(), path
    assert set(summary['headline']['test_mDice']) == {'hyp1_raw', 'hyp1_clean_v1'}
    assert summary['headline']['noise']['injected']['swap'] == 4 + 2  # 10% of 40 and of 16
    assert (run_dir / 'eda/report.json').is_file()
    assert (run_dir / 'data/pets_demo_clean_v1/manifest.json').is_file()
    assert list((run_dir / 'hyp1_raw/best_worst').rglob('*.png'))
    assert (run_dir / 'compare/report.md').is_file()
    conclusion = summary['headline']['conclusion']  # says whether clean_v1 really beats raw
    assert 'mDice, 95% CI [' in conclusion and 'hyp1_raw' in conclusion
    assert len(summary['steps']) == 12
    assert 'clean_v1 - raw:' in result.stdout and 'Artifacts' in result.stdout
    before = sorted(p.relative_to(tmp_path) for p in run_dir.rglob('*'))
    again = run_tool('-m', 'practicum_work.cli', 'demo', '--out', str(tmp_path), *SMALL)
    assert again.returncode == 0, again.stderr[-3000:]
    assert len(list(tmp_path.iterdir())) == 2  # a new run folder; the first is untouched
    assert sorted(p.relative_to(tmp_path) for p in run_dir.rglob('*')) == before


def _oxford_like(root: Path, n_trainval: int = 96, n_test: int = 8) -> Path:
    """Toy cats (stars) and dogs (ellipses) in the Oxford-IIIT Pet archive layout."""
    import cv2
    import numpy as np

    from tests.conftest import _draw_animal

    (root / 'images').mkdir(parents=True)
    (root / 'annotations' / 'trimaps').mkdir(parents=True)
    rng = np.random.default_rng(0)
    lines: dict[str, list[str]] = {'trainval': [], 'test': []}
    for index in range(n_trainval + n_test):
        species = 1 + index % 2
        shape = _draw_animal(rng, 96, species)
        image = np.full((96, 96, 3), rng.integers(0, 256, 3), np.uint8)
        image[shape > 0] = rng.integers(0, 256, 3)
        name = f'{"cat" if species == 1 else "dog"}breed_{index}'
        cv2.imwrite(str(root / 'images' / f'{name}.jpg'), image)
        border = cv2.dilate(shape, np.ones((3, 3), np.uint8)) - shape
        trimap = np.where(shape > 0, 1, np.where(border > 0, 3, 2)).astype(np.uint8)
        cv2.imwrite(str(root / 'annotations' / 'trimaps' / f'{name}.png'), trimap)
        split = 'trainval' if index < n_trainval else 'test'
        lines[split].append(f'{name} {species} {species} 1')
    every = lines['trainval'] + lines['test']
    (root / 'annotations' / 'list.txt').write_text('\n'.join(every) + '\n')
    for split, rows in lines.items():
        (root / 'annotations' / f'{split}.txt').write_text('\n'.join(rows) + '\n')
    return root


@pytest.mark.slow
def test_demo_on_real_photo_layout_converts_injects_and_reports_swaps(tmp_path):
    oxford = _oxford_like(tmp_path / 'oxford-iiit-pet')
    args = ['demo', '--oxford', str(oxford), '--out', str(tmp_path / 'runs'), '--iters', '4']
    result = run_tool('-m', 'practicum_work.cli', *args)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    (run_dir,) = list((tmp_path / 'runs').iterdir())
    summary = json.loads((run_dir / 'summary.json').read_text())
    assert summary['headline']['data'] == f'real photos: {oxford}'
    swaps = summary['headline']['noise']['swaps']
    assert swaps['injected'] == summary['headline']['noise']['injected']['swap'] > 0
    assert (run_dir / 'data/oxford_pets/conversion.json').is_file()
    assert (run_dir / 'data/oxford_pets_noisy_clean_v1/manifest.json').is_file()
    assert (tmp_path / 'runs' / run_dir.name / 'data/oxford_pets_noisy.noise.json').is_file()
    assert 'petseg convert-oxford-pet' in summary['steps'][0]
    assert 'petseg inject-noise' in summary['steps'][1]
    assert 'swaps ' in result.stdout and 'real photos from' in result.stdout
    assert set(summary['headline']['test_mDice']) == {'hyp1_raw', 'hyp1_clean_v1'}


def test_demo_refuses_generated_sizes_with_real_photos(tmp_path, capsys):
    from practicum_work.cli import main

    assert main(['demo', '--oxford', str(tmp_path), '--n-train', '10']) == 2
    assert '--n-train sizes generated data' in capsys.readouterr().err


def test_demo_refuses_noisy_splits_too_small_for_a_cleaned_copy(tmp_path, capsys):
    from practicum_work.cli import main

    assert main(['demo', '--n-val', '12', '--out', str(tmp_path / 'runs')]) == 2
    error = capsys.readouterr().err
    assert '--n-val 12: the demo needs at least 16 images in train and val' in error
    assert not (tmp_path / 'runs').exists()  # refused before anything is written
