#!/usr/bin/env bash
# Distributed testing with torchrun: N processes per machine (one per GPU; on a machine
# without CUDA, N CPU processes with Gloo), MMSeg 1.x style. The metrics equal those of one
# process (every image of the split once).
#   bash tools/dist_test.sh CONFIG CHECKPOINT N [test options, e.g. --split val]
# Several machines, the interpreter, the backend, the port: as in tools/dist_train.sh.
set -euo pipefail
usage="usage: bash tools/dist_test.sh CONFIG CHECKPOINT N [test options]"
if [ $# -lt 3 ]; then echo "$usage" >&2; exit 2; fi
CONFIG=$1
CHECKPOINT=$2
NPROC=$3
shift 3
case $NPROC in
  '' | *[!0-9]* | 0) echo "dist_test.sh: error: N (processes per node) must be a positive integer, got '$NPROC'; $usage" >&2; exit 2 ;;
esac
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
NNODES=${NNODES:-1}
NODE_RANK=${NODE_RANK:-0}
RUN_ARGS=(--nnodes="$NNODES" --node_rank="$NODE_RANK" --nproc_per_node="$NPROC")
if [ "$NNODES" != 1 ] || [ -n "${PORT:-}" ]; then
  RUN_ARGS+=(--master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}")
fi
PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}" exec "$PYTHON" -m practicum_work.run_cli \
  --prog dist_test.sh "${RUN_ARGS[@]}" \
  -m practicum_work.test "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
