"""The review web app: a small JSON API and the page, served on 127.0.0.1 only.

Python's standard ``http.server`` (threaded) serves it: a handful of routes for one person
on their own machine need no framework, and nothing is installed beyond petseg. Routes:

- ``GET /`` the page; ``GET /static/<file>`` its script and style;
- ``GET /api/session`` the items, their evidence and the current decisions;
- ``GET /picture/<image|given|proposed>/<split>/<stem>`` a picture of a flagged sample;
- ``GET /files/<data|report>/<path>`` a file under the dataset root or the report folder
  (resolved, symlinks followed: anything outside them, ``..`` or absolute, is a 404);
- ``POST /api/decide`` ``{"id", "action"}``, ``POST /api/undo`` ``{"id"}``.
"""

from __future__ import annotations

import json
import mimetypes
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, PALETTE
from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix.human_decisions import ACTIONS
from practicum_work.review.pictures import KINDS, render
from practicum_work.review.sources import ReviewSource
from practicum_work.review.store import DecisionStore

STATIC = Path(__file__).resolve().parent / 'static'
HOST = '127.0.0.1'
KEYS = {
    'a': 'accept',
    'k': 'keep',
    's': 'swap',
    'd': 'drop',
    'r': 'relabel',
}

Response = tuple[int, str, bytes]


def _json(status: int, data) -> Response:
    return status, 'application/json', json.dumps(data, ensure_ascii=False).encode()


def _not_found() -> Response:
    return _json(HTTPStatus.NOT_FOUND, {'error': 'not found'})


def contained_file(base: Path, relative: str) -> Path | None:
    """``base / relative`` if it is a file inside ``base`` after resolving links, else None."""
    base = base.resolve()
    candidate = (base / relative).resolve()
    if candidate.is_relative_to(base) and candidate.is_file():
        return candidate
    return None


class ReviewApp:
    """The app without the socket: ``handle(method, path, body) -> (status, type, bytes)``."""

    def __init__(self, source: ReviewSource) -> None:
        self.source = source
        self.store = DecisionStore(source)

    def session(self) -> dict:
        """What the page needs at start (and after a reload)."""
        decisions = self.store.decisions()
        return {
            'kind': self.source.kind,
            'dataset': self.source.data_root.name,
            'data_root': str(self.source.data_root),
            'report': str(self.source.folder),
            'decisions_file': str(self.store.path),
            'actions': list(ACTIONS),
            'keys': KEYS,
            'legend': [
                *([name, list(colour)] for name, colour in zip(CLASSES, PALETTE)),
                ['ignore (255)', list(IGNORE_COLOR)],
            ],
            'items': [
                {**item.to_json(), 'decision': decisions.get(item.id)} for item in self.source.items
            ],
        }

    def _get(self, path: str) -> Response:
        parts = [unquote(p) for p in path.split('/')[1:]]
        if path in ('/', '/index.html'):
            return HTTPStatus.OK, 'text/html; charset=utf-8', (STATIC / 'index.html').read_bytes()
        if parts[0] == 'static' and len(parts) == 2:
            found = contained_file(STATIC, parts[1])
            if found is None:
                return _not_found()
            kind = mimetypes.guess_type(found.name)[0] or 'application/octet-stream'
            return HTTPStatus.OK, kind, found.read_bytes()
        if path == '/api/session':
            return _json(HTTPStatus.OK, self.session())
        if parts[0] == 'picture' and len(parts) == 4 and parts[1] in KINDS:
            item = self.source.item(f'{parts[2]}/{parts[3]}')
            if item is None:
                return _not_found()
            return HTTPStatus.OK, 'image/jpeg', render(self.source, item, parts[1])
        if parts[0] == 'files' and len(parts) >= 3 and parts[1] in ('data', 'report'):
            base = self.source.data_root if parts[1] == 'data' else self.source.folder
            found = contained_file(base, '/'.join(parts[2:]))
            if found is None:
                return _not_found()
            kind = mimetypes.guess_type(found.name)[0] or 'application/octet-stream'
            return HTTPStatus.OK, kind, found.read_bytes()
        return _not_found()

    def _post(self, path: str, body: bytes) -> Response:
        try:
            data = json.loads(body or b'{}')
            item_id = str(data['id'])
            if path == '/api/decide':
                decision = self.store.decide(item_id, str(data['action']))
            elif path == '/api/undo':
                decision = self.store.undo(item_id)
            else:
                return _not_found()
        except (ValueError, KeyError, TypeError, PetsegError) as err:
            return _json(HTTPStatus.BAD_REQUEST, {'error': str(err)})
        decided = len(self.store.decisions())
        return _json(
            HTTPStatus.OK,
            {
                'id': item_id,
                'decision': decision,
                'decided': decided,
                'total': len(self.source.items),
            },
        )

    def handle(self, method: str, target: str, body: bytes = b'') -> Response:
        """Answer one request; ``target`` is the request's path (and query)."""
        path = urlsplit(target).path
        if method == 'GET':
            return self._get(path)
        if method == 'POST':
            return self._post(path, body)
        return _json(HTTPStatus.METHOD_NOT_ALLOWED, {'error': f'{method} is not served'})


def make_server(app: ReviewApp, port: int = 0) -> ThreadingHTTPServer:
    """A threaded HTTP server for ``app`` bound to 127.0.0.1 (``port`` 0: a free one)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = int(self.headers.get('Content-Length') or 0)
            body = self.rfile.read(length) if length else b''
            status, kind, data = app.handle(method, self.path, body)
            try:
                self.send_response(status)
                self.send_header('Content-Type', kind)
                self.send_header('Content-Length', str(len(data)))
                self.send_header('Cache-Control', 'no-store')
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the page moved on (a picture it no longer shows): nothing to answer

        def do_GET(self) -> None:
            self._answer('GET')

        def do_POST(self) -> None:
            self._answer('POST')

        def log_message(self, format: str, *args) -> None:  # quiet: the terminal shows the URL
            pass

    server = ThreadingHTTPServer((HOST, port), Handler)
    server.daemon_threads = True
    return server
