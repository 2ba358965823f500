"""Fingerprints of a dataset's files, so that a saved plan is applied only to the data it judged.

A fingerprint is the file's size and a BLAKE2b digest (128 bits) of its bytes: renaming,
copying or touching a file keeps it, any change of content does not. Hashing reads the files
once more (about 0.1 s for 600 photos of the Oxford-IIIT Pet sample, faster than decoding them).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

DIGEST = 'blake2b'


def file_fingerprint(path: str | Path) -> dict:
    """``{'bytes': size, 'blake2b': hex digest}`` of one file."""
    path = Path(path)
    with path.open('rb') as handle:
        digest = hashlib.file_digest(handle, lambda: hashlib.blake2b(digest_size=16))
    return {'bytes': path.stat().st_size, DIGEST: digest.hexdigest()}


def same_file(path: Path, recorded: dict) -> bool:
    """Whether ``path`` still has the ``recorded`` fingerprint (size first, then the digest)."""
    try:
        if path.stat().st_size != recorded.get('bytes'):
            return False
        return file_fingerprint(path)[DIGEST] == recorded.get(DIGEST)
    except OSError:
        return False


def check_job(job: tuple[str, str, dict]) -> str | None:
    """``rel`` when the file ``root / rel`` differs from its fingerprint, else None (for pools)."""
    root, rel, recorded = job
    return None if same_file(Path(root) / rel, recorded) else rel
