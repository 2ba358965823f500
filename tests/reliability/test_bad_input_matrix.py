"""Every data tool x every bad input: a clear answer, never a traceback, the source untouched.

Each case copies a clean source (the 8/4/4 tiny dataset at 64 px, or the small Oxford-IIIT
Pet fixture) into a folder whose name has a space and a non-ASCII letter, breaks it (see
faults.py), runs the tool through ``petseg``'s ``main(argv)`` as the console script does, and
checks one of three outcomes:

* ``error``: exit 2, exactly one stderr line ``petseg <tool>: error: ...`` with the expected
  words (the file or folder and the problem), and no output written;
* ``flagged``: exit 0, and the tool's report (report.json, manifest.json, conversion.json,
  scores.json or its printed warnings) has an entry naming the broken file with the problem;
* ``handled``: exit 0 and the sample went through (converted, counted, kept, evaluated).

Always: no 'Traceback' anywhere in the output, the source hashes the same before and after,
and no temporary folder is left next to the output.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import HYP1
from tests.reliability.conftest import run_cli
from tests.reliability.faults import FAULTS, tree_digest

SOURCE_NAME = 'my pets é'  # every source path has a space and a non-ASCII letter
LABEL_QUALITY_FAULTS = (
    'missing_split_folder',
    'empty_dataset',
    'no_data_root',
    'output_exists',
    'output_inside_input',
)


@dataclass(frozen=True)
class Expect:
    """The outcome of one cell; ``text`` must appear in the error line or the report entry.

    ``names`` is the file the message must name when it is not the broken file itself.
    """

    outcome: str
    text: str = ''
    names: str | None = None


ERROR_ROWS = {
    'no_data_root': Expect('error', 'does not exist', names=SOURCE_NAME),
    'output_exists': Expect('error', 'already exists; pass --overwrite'),
    'output_inside_input': Expect('error', 'is inside the input'),
}
HANDLED = Expect('handled')

EXPECTED: dict[str, dict[str, Expect]] = {
    'eda': {
        'zero_byte_image': Expect('flagged', 'unreadable_image'),
        'zero_byte_mask': Expect('flagged', 'unreadable_mask'),
        'truncated_jpeg': Expect('flagged', 'truncated_image'),
        'text_named_png': Expect('flagged', 'unreadable_mask'),
        'mask_16bit': Expect('flagged', 'mask_16bit'),
        'rgba_image': Expect('flagged', 'image_mode'),
        'grayscale_image': Expect('flagged', 'grayscale_image'),
        'rgb_mask': Expect('flagged', 'rgb_mask'),
        'palette_mask': Expect('flagged', 'palette_mask'),
        'size_mismatch': Expect('flagged', 'size_mismatch'),
        'unicode_names': HANDLED,
        'missing_split_folder': Expect('flagged', 'missing_folder'),
        'empty_dataset': Expect('flagged', 'empty_split', names='img/train'),
        **ERROR_ROWS,
    },
    'fix-labels': {
        'zero_byte_image': Expect('flagged', 'left_out unreadable_image'),
        'zero_byte_mask': Expect('flagged', 'left_out unreadable_mask'),
        'truncated_jpeg': Expect('flagged', 'left_out truncated_image'),
        'text_named_png': Expect('flagged', 'left_out unreadable_mask'),
        'mask_16bit': Expect('flagged', 'fix mask_16bit'),
        'rgba_image': HANDLED,
        'grayscale_image': HANDLED,
        'rgb_mask': Expect('flagged', 'fix rgb_mask'),
        'palette_mask': Expect('flagged', 'fix palette_mask'),
        'size_mismatch': Expect('flagged', 'drop size_mismatch'),
        'unicode_names': HANDLED,
        'missing_split_folder': Expect(  # the copy would hold no train sample: refused
            'error', 'would drop 8 of 8 train samples', names='img/train/train_0000.jpg'
        ),
        'empty_dataset': Expect('error', 'nothing to check'),
        **ERROR_ROWS,
    },
    'class-weights': {
        'zero_byte_image': Expect('flagged', 'image unreadable'),
        'zero_byte_mask': Expect('flagged', 'mask unreadable'),
        'truncated_jpeg': Expect('flagged', 'image unreadable'),
        'text_named_png': Expect('flagged', 'mask unreadable'),
        'mask_16bit': HANDLED,
        'rgba_image': HANDLED,
        'grayscale_image': HANDLED,
        'rgb_mask': Expect('flagged', 'not single-channel'),
        'palette_mask': HANDLED,
        'size_mismatch': Expect('flagged', '!= mask size'),
        'unicode_names': HANDLED,
        'missing_split_folder': Expect('error', 'does not exist', names='labels/train'),
        'empty_dataset': Expect('error', 'no image/mask pairs'),
        **ERROR_ROWS,
    },
    'convert-oxford-pet': {
        'zero_byte_image': Expect('flagged', 'image unreadable'),
        'zero_byte_mask': Expect('flagged', 'mask unreadable'),
        'truncated_jpeg': Expect('flagged', 'image unreadable'),
        'text_named_png': Expect('flagged', 'mask unreadable'),
        'mask_16bit': HANDLED,
        'rgba_image': HANDLED,
        'grayscale_image': HANDLED,
        'rgb_mask': HANDLED,
        'palette_mask': HANDLED,
        'size_mismatch': Expect('flagged', '!= image'),
        'unicode_names': HANDLED,
        'missing_split_folder': Expect('error', 'is missing', names='annotations/trimaps'),
        'empty_dataset': Expect('error', 'nothing to convert'),
        **ERROR_ROWS,
    },
    'best-worst': {
        'zero_byte_image': Expect('flagged', 'image unreadable'),
        'zero_byte_mask': Expect('flagged', 'mask unreadable'),
        'truncated_jpeg': Expect('flagged', 'image unreadable'),
        'text_named_png': Expect('flagged', 'mask unreadable'),
        'mask_16bit': HANDLED,
        'rgba_image': HANDLED,
        'grayscale_image': HANDLED,
        'rgb_mask': Expect('flagged', 'not single-channel'),
        'palette_mask': HANDLED,
        'size_mismatch': Expect('flagged', '!= mask size'),
        'unicode_names': HANDLED,
        'missing_split_folder': Expect('error', 'does not exist', names='labels/train'),
        'empty_dataset': Expect('error', 'no usable image/mask pairs'),
        **ERROR_ROWS,
    },
    'label-quality': {
        'missing_split_folder': Expect('error', 'does not exist', names='labels/train'),
        'empty_dataset': Expect('error', '0 usable samples'),
        **ERROR_ROWS,
    },
}

# best-worst builds a model and draws panels (~10 s a case here): its per-file rows are slow.
FILE_FAULTS = tuple(FAULTS)[:11]
CASES = [
    pytest.param(
        tool,
        fault,
        id=f'{tool}-{fault}',
        marks=[pytest.mark.slow] if tool == 'best-worst' and fault in FILE_FAULTS else [],
    )
    for tool, rows in EXPECTED.items()
    for fault in rows
]


def test_the_matrix_covers_every_tool_and_bad_input():
    for tool, rows in EXPECTED.items():
        wanted = LABEL_QUALITY_FAULTS if tool == 'label-quality' else tuple(FAULTS)
        assert tuple(rows) == wanted or set(rows) == set(wanted), tool


def _argv(tool: str, root: Path, out: Path, checkpoint: Path | None) -> list[str]:
    one = ['--workers', '1']  # tiny data: no process pool
    if tool == 'eda':
        return ['eda', '--data-root', str(root), '--out', str(out), '--overlays', '1', *one]
    if tool == 'fix-labels':
        return ['fix-labels', '--data-root', str(root), '--out', str(out), '--folds', '2', *one]
    if tool == 'class-weights':
        return ['class-weights', '--data-root', str(root), '--json', str(out), *one]
    if tool == 'convert-oxford-pet':
        return ['convert-oxford-pet', '--src', str(root), '--out', str(out), '--size', '64', *one]
    if tool == 'best-worst':
        return [
            'best-worst', '--config', HYP1, '--checkpoint', str(checkpoint),
            '--data-root', str(root), '--split', 'train', '--out', str(out), '--k', '1',
            '--workers', '0', '--cfg-options', 'test_dataloader.dataset.pipeline.1.scale=(64,64)',
        ]  # fmt: skip
    assert tool == 'label-quality'
    return [
        'label-quality', '--data-root', str(root), '--out', str(out), '--folds', '2',
        '--iters', '1', '--crop', '32', '--batch-size', '2', '--workers', '0',
    ]  # fmt: skip


def _report_lines(tool: str, out: Path, stdout: str) -> list[str]:
    """One line per finding of the tool's own report: the file it names and the problem."""
    if tool == 'eda':
        report = json.loads((out / 'report.json').read_text(encoding='utf-8'))
        return [f'{i["file"]}: {i["kind"]}: {i["message"]}' for i in report['items']]
    if tool == 'fix-labels':
        manifest = json.loads((out / 'manifest.json').read_text(encoding='utf-8'))
        return [
            f'{c["image"]} {c["mask"]}: {c["decision"]} {" ".join(c["issues"])}: {c["reasons"]}'
            for c in manifest['changes']
        ]
    if tool == 'class-weights':
        report = json.loads(out.read_text(encoding='utf-8'))['not_counted']
        listed = report['pairs_training_leaves_out'] + report['unreadable_masks']
        printed = [line for line in stdout.splitlines() if line.startswith('warning:')]
        assert len(printed) == len(listed) and all(p.endswith(x) for p, x in zip(printed, listed))
        return listed
    if tool == 'convert-oxford-pet':
        listed = json.loads((out / 'conversion.json').read_text(encoding='utf-8'))['left_out']
        assert all(f'left out: {entry}' in stdout for entry in listed)
        return listed
    assert tool == 'best-worst'
    listed = json.loads((out / 'scores.json').read_text(encoding='utf-8'))['left_out']
    assert all(entry in stdout for entry in listed)
    return listed


def _went_through(tool: str, out: Path, stem: str, stdout: str) -> None:
    """The sample of ``stem`` was processed like any other."""
    if tool == 'eda':
        report = json.loads((out / 'report.json').read_text(encoding='utf-8'))
        assert report['summary']['files']['train']['pairs'] == 8
        assert not [i for i in report['items'] if i['stem'] == stem]
    elif tool == 'fix-labels':
        assert [p.stem for p in (out / 'img' / 'train').iterdir()].count(stem) == 1
        assert (out / 'labels' / 'train' / f'{stem}.png').is_file()
    elif tool == 'class-weights':
        report = json.loads(out.read_text(encoding='utf-8'))
        assert report['masks'] == 8 and 'warning' not in stdout
    elif tool == 'convert-oxford-pet':
        converted = [p.stem for p in out.glob('img/*/*.jpg')]
        assert converted.count(stem) == 1 and len(list(out.glob(f'labels/*/{stem}.png'))) == 1
        assert not json.loads((out / 'conversion.json').read_text(encoding='utf-8'))['left_out']
    else:
        scores = json.loads((out / 'scores.json').read_text(encoding='utf-8'))
        assert scores['n_images'] == 8 and not scores['left_out']
        assert stem in [image['stem'] for image in scores['images']]


@pytest.mark.parametrize(('tool', 'fault'), CASES)
def test_bad_input(tool, fault, tiny_dataset, oxford_source, tmp_path, request):
    expect = EXPECTED[tool][fault]
    checkpoint = request.getfixturevalue('untrained_checkpoint') if tool == 'best-worst' else None
    case = FAULTS[fault]
    root = tmp_path / SOURCE_NAME
    if tool == 'convert-oxford-pet':
        shutil.copytree(oxford_source, root)
        target = case.oxford(root)
    else:
        shutil.copytree(tiny_dataset, root)
        target = case.layout(root)
    out = tmp_path / ('weights.json' if tool == 'class-weights' else 'out')
    if tool == 'label-quality' and fault == 'output_exists':
        (out / 'report').mkdir(parents=True)  # its --out holds a fold cache; report/ is refused
    elif fault == 'output_exists' and tool == 'class-weights':
        out.write_text('{}')
    elif fault == 'output_exists':
        (out / 'earlier_run').mkdir(parents=True)
    elif fault == 'output_inside_input':
        out = root / out.name
    elif fault == 'no_data_root':
        shutil.rmtree(root)
    before = tree_digest(root) if root.exists() else None
    out_before = tree_digest(tmp_path) if fault == 'output_exists' else None

    run = run_cli(_argv(tool, root, out, checkpoint))

    assert 'Traceback' not in run.out + run.err
    assert (tree_digest(root) if root.exists() else None) == before, 'the source changed'
    assert not list(out.parent.glob(f'.{out.name}.tmp-*')), 'a temporary folder was left'
    named = expect.names or target
    if expect.outcome == 'error':
        assert run.code == 2, run.out[-2000:] + run.err[-2000:]
        assert len(run.err_lines) == 1, run.err
        line = run.err_lines[0]
        assert line.startswith(f'petseg {tool}: error: ') and expect.text in line
        if named:
            assert named in line
        if fault == 'output_exists':
            assert tree_digest(tmp_path) == out_before
        else:
            assert not out.exists()
        return
    assert run.code == 0, run.out[-2000:] + run.err[-2000:]
    assert not run.err_lines, run.err
    if expect.outcome == 'flagged':
        lines = _report_lines(tool, out, run.out)
        hits = [line for line in lines if named in line and expect.text in line]
        assert hits, f'no finding naming {named} with {expect.text!r} in {lines}'
    else:
        _went_through(tool, out, Path(target).stem, run.out)


# label-quality trains k models before it reports, so the matrix runs only its refusals; what
# it would leave out of the scoring is decided by ``scorable_samples``, checked here per fault.
LABEL_QUALITY_SKIPS = {
    'zero_byte_image': 'image unreadable',
    'zero_byte_mask': 'mask unreadable',
    'truncated_jpeg': 'image unreadable',
    'text_named_png': 'mask unreadable',
    'rgb_mask': 'not single-channel',
    'size_mismatch': '!= mask size',
}


@pytest.mark.parametrize('fault', FILE_FAULTS)
def test_label_quality_lists_what_it_cannot_score(fault, tiny_dataset, tmp_path):
    from practicum_work.label_quality.run import scorable_samples

    root = tmp_path / SOURCE_NAME
    shutil.copytree(tiny_dataset, root)
    stem = Path(FAULTS[fault].layout(root)).stem
    usable, skipped = scorable_samples(root, ['train'])
    if fault in LABEL_QUALITY_SKIPS:
        assert LABEL_QUALITY_SKIPS[fault] in skipped[f'train/{stem}']
        assert len(usable) == 7
    else:
        assert not skipped and f'train/{stem}' in usable and len(usable) == 8


def _console_script() -> list[str]:
    script = Path(sys.executable).with_name('petseg')
    return [str(script)] if script.is_file() else [sys.executable, '-m', 'practicum_work.cli']


@pytest.mark.parametrize(
    ('argv', 'code', 'expected'),
    [
        (['eda', '--data-root', '{root}', '--out', '{out}', '--workers', '1'], 0, None),
        (['fix-labels', '--data-root', '{root}', '--out', '{root}/clean'], 2, 'inside the input'),
        (['class-weights', '--data-root', '{root}', '--json', '{root}/w.json'], 2, 'inside'),
    ],
    ids=['eda-zero-byte-image', 'fix-labels-output-inside', 'class-weights-output-inside'],
)
def test_the_console_script_in_a_subprocess(argv, code, expected, tiny_dataset, tmp_path):
    """A few cells through the installed ``petseg`` script, as a user types them."""
    root = tmp_path / SOURCE_NAME
    shutil.copytree(tiny_dataset, root)
    FAULTS['zero_byte_image'].layout(root)
    before = tree_digest(root)
    args = [a.format(root=root, out=tmp_path / 'out') for a in argv]
    done = subprocess.run([*_console_script(), *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == code, done.stderr[-2000:]
    assert 'Traceback' not in done.stdout + done.stderr
    assert tree_digest(root) == before
    if expected:
        lines = done.stderr.strip().splitlines()
        assert len(lines) == 1 and expected in lines[0] and lines[0].startswith('petseg ')
    else:
        report = json.loads((tmp_path / 'out' / 'report.json').read_text(encoding='utf-8'))
        assert any(i['file'] == 'img/train/train_0000.jpg' for i in report['items'])
