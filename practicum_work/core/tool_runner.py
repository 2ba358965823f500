"""Run a module (``python -m practicum_work.train``) in a process of its own: a log, a progress bar.

The process starts in the caller's working directory, so relative paths mean what they mean to
the caller; nothing here needs a clone of the repository.
"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections import deque
from pathlib import Path
from typing import Any

from practicum_work.core.errors import PetsegError
from practicum_work.core.progress import progress_bar

_ITER = re.compile(r'Iter\((train|val|test)\) \[\s*(\d+)/(\d+)\]')


def cfg_option_args(options: dict[str, Any]) -> list[str]:
    """``{'a.b': 1, 'c': (2, 3)}`` -> ``['--cfg-options', 'a.b=1', 'c=(2,3)']``."""
    args = []
    for key, value in options.items():
        if isinstance(value, tuple | list):
            inner = ','.join(str(v) for v in value)
            value = f'({inner})' if isinstance(value, tuple) else f'[{inner}]'
        args.append(f'{key}={value}')
    return ['--cfg-options', *args] if args else []


def run_module_logged(
    module: str, args: list[str], log_path: Path, description: str, show_progress: bool = True
) -> None:
    """Run ``python -m <module> <args>`` here; write all its output to ``log_path``.

    A progress bar follows MMEngine's ``Iter(train) [N/M]`` lines. A failure raises
    :class:`PetsegError` naming the log, after printing its last lines.
    """
    command = [sys.executable, '-m', module, *args]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    tail: deque[str] = deque(maxlen=25)
    with (
        log_path.open('w', buffering=1) as log,  # line-buffered: tail -f works
        progress_bar(disable=not show_progress) as progress,
    ):
        log.write('$ ' + shlex.join(command) + '\n')
        task = progress.add_task(description, total=None)
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            bufsize=1,
        )
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            tail.append(line.rstrip())
            match = _ITER.search(line)
            if match:
                phase, done, total = match.group(1), int(match.group(2)), int(match.group(3))
                progress.update(
                    task, completed=done, total=total, description=f'{description} ({phase})'
                )
        returncode = process.wait()
    if returncode != 0:
        print('\n'.join(tail), file=sys.stderr)
        raise PetsegError(f'{description} failed (exit {returncode}); full log: {log_path}')
