"""decisions.json as the review page writes it: one decision per sample, saved at once.

Every change re-reads the file, changes one sample's entry and writes the whole document
atomically under a lock (a thread lock, and ``flock`` on ``decisions.json.lock`` for other
processes): two tabs (or two servers) on the same file never tear it or lose each other's
decisions, and the last write wins per sample. ``undo`` brings back the sample's previous
decision (or none).
"""

from __future__ import annotations

import fcntl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix.human_decisions import (
    ACTIONS,
    empty_document,
    now,
    read_decisions,
    write_decisions,
)
from practicum_work.review.sources import ReviewSource


class DecisionStore:
    """The decisions of one review source, kept in its ``decisions.json``."""

    def __init__(self, source: ReviewSource) -> None:
        self.source = source
        self.path: Path = source.decisions_path
        self._lock = threading.Lock()
        self._known = {item.id for item in source.items}

    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This process's threads, then other processes, one at a time."""
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.path.with_name(self.path.name + '.lock'), 'a') as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)

    def _load(self) -> dict:
        if self.path.is_file():
            return read_decisions(self.path)
        root = self.source.data_root
        return empty_document(root.name, root, self.source.kind, self.source.folder)

    def decisions(self) -> dict[str, dict]:
        """``{item id: decision}`` as stored now."""
        with self._lock:
            return dict(self._load()['decisions'])

    def decide(self, item_id: str, action: str) -> dict:
        """Store ``action`` for ``item_id`` (the previous decision goes to its history)."""
        if item_id not in self._known:
            raise PetsegError(f'no flagged sample {item_id!r} in this review')
        if action not in ACTIONS:
            raise PetsegError(f'unknown action {action!r} (one of {", ".join(ACTIONS)})')
        item = self.source.item(item_id)
        with self._locked():
            document = self._load()
            previous = document['decisions'].get(item_id)
            history = [] if previous is None else [*previous.get('history', []), previous]
            entry = {'action': action, 'at': now(), 'history': [
                {k: v for k, v in h.items() if k != 'history'} for h in history
            ]}  # fmt: skip
            if action == 'accept' and item.proposal_file:
                entry['mask_file'] = item.proposal_file
            document['decisions'][item_id] = entry
            write_decisions(self.path, document)
            return entry

    def undo(self, item_id: str) -> dict | None:
        """Back to the previous decision of ``item_id`` (None: undecided again)."""
        if item_id not in self._known:
            raise PetsegError(f'no flagged sample {item_id!r} in this review')
        with self._locked():
            document = self._load()
            current = document['decisions'].get(item_id)
            if current is None:
                return None
            history = current.get('history', [])
            if history:
                document['decisions'][item_id] = {**history[-1], 'history': history[:-1]}
            else:
                del document['decisions'][item_id]
            write_decisions(self.path, document)
            return document['decisions'].get(item_id)
