"""Who may use the review page: the person who started it, from its own page (as Jupyter does).

Loopback binding alone lets in every web page open in the same browser: a page can POST
``text/plain`` without a preflight, and a DNS-rebinding page reaches 127.0.0.1 under its own
host name. So every request must name the served host and port in ``Host`` (127.0.0.1 or
localhost), and carry the run's secret token (``secrets.token_urlsafe``) that the printed URL
holds: as ``?token=`` (the first visit; it sets a ``SameSite=Strict`` cookie), the cookie, or
the ``X-Petseg-Token`` header. A request that changes decisions must also come from the
page itself: the token in the header (never the cookie alone), ``Content-Type:
application/json``, and, when the browser says where it comes from (``Origin``,
``Sec-Fetch-Site``, ``Referer``), the served origin exactly. Only the page's script and style
(``/static/``) are served without the token: they hold nothing of the data.
"""

from __future__ import annotations

import hmac
import html
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from http.cookies import CookieError, SimpleCookie
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

TOKEN_HEADER = 'X-Petseg-Token'
LOOPBACK_NAMES = ('127.0.0.1', 'localhost')
JSON_TYPE = 'application/json'


def new_token() -> str:
    """A fresh secret for one run of the server."""
    return secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused, and with which status."""

    status: int
    reason: str


@dataclass
class Request:
    """What the guard looks at: method, target (path and query) and headers (any case)."""

    method: str
    target: str
    headers: Mapping[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str | None:
        """The header ``name`` (case-insensitive), or None."""
        wanted = name.lower()
        return next((v for k, v in self.headers.items() if k.lower() == wanted), None)

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    def query_token(self) -> str | None:
        """The ``token`` of the query string, if any."""
        values = parse_qs(urlsplit(self.target).query).get('token')
        return values[-1] if values else None

    def cookie(self, name: str) -> str | None:
        """The cookie ``name``, if the request sent one."""
        try:
            jar = SimpleCookie(self.header('Cookie') or '')
        except CookieError:
            return None
        return jar[name].value if name in jar else None


class Guard:
    """The access rules of one server run: its token, and its port once it listens."""

    def __init__(self, token: str | None = None) -> None:
        self.token = token or new_token()
        self.port: int | None = None  # None: not listening yet, every request is refused

    def listen_on(self, port: int) -> None:
        """The port the server is bound to (its Host and Origin are checked against it)."""
        self.port = port

    @property
    def cookie_name(self) -> str:
        """One cookie per port: cookies ignore ports, two servers must not share one."""
        return f'petseg_review_{self.port}'

    def origins(self) -> set[str]:
        """The page's own origins (``http://127.0.0.1:<port>``, ``http://localhost:<port>``)."""
        return {f'http://{host}:{self.port}' for host in LOOPBACK_NAMES}

    def url(self, host: str = LOOPBACK_NAMES[0]) -> str:
        """The URL to open: the page with the token."""
        return f'http://{host}:{self.port}/?token={self.token}'

    def set_cookie(self) -> str:
        """The ``Set-Cookie`` value that keeps the token for the page's later requests."""
        return f'{self.cookie_name}={self.token}; Path=/; HttpOnly; SameSite=Strict'

    def _matches(self, candidate: str | None) -> bool:
        return candidate is not None and hmac.compare_digest(
            candidate.encode('utf-8', 'replace'), self.token.encode()
        )

    def _host_refusal(self, request: Request) -> Refusal | None:
        host = (request.header('Host') or '').strip().lower()
        if self.port is None or host not in {o.removeprefix('http://') for o in self.origins()}:
            return Refusal(
                HTTPStatus.FORBIDDEN,
                f'Host {host or "(none)"!r} is not this server (open the URL petseg review '
                'printed, http://127.0.0.1:<port>/?token=...)',
            )
        return None

    def _origin_refusal(self, request: Request) -> Refusal | None:
        own = f'http://{(request.header("Host") or "").strip().lower()}'
        origin = request.header('Origin')
        if origin is not None and origin.lower() != own:
            return Refusal(HTTPStatus.FORBIDDEN, f'cross-origin request from {origin!r} refused')
        site = request.header('Sec-Fetch-Site')
        if site is not None and site.lower() not in ('same-origin', 'none'):
            return Refusal(HTTPStatus.FORBIDDEN, f'{site} request refused (Sec-Fetch-Site)')
        referer = request.header('Referer')
        if origin is None and referer is not None and not referer.lower().startswith(own + '/'):
            return Refusal(HTTPStatus.FORBIDDEN, 'request from another page refused (Referer)')
        return None

    def refusal(self, request: Request) -> Refusal | None:
        """None if ``request`` may be answered, else why not.

        ``GET``: the right ``Host``; the token (query, cookie or header) except for
        ``/static/``. ``POST``: the right ``Host`` and origin, the token in the header, a
        JSON body.
        """
        refused = self._host_refusal(request)
        if refused is not None:
            return refused
        if request.method == 'POST':
            refused = self._origin_refusal(request)
            if refused is not None:
                return refused
            if not self._matches(request.header(TOKEN_HEADER)):
                return Refusal(HTTPStatus.FORBIDDEN, f'missing or wrong {TOKEN_HEADER} header')
            kind = (request.header('Content-Type') or '').split(';')[0].strip().lower()
            if kind != JSON_TYPE:
                return Refusal(
                    HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                    f'Content-Type {kind or "(none)"!r} refused; {JSON_TYPE} only',
                )
            return None
        if request.path.startswith('/static/'):
            return None
        candidates = (
            request.header(TOKEN_HEADER),
            request.query_token(),
            request.cookie(self.cookie_name),
        )
        if not any(self._matches(c) for c in candidates):
            return Refusal(
                HTTPStatus.FORBIDDEN,
                'no valid token: open the URL petseg review printed '
                '(http://127.0.0.1:<port>/?token=...)',
            )
        return None


def launcher_page(url: str, folder: Path) -> Path:
    """A page only its owner can read that forwards the browser to ``url`` (as Jupyter does):
    opening it keeps the token off the browser's command line, which other users can see."""
    page = Path(folder) / 'petseg_review.html'
    descriptor = os.open(page, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    target = html.escape(url, quote=True)
    with os.fdopen(descriptor, 'w', encoding='utf-8') as handle:
        handle.write(
            f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0; '
            f'url={target}"><title>petseg review</title><a href="{target}">open the review</a>\n'
        )
    return page
