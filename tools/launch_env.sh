# Sourced by tools/dist_*.sh and tools/slurm_*.sh, not run alone. Sets ROOT (the clone), PYTHON
# (what runs petseg: $PYTHON, else the clone's .venv/bin/python, else python3, so no venv needs
# activating) and exports PYTHONPATH with the clone first; defines run_torchrun and run_srun.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON="$ROOT/.venv/bin/python"; else PYTHON=python3; fi
fi
export PYTHONPATH="$ROOT${PYTHONPATH:+:$PYTHONPATH}"

# run_torchrun PROG N USAGE ARGS...: torchrun (petseg's wrapper, practicum_work.run_cli) with N
# processes per node and ARGS (e.g. -m practicum_work.train CONFIG ...). Environment: NNODES (1),
# NODE_RANK (0), MASTER_ADDR (127.0.0.1) and PORT (29500; one machine without PORT: a free one).
run_torchrun() {
  local prog=$1 nproc=$2 usage=$3
  shift 3
  case $nproc in
    '' | *[!0-9]* | 0) echo "$prog: error: N (processes per node) must be a positive integer, got '$nproc'; $usage" >&2; exit 2 ;;
  esac
  local nnodes=${NNODES:-1}
  local args=(--nnodes="$nnodes" --node_rank="${NODE_RANK:-0}" --nproc_per_node="$nproc")
  if [ "$nnodes" != 1 ] || [ -n "${PORT:-}" ]; then
    args+=(--master_addr="${MASTER_ADDR:-127.0.0.1}" --master_port="${PORT:-29500}")
  fi
  exec "$PYTHON" -m practicum_work.run_cli --prog "$prog" "${args[@]}" "$@"
}

# run_srun PARTITION JOB_NAME ARGS...: srun of "$PYTHON -u ARGS" on PARTITION. Environment (see
# tools/slurm_train.sh): GPUS (4), GPUS_PER_NODE (4), GRES (gpu:$GPUS_PER_NODE; empty: none),
# CPUS_PER_TASK (5), SRUN_ARGS.
run_srun() {
  local partition=$1 job_name=$2
  shift 2
  local per_node=${GPUS_PER_NODE:-4}
  local gres=${GRES-gpu:$per_node}
  local gres_args=()
  if [ -n "$gres" ]; then gres_args=(--gres="$gres"); fi
  # shellcheck disable=SC2086  # SRUN_ARGS is a list of options
  srun -p "$partition" \
    --job-name="$job_name" \
    "${gres_args[@]}" \
    --ntasks="${GPUS:-4}" \
    --ntasks-per-node="$per_node" \
    --cpus-per-task="${CPUS_PER_TASK:-5}" \
    --kill-on-bad-exit=1 \
    ${SRUN_ARGS:-} \
    "$PYTHON" -u "$@"
}
