"""Test (and evaluate) a segmentor: MMSeg 1.x ``tools/test.py`` plus petseg's clear errors.

Usage: python tools/test.py CONFIG CHECKPOINT [--split NAME] [--work-dir DIR] [--out DIR]
       [--show-dir DIR] [--cfg-options k=v ...] [--launcher ...] [--tta]
Kept for MMSeg users' habits: the same as ``python -m practicum_work.test`` and
``from practicum_work.test import test`` (where metrics and predictions go: that module's
docstring).
"""

import sys

from practicum_work.test import main

if __name__ == '__main__':
    sys.exit(main())
