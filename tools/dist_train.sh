#!/usr/bin/env bash
# Distributed training with torchrun: N processes per machine (one per GPU; on a machine
# without CUDA, N CPU processes with Gloo), MMSeg 1.x style.
#   bash tools/dist_train.sh CONFIG N [train options, e.g. --work-dir DIR --cfg-options k=v]
# Several machines (run it on every node, NODE_RANK 0..NNODES-1; MASTER_ADDR: node 0):
#   NNODES=2 NODE_RANK=0 MASTER_ADDR=10.0.0.1 PORT=29500 bash tools/dist_train.sh CONFIG 8
# The interpreter: $PYTHON, else the clone's .venv/bin/python, else python3 (no need to
# activate the venv). Backend: NCCL with CUDA, Gloo without, unless the config or
# --cfg-options env_cfg.dist_cfg.backend=... names one. One machine picks a free port unless
# PORT is set. Bad input: one error line and exit 2 (docs/experiments.md "Scaling out").
set -euo pipefail
usage="usage: bash tools/dist_train.sh CONFIG N [train options]"
if [ $# -lt 2 ]; then echo "$usage" >&2; exit 2; fi
CONFIG=$1
NPROC=$2
shift 2
# shellcheck source=tools/launch_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/launch_env.sh"
run_torchrun dist_train.sh "$NPROC" "$usage" -m practicum_work.train "$CONFIG" --launcher pytorch "$@"
