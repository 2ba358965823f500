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
# shellcheck source=tools/launch_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/launch_env.sh"
run_torchrun dist_test.sh "$NPROC" "$usage" \
  -m practicum_work.test "$CONFIG" "$CHECKPOINT" --launcher pytorch "$@"
