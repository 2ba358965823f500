"""The review web app: a small JSON API and the page, served on 127.0.0.1 only.

Python's standard ``http.server`` (threaded) serves it: a handful of routes for one person
on their own machine need no framework, and nothing is installed beyond petseg. Every request
passes :mod:`practicum_work.review.access` first (the served Host, the run's token, and for
changes the page's own origin and a JSON body). Routes:

- ``GET /`` the page (``?token=`` sets the token cookie); ``GET /static/<file>`` its script
  and style;
- ``GET /api/session`` what the page needs at start: the first ``SESSION_PAGE`` items (their
  evidence and current decisions), how many there are and how many are decided, every issue
  and split (the filters); ``GET /api/items?offset=N&limit=M`` the next items, in order (the
  page loads them in the background: a review of 5,000 samples opens as fast as one of 50);
- ``GET /picture/<image|given|proposed>/<split>/<stem>`` a picture of a flagged sample;
- ``GET /files/<data|report>/<path>`` a file under the dataset root or the report folder
  (resolved, symlinks followed: anything outside them, ``..`` or absolute, is a 404);
- ``POST /api/decide`` ``{"id", "action"}``, ``POST /api/undo`` ``{"id"}``.
"""

from __future__ import annotations

import json
import mimetypes
from collections.abc import Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from practicum_work.core.classes import CLASSES, IGNORE_COLOR, PALETTE
from practicum_work.core.errors import PetsegError
from practicum_work.data.label_fix.human_decisions import ACTIONS
from practicum_work.review.access import Guard, Request
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

MAX_BODY = 64 * 1024  # a decision is a few dozen bytes
SESSION_PAGE = 200  # items in /api/session; the page fetches the others from /api/items
MAX_ITEMS_PAGE = 5000  # the most items one /api/items answer holds
TOKEN_PLACEHOLDER = b'__PETSEG_TOKEN__'
PAGE_HEADERS = (
    (
        'Content-Security-Policy',
        "default-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'none'",
    ),
    ('X-Frame-Options', 'DENY'),
)


class Response(NamedTuple):
    """One answer: status, content type, body and any extra headers."""

    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _json(status: int, data) -> Response:
    return Response(status, 'application/json', json.dumps(data, ensure_ascii=False).encode())


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
    """The app without the socket: ``handle(method, target, body, headers) -> Response``.

    It answers nothing until :meth:`listen_on` names its port (``make_server`` does).
    """

    def __init__(self, source: ReviewSource, token: str | None = None) -> None:
        self.source = source
        self.store = DecisionStore(source)
        self.guard = Guard(token)

    @property
    def token(self) -> str:
        """This run's secret (``?token=`` in the URL, ``X-Petseg-Token`` on API calls)."""
        return self.guard.token

    def listen_on(self, port: int) -> None:
        """The port the server listens on (Host and Origin must name it)."""
        self.guard.listen_on(port)

    @property
    def url(self) -> str:
        """The URL to open, token included."""
        return self.guard.url()

    def items_page(self, offset: int, limit: int, decisions: dict | None = None) -> list[dict]:
        """Items ``offset`` to ``offset + limit`` (in review order) with their decisions."""
        decisions = self.store.decisions() if decisions is None else decisions
        return [
            {**item.to_json(), 'decision': decisions.get(item.id)}
            for item in self.source.items[offset : offset + limit]
        ]

    def session(self) -> dict:
        """What the page needs at start (and after a reload): the first ``SESSION_PAGE`` items,
        the counts, and every issue and split (for the filters)."""
        decisions = self.store.decisions()
        items = self.source.items
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
            'total': len(items),
            'decided': sum(self.source.item(item_id) is not None for item_id in decisions),
            'issues': sorted({issue for item in items for issue in item.issues}),
            'splits': sorted({item.split for item in items}),
            'items': self.items_page(0, SESSION_PAGE, decisions),
        }

    def _items_answer(self, query: str) -> Response:
        """``/api/items?offset=N&limit=M``: the items, the offset and the total."""
        asked = parse_qs(query)
        try:
            offset = int(asked.get('offset', ['0'])[0])
            limit = int(asked.get('limit', [str(MAX_ITEMS_PAGE)])[0])
        except ValueError:
            return _json(HTTPStatus.BAD_REQUEST, {'error': 'offset and limit are numbers'})
        if offset < 0 or not 0 < limit <= MAX_ITEMS_PAGE:
            return _json(
                HTTPStatus.BAD_REQUEST,
                {'error': f'offset >= 0 and 1 <= limit <= {MAX_ITEMS_PAGE}, got {offset}, {limit}'},
            )
        page = self.items_page(offset, limit)
        return _json(
            HTTPStatus.OK, {'offset': offset, 'total': len(self.source.items), 'items': page}
        )

    def _page(self) -> Response:
        """The page, with the token for its script and a cookie for its pictures."""
        page = (STATIC / 'index.html').read_bytes()
        page = page.replace(TOKEN_PLACEHOLDER, self.token.encode())
        headers = (*PAGE_HEADERS, ('Set-Cookie', self.guard.set_cookie()))
        return Response(HTTPStatus.OK, 'text/html; charset=utf-8', page, headers)

    def _get(self, path: str, query: str = '') -> Response:
        parts = [unquote(p) for p in path.split('/')[1:]]
        if path in ('/', '/index.html'):
            return self._page()
        if parts[0] == 'static' and len(parts) == 2:
            found = contained_file(STATIC, parts[1])
            if found is None:
                return _not_found()
            kind = mimetypes.guess_type(found.name)[0] or 'application/octet-stream'
            return Response(HTTPStatus.OK, kind, found.read_bytes())
        if path == '/api/session':
            return _json(HTTPStatus.OK, self.session())
        if path == '/api/items':
            return self._items_answer(query)
        if parts[0] == 'picture' and len(parts) == 4 and parts[1] in KINDS:
            item = self.source.item(f'{parts[2]}/{parts[3]}')
            if item is None:
                return _not_found()
            return Response(HTTPStatus.OK, 'image/jpeg', render(self.source, item, parts[1]))
        if parts[0] == 'files' and len(parts) >= 3 and parts[1] in ('data', 'report'):
            base = self.source.data_root if parts[1] == 'data' else self.source.folder
            found = contained_file(base, '/'.join(parts[2:]))
            if found is None:
                return _not_found()
            kind = mimetypes.guess_type(found.name)[0] or 'application/octet-stream'
            return Response(HTTPStatus.OK, kind, found.read_bytes())
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

    def handle(
        self,
        method: str,
        target: str,
        body: bytes = b'',
        headers: Mapping[str, str] | None = None,
    ) -> Response:
        """Answer one request; ``target`` is the request's path (and query), ``headers`` its
        headers (``Host`` at least: a request without it is refused)."""
        refused = self.guard.refusal(Request(method, target, headers or {}))
        path = urlsplit(target).path
        if refused is not None and path.startswith('/api/'):
            return _json(refused.status, {'error': refused.reason})
        if refused is not None:  # a page or a picture: a line the browser shows as it is
            return Response(refused.status, 'text/plain; charset=utf-8', refused.reason.encode())
        if method == 'GET':
            return self._get(path, urlsplit(target).query)
        if method == 'POST':
            return self._post(path, body)
        return _json(HTTPStatus.METHOD_NOT_ALLOWED, {'error': f'{method} is not served'})


def _body_length(value: str | None) -> int | None:
    """``Content-Length`` as a number of bytes the server will read (None: refuse it)."""
    try:
        length = int(value or 0)
    except ValueError:
        return None
    return length if 0 <= length <= MAX_BODY else None


def make_server(app: ReviewApp, port: int = 0) -> ThreadingHTTPServer:
    """A threaded HTTP server for ``app`` bound to 127.0.0.1 (``port`` 0: a free one)."""

    class Handler(BaseHTTPRequestHandler):
        def _answer(self, method: str) -> None:
            length = _body_length(self.headers.get('Content-Length'))
            if length is None:
                answer = _json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {'error': 'body refused'})
                self.close_connection = True
            else:
                body = self.rfile.read(length) if length else b''
                answer = app.handle(method, self.path, body, self.headers)
            try:
                self.send_response(answer.status)
                self.send_header('Content-Type', answer.content_type)
                self.send_header('Content-Length', str(len(answer.body)))
                self.send_header('Cache-Control', 'no-store')
                self.send_header('X-Content-Type-Options', 'nosniff')
                self.send_header('Referrer-Policy', 'no-referrer')
                for name, value in answer.headers:
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer.body)
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
    app.listen_on(server.server_address[1])
    return server
