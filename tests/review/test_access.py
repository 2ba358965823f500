"""The review page is its user's alone: foreign pages, foreign hosts and requests without the
run's token are refused, over a real socket and through ``ReviewApp.handle``."""

from __future__ import annotations

import http.client
import json

import pytest

from practicum_work.review.server import ReviewApp
from practicum_work.review.sources import load_source
from tests.review.conftest import serving

EVIL = 'http://evil.example'
DECISION = json.dumps({'id': 'train/train_0002', 'action': 'drop'}).encode()


@pytest.fixture
def live(fresh_plan):
    """(port, app, plan folder) of a review server on 127.0.0.1."""
    _, plan = fresh_plan
    app = ReviewApp(load_source(plan))
    with serving(app) as port:
        yield port, app, plan


def _request(port: int, method: str, path: str, headers: dict, body: bytes | None = None):
    """(status, headers, body) of one request over a socket; ``headers`` may name the Host."""
    connection = http.client.HTTPConnection('127.0.0.1', port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        answer = connection.getresponse()
        return answer.status, dict(answer.getheaders()), answer.read()
    finally:
        connection.close()


def _page_headers(port: int, token: str) -> dict:
    """What the page's own fetch() of a decision sends."""
    return {
        'Host': f'127.0.0.1:{port}',
        'Origin': f'http://127.0.0.1:{port}',
        'Content-Type': 'application/json',
        'Sec-Fetch-Site': 'same-origin',
        'X-Petseg-Token': token,
    }


def _no_decisions(plan) -> bool:
    path = plan / 'decisions.json'
    return not path.exists() or json.loads(path.read_text())['decisions'] == {}


def test_a_cross_origin_text_plain_post_is_refused_and_nothing_is_written(live):
    port, _, plan = live
    headers = {'Origin': EVIL, 'Content-Type': 'text/plain', 'Referer': f'{EVIL}/attack.html'}
    status, _, body = _request(port, 'POST', '/api/decide', headers, DECISION)
    assert status == 403, body
    assert _no_decisions(plan)


@pytest.mark.parametrize(
    ('change', 'status'),
    [
        ({'Origin': EVIL}, 403),  # another page, even holding the token
        ({'Origin': 'null'}, 403),  # a sandboxed frame or a file:// page
        ({'Sec-Fetch-Site': 'cross-site'}, 403),
        ({'Content-Type': 'text/plain'}, 415),  # no preflight: a form or a no-cors fetch
        ({'Content-Type': 'application/x-www-form-urlencoded'}, 415),
        ({'X-Petseg-Token': 'guessed'}, 403),
        ({'X-Petseg-Token': None}, 403),
        ({'Host': 'evil.example:{port}'}, 403),
    ],
)
def test_a_decision_needs_the_page_s_origin_a_json_body_and_the_token(live, change, status):
    port, app, plan = live
    headers = _page_headers(port, app.token)
    for name, value in change.items():
        if value is None:
            del headers[name]
        else:
            headers[name] = value.format(port=port)
    answer = _request(port, 'POST', '/api/decide', headers, DECISION)
    assert answer[0] == status, answer
    assert _no_decisions(plan)
    undo = _request(port, 'POST', '/api/undo', headers, b'{"id": "train/train_0002"}')
    assert undo[0] == status


def test_the_page_s_own_decision_is_saved(live):
    port, app, plan = live
    status, _, body = _request(
        port, 'POST', '/api/decide', _page_headers(port, app.token), DECISION
    )
    assert status == 200, body
    saved = json.loads((plan / 'decisions.json').read_text())['decisions']
    assert saved['train/train_0002']['action'] == 'drop'


@pytest.mark.parametrize(
    'path',
    [
        '/api/session',
        '/',
        '/files/data/img/train/train_0002.jpg',
        '/files/report/plan.json',
        '/picture/image/train/train_0002',
    ],
)
def test_a_foreign_host_gets_nothing_even_with_the_token(live, path):
    # a DNS-rebinding page reaches 127.0.0.1 under its own name
    port, app, _ = live
    headers = {'Host': f'evil.example:{port}', 'X-Petseg-Token': app.token}
    status, _, body = _request(port, 'GET', f'{path}?token={app.token}', headers)
    assert status == 403
    assert b'train_0002' not in body and app.token.encode() not in body and len(body) < 400


@pytest.mark.parametrize(
    'path',
    [
        '/api/session',
        '/',
        '/files/data/img/train/train_0002.jpg',
        '/picture/given/train/train_0002',
    ],
)
def test_without_the_token_nothing_of_the_data_is_served(live, path):
    port, app, _ = live
    own = {'Host': f'127.0.0.1:{port}'}
    status, _, body = _request(port, 'GET', path, own)
    assert status == 403 and b'train_0002' not in body and b'?token=' in body
    assert _request(port, 'GET', path, {**own, 'X-Petseg-Token': 'guessed'})[0] == 403
    assert _request(port, 'GET', path, {**own, 'X-Petseg-Token': app.token})[0] == 200
    assert _request(port, 'GET', f'{path}?token={app.token}', own)[0] == 200


def test_the_printed_url_sets_a_strict_cookie_that_lets_the_page_s_pictures_in(live):
    port, app, _ = live
    status, headers, page = _request(
        port, 'GET', f'/?token={app.token}', {'Host': f'localhost:{port}'}
    )
    assert status == 200 and b'petseg review' in page
    cookie = headers['Set-Cookie']
    assert 'HttpOnly' in cookie and 'SameSite=Strict' in cookie
    assert "frame-ancestors 'none'" in headers['Content-Security-Policy']  # no clickjacking
    assert headers['Referrer-Policy'] == 'no-referrer'
    jar = {'Host': f'127.0.0.1:{port}', 'Cookie': cookie.split(';')[0]}
    assert _request(port, 'GET', '/picture/given/train/train_0002', jar)[0] == 200
    # the cookie alone never changes a decision: the page's script sends the header
    post = {**_page_headers(port, app.token), **jar}
    del post['X-Petseg-Token']
    assert _request(port, 'POST', '/api/decide', post, DECISION)[0] == 403


def test_the_script_and_style_need_no_token_they_hold_no_data(live):
    port, *_ = live
    for path in ('/static/app.js', '/static/app.css'):
        assert _request(port, 'GET', path, {'Host': f'127.0.0.1:{port}'})[0] == 200
    assert _request(port, 'GET', '/static/app.js', {'Host': f'evil.example:{port}'})[0] == 403


def test_every_run_has_its_own_long_token(fresh_plan):
    _, plan = fresh_plan
    source = load_source(plan)
    first, second = ReviewApp(source), ReviewApp(source)
    assert first.token != second.token and len(first.token) >= 32


def test_the_app_itself_refuses_the_same_requests(fresh_plan):
    # ReviewApp.handle, no socket: the rules do not depend on the server in front of it
    _, plan = fresh_plan
    app = ReviewApp(load_source(plan))
    own = {'Host': '127.0.0.1:8765', 'X-Petseg-Token': app.token}
    assert app.handle('GET', '/api/session', b'', own).status == 403  # not listening yet
    app.listen_on(8765)
    assert app.handle('GET', '/api/session', b'', own).status == 200
    evil_post = {'Host': '127.0.0.1:8765', 'Origin': EVIL, 'Content-Type': 'text/plain'}
    assert app.handle('POST', '/api/decide', DECISION, evil_post).status == 403
    rebound = {'Host': 'evil.example:8765', 'X-Petseg-Token': app.token}
    assert app.handle('GET', '/api/session', b'', rebound).status == 403
    assert app.handle('GET', '/files/report/plan.json', b'', rebound).status == 403
    assert app.handle('GET', '/api/session').status == 403  # no headers at all
    assert _no_decisions(plan)
    page = {**own, 'Origin': 'http://127.0.0.1:8765', 'Content-Type': 'application/json'}
    assert app.handle('POST', '/api/decide', DECISION, page).status == 200


def test_the_browser_is_sent_through_a_page_only_its_owner_can_read(tmp_path):
    # webbrowser.open(url) would put the token on the browser's command line, seen by all users
    from practicum_work.review.access import launcher_page

    url = 'http://127.0.0.1:8765/?token=abc-DEF_123'
    page = launcher_page(url, tmp_path)
    assert page.stat().st_mode & 0o777 == 0o600
    assert f'url={url}"' in page.read_text()
