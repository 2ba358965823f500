"""Train a segmentor: MMSeg 1.x ``tools/train.py`` plus petseg's checks and clear errors.

Usage: python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT] | --overwrite] [--amp]
       [--cfg-options k=v ...] [--launcher none|pytorch|slurm|mpi]
Kept for MMSeg users' habits: the same as ``python -m practicum_work.train`` and
``from practicum_work.train import train`` (what it checks and how it differs from upstream:
that module's docstring).
"""

import sys

from practicum_work.train import main

if __name__ == '__main__':
    sys.exit(main())
