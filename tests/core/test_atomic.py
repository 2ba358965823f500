"""Outputs appear whole or not at all, and never replace an existing folder unless asked."""

from __future__ import annotations

import json

import pytest

from practicum_work.core.atomic import (
    atomic_output_dir,
    atomic_write_json_stream,
    check_output_outside,
)
from practicum_work.core.errors import OutputExistsError, PetsegError


def test_success_renames_into_place(tmp_path):
    with atomic_output_dir(tmp_path / 'out') as tmp:
        (tmp / 'f.txt').write_text('x')
        assert not (tmp_path / 'out').exists()
    assert (tmp_path / 'out/f.txt').read_text() == 'x'
    assert [p.name for p in tmp_path.iterdir()] == ['out']


def test_failure_leaves_nothing(tmp_path):
    with pytest.raises(RuntimeError), atomic_output_dir(tmp_path / 'out') as tmp:
        (tmp / 'f.txt').write_text('x')
        raise RuntimeError('interrupted')
    assert list(tmp_path.iterdir()) == []


def test_existing_output_is_refused_then_replaced_with_overwrite(tmp_path):
    (tmp_path / 'out').mkdir()
    (tmp_path / 'out/old.txt').write_text('old')
    with pytest.raises(OutputExistsError, match='--overwrite'), atomic_output_dir(tmp_path / 'out'):
        pass
    assert (tmp_path / 'out/old.txt').exists()
    with atomic_output_dir(tmp_path / 'out', overwrite=True) as tmp:
        (tmp / 'new.txt').write_text('new')
    assert [p.name for p in (tmp_path / 'out').iterdir()] == ['new.txt']


def test_output_inside_input_is_refused(tmp_path):
    with pytest.raises(PetsegError, match='inside the input'):
        check_output_outside(tmp_path / 'data/sub', tmp_path / 'data')
    with pytest.raises(PetsegError):
        check_output_outside(tmp_path / 'data', tmp_path / 'data')
    with pytest.raises(PetsegError, match='contains the input'):
        check_output_outside(tmp_path, tmp_path / 'data')
    check_output_outside(tmp_path / 'data_clean', tmp_path / 'data')


def test_a_killed_runs_temporary_folder_is_removed_by_the_next_run(tmp_path):
    import subprocess
    import sys

    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'],
                          capture_output=True, text=True, check=True)  # fmt: skip
    stale = tmp_path / f'.out.tmp-{dead.stdout.strip()}'
    (stale / 'img').mkdir(parents=True)
    alive = tmp_path / '.out.tmp-1'  # pid 1 is always running: another run's folder, kept
    alive.mkdir()
    other = tmp_path / f'.other.tmp-{dead.stdout.strip()}'  # another output's: kept
    other.mkdir()
    with atomic_output_dir(tmp_path / 'out') as tmp:
        (tmp / 'f.txt').write_text('x')
    assert not stale.exists() and alive.is_dir() and other.is_dir()
    assert (tmp_path / 'out/f.txt').read_text() == 'x'


@pytest.mark.parametrize('count', [0, 1, 3])
def test_a_streamed_json_list_is_what_json_dumps_writes(tmp_path, count):
    head = {'tool': 'x', 'nested': {'a': [1, {}], 'b': []}, 'text': 'line\n"quoted" \u00e9'}
    elements = [{'stem': f's{i}', 'empty': [], 'deep': {'k': [None, 1.5]}} for i in range(count)]
    path = tmp_path / 'plan.json'
    atomic_write_json_stream(path, head, 'items', iter(elements))
    assert path.read_text() == json.dumps({**head, 'items': elements}, indent=2) + '\n'
    assert [p.name for p in tmp_path.iterdir()] == ['plan.json']


def test_a_failed_stream_leaves_no_file(tmp_path):
    def elements():
        yield {'a': 1}
        raise RuntimeError('interrupted')

    with pytest.raises(RuntimeError):
        atomic_write_json_stream(tmp_path / 'plan.json', {}, 'items', elements())
    assert list(tmp_path.iterdir()) == []
