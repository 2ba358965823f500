"""``petseg fix-labels`` killed while it writes the cleaned copy leaves no partial ``--out``.

The run is a real ``petseg`` process. To stop it at a known point, the test starts it through
a tiny wrapper that makes the copy step pause after its first file (it writes a marker and
sleeps): the signal then always arrives mid-write, with the temporary folder half full.
The wrapper also sets Python's own SIGINT handler, as a terminal-started process has it: a
suite started in the background by a non-interactive shell (``cmd &``) inherits SIGINT
ignored, and Python then installs no handler, so the SIGINT case would wait for nothing.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.reliability.conftest import run_cli
from tests.reliability.faults import tree_digest

# Runs petseg with the copy step paused after the first file it places.
PAUSING_PETSEG = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C works, as in a terminal
from pathlib import Path
import practicum_work.data.label_fix.apply as apply
place = apply._place
def place_then_pause(src, dst, copy):
    place(src, dst, copy)
    Path(os.environ['PETSEG_TEST_MARKER']).write_text(str(dst))
    time.sleep(600)
apply._place = place_then_pause
from practicum_work.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _wait_for(path: Path, process: subprocess.Popen, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, 'the run never reached the copy step'
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.parametrize('sig', [signal.SIGINT, signal.SIGKILL], ids=['SIGINT', 'SIGKILL'])
def test_killed_mid_write_leaves_no_output_and_a_rerun_succeeds(sig, tiny_dataset, tmp_path):
    out, marker = tmp_path / 'pets_clean_v1', tmp_path / 'marker'
    before = tree_digest(tiny_dataset)
    argv = ['fix-labels', '--data-root', str(tiny_dataset), '--out', str(out), '--workers', '1']
    env = dict(os.environ, PETSEG_TEST_MARKER=str(marker), PYTHONUNBUFFERED='1')
    process = subprocess.Popen(
        [sys.executable, '-c', PAUSING_PETSEG, *argv],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(marker, process)
        temporary = out.parent / f'.{out.name}.tmp-{process.pid}'
        assert Path(marker.read_text()).is_relative_to(temporary)  # mid-write, in the temp dir
        assert not out.exists()
        process.send_signal(sig)
        _, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
    assert not out.exists(), 'a partial output was left at --out'
    assert tree_digest(tiny_dataset) == before
    if sig == signal.SIGINT:  # petseg cleans up and says so
        assert process.returncode == 130
        assert stderr.strip().splitlines()[-1] == (
            'petseg fix-labels: interrupted; no partial output was kept'
        )
        assert 'Traceback' not in stderr and not temporary.exists()
    else:  # nothing can run on SIGKILL: the half-written temp folder stays until the rerun
        assert process.returncode == -signal.SIGKILL and temporary.is_dir()

    rerun = run_cli(argv)
    assert rerun.code == 0, rerun.err
    assert not temporary.exists(), "the rerun did not remove the killed run's temp folder"
    manifest = json.loads((out / 'manifest.json').read_text())
    kept = sum(s['masks'] for s in manifest['statistics']['after'].values())
    assert kept == len(list(out.glob('labels/*/*.png'))) == len(list(out.glob('img/*/*.jpg')))
    assert kept > 0 and tree_digest(tiny_dataset) == before
