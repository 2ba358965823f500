#!/usr/bin/env bash
# Training on a Slurm cluster: srun starts GPUS tasks (one per GPU), MMSeg 1.x style.
#   GPUS=8 GPUS_PER_NODE=8 bash tools/slurm_train.sh PARTITION JOB_NAME CONFIG [train.py options]
# A CPU-only partition (nothing to ask for with --gres): GRES= (empty); GPUS counts processes:
#   GRES= GPUS=2 GPUS_PER_NODE=2 CPUS_PER_TASK=1 bash tools/slurm_train.sh debug job CONFIG ...
# Environment: GPUS (tasks in all, 4), GPUS_PER_NODE (tasks per node, 4), GRES (generic resources
# per node, gpu:$GPUS_PER_NODE; empty asks for none), CPUS_PER_TASK (5), SRUN_ARGS (more srun
# options), PYTHON (what each task runs: the repo's .venv/bin/python if there, else python3),
# MASTER_PORT (the rank-0 rendezvous port, 29500). srun passes the rest of the environment on.
set -euo pipefail
if [ $# -lt 3 ]; then
    sed -n '2,9s/^# \{0,1\}//p' "$0" >&2
    exit 2
fi
PARTITION=$1
JOB_NAME=$2
CONFIG=$3
# shellcheck source=tools/launch_env.sh
source "$(dirname "${BASH_SOURCE[0]}")/launch_env.sh"
run_srun "$PARTITION" "$JOB_NAME" "$ROOT/tools/train.py" "$CONFIG" --launcher=slurm "${@:4}"
