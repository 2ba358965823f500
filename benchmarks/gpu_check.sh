#!/usr/bin/env bash
# On a GPU machine without internet: install what it lacks from carried wheels, then run the
# GPU check (benchmarks/gpu_check.py, its docstring says how to prepare CARRY).
#   bash benchmarks/gpu_check.sh gpu_carry [--iters 300]
set -euo pipefail
cd "$(dirname "$0")/.."
CARRY=${1:?usage: bash benchmarks/gpu_check.sh CARRY_DIR [gpu_check.py run options]}
shift
VENV=${GPU_CHECK_VENV:-/tmp/petseg-gpu-venv}
python3 -m venv --system-site-packages "$VENV"   # keeps the machine's own torch and CUDA
"$VENV/bin/python" - "$CARRY/wheels" <<'PY'
import importlib.metadata as md, pathlib, subprocess, sys
missing = []
for wheel in sorted(pathlib.Path(sys.argv[1]).glob('*.whl')):
    name = wheel.name.split('-')[0].replace('_', '-')
    try:
        md.version(name)
    except md.PackageNotFoundError:
        missing.append(str(wheel))
print(f'installing {len(missing)} carried wheels (the others are there already)')
if missing:
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps', '--no-index', *missing],
                   check=True)
PY
"$VENV/bin/pip" install --no-deps --no-index --no-build-isolation -e . >/dev/null
PYTHONUNBUFFERED=1 timeout 590 "$VENV/bin/python" benchmarks/gpu_check.py run \
    --data-root "$CARRY/oxford" "$@"
