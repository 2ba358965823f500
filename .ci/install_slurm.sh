#!/usr/bin/env bash
# Debian's Slurm (slurmctld, slurmd, srun) and MUNGE for the test that submits
# tools/slurm_train.sh to a single-node cluster it starts on localhost; a no-op when they are on
# PATH. Used by `make test` and .ci/run. Recommends (GPU, HDF5, InfluxDB plugins) are left out.
set -euo pipefail
PATH="$PATH:/usr/sbin:/sbin"  # slurmctld, slurmd and munged live there
if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v srun >/dev/null \
    && command -v munged >/dev/null; then
    exit 0
fi
if ! command -v apt-get >/dev/null; then
    echo "install Slurm (slurmctld, slurmd, srun) and MUNGE (the Slurm test needs them)" >&2
    exit 1
fi
SUDO=$([ "$(id -u)" = 0 ] || echo sudo)
echo "installing Debian's slurm-wlm and munge (the Slurm test)"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
    slurm-wlm munge >/dev/null
