"""Files that cannot be decoded, or are cut short."""

from __future__ import annotations

import cv2
import numpy as np

from practicum_work.data.checks.readability import Readability


def test_zero_byte_and_text_files_are_unreadable(pair, run_check):
    lone = pair(None, image=b'', stem='zero')
    kinds, found, _ = run_check(Readability, lone)
    assert kinds == ['unreadable_image'] and found[0].file == 'img/zero.jpg'
    assert found[0].split == 'train' and found[0].action == 'drop'
    text = pair(b'hello', image=None, stem='text')
    assert run_check(Readability, text)[0] == ['unreadable_mask'] and text.value_counts is None


def test_a_cut_jpeg_is_truncated(pair, labels, run_check):
    image = np.random.default_rng(0).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    data = cv2.imencode('.jpg', image)[1].tobytes()
    kinds, found, _ = run_check(Readability, pair(labels(400), image=data[: len(data) // 2]))
    assert kinds == ['truncated_image'] and found[0].severity == 'error'
