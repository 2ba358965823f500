"""``petseg --help`` stays fast: building every command's parser (their settings modules
included) imports no numerical, imaging, training or UI library."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ('numpy', 'cv2', 'PIL', 'torch', 'mmengine', 'mmseg', 'mmcv', 'matplotlib', 'rich', 'tqdm')


def test_building_the_parser_imports_no_heavy_library():
    code = (
        'import json, sys\n'
        'from practicum_work.cli import build_parser\n'
        'build_parser()\n'
        f'print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))\n'
    )
    result = subprocess.run(
        [sys.executable, '-c', code], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.splitlines()[-1]) == []
