"""The review app's HTTP API, on a live server on 127.0.0.1 with a plain HTTP client (sending
the run's token as the page does; tests/review/test_access.py checks who is refused)."""

from __future__ import annotations

import json
import os
import threading
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import cv2
import numpy as np
import pytest

from practicum_work.review.server import ReviewApp, make_server
from practicum_work.review.sources import load_source

TOKEN: dict[str, str] = {}  # the token of the server on each port


@pytest.fixture
def server(fresh_plan):
    root, plan = fresh_plan
    app = ReviewApp(load_source(plan))
    httpd = make_server(app, 0)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    url = f'http://127.0.0.1:{httpd.server_address[1]}'
    TOKEN[url] = app.token
    yield url, app, root, plan
    httpd.shutdown()
    httpd.server_close()


def _headers(url: str) -> dict[str, str]:
    base = '/'.join(url.split('/')[:3])
    return {'X-Petseg-Token': TOKEN[base]}


def _get(url: str) -> tuple[int, bytes]:
    try:
        request = urllib.request.Request(url, headers=_headers(url))
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _post(url: str, data: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url, json.dumps(data).encode(), {**_headers(url), 'Content-Type': 'application/json'}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as err:
        return err.code, json.loads(err.read())


def test_only_loopback_is_listened_on(server):
    url, *_ = server
    assert url.startswith('http://127.0.0.1:')


def test_session_lists_the_flagged_samples_with_their_evidence(server):
    url, *_ = server
    status, body = _get(f'{url}/api/session')
    session = json.loads(body)
    assert status == 200 and session['kind'] == 'plan'
    by_id = {item['id']: item for item in session['items']}
    assert set(by_id) >= {'train/train_0002', 'train/train_0007', 'val/val_0003'}
    assert 'train/train_0000' not in by_id  # unflagged samples are not asked about
    swap = by_id['train/train_0002']
    assert swap['suggestion'] == 'swap' and swap['evidence']['P(other species)'] > 0.5
    assert by_id['train/train_0007']['issues'] == ['empty_mask']
    assert session['keys'] == {'a': 'accept', 'k': 'keep', 's': 'swap', 'd': 'drop', 'r': 'relabel'}
    assert [name for name, _ in session['legend']][:3] == ['background', 'cat', 'dog']


def test_a_long_review_comes_in_pages_the_session_holds_the_first(server, monkeypatch):
    from practicum_work.review import server as module

    url, app, *_ = server
    every = [item.id for item in app.source.items]
    _post(f'{url}/api/decide', {'id': every[-1], 'action': 'drop'})
    monkeypatch.setattr(module, 'SESSION_PAGE', 3)
    session = json.loads(_get(f'{url}/api/session')[1])
    assert [item['id'] for item in session['items']] == every[:3]
    assert session['total'] == len(every) > 3 and session['decided'] == 1
    assert set(session['issues']) >= {'empty_mask', 'species_swap'}
    assert session['splits'] == sorted({item.split for item in app.source.items})
    pages = [session['items']]
    while sum(map(len, pages)) < len(every):
        status, body = _get(f'{url}/api/items?offset={sum(map(len, pages))}&limit=2')
        page = json.loads(body)
        assert status == 200 and page['total'] == len(every) and 0 < len(page['items']) <= 2
        pages.append(page['items'])
    loaded = [item for page in pages for item in page]
    assert [item['id'] for item in loaded] == every  # every item once, in review order
    assert loaded[-1]['decision']['action'] == 'drop'
    for query in ('offset=-1&limit=2', 'offset=0&limit=0', 'offset=x', 'limit=100000'):
        assert _get(f'{url}/api/items?{query}')[0] == 400


def test_pictures_are_jpegs_large_enough_to_judge(server):
    url, *_ = server
    for kind in ('image', 'given', 'proposed'):
        status, body = _get(f'{url}/picture/{kind}/train/train_0002')
        assert status == 200
        picture = cv2.imdecode(np.frombuffer(body, np.uint8), cv2.IMREAD_COLOR)
        assert picture.shape[0] >= 384
    given = cv2.imdecode(
        np.frombuffer(_get(f'{url}/picture/given/train/train_0002')[1], np.uint8), 1
    )
    proposed = cv2.imdecode(
        np.frombuffer(_get(f'{url}/picture/proposed/train/train_0002')[1], np.uint8), 1
    )
    assert np.abs(given.astype(int) - proposed.astype(int)).mean() > 1  # the swap shows
    assert _get(f'{url}/picture/given/train/train_0000')[0] == 404  # not in the review


def test_a_decision_is_saved_at_once_and_undo_brings_back_the_previous(server):
    url, _app, _, plan = server
    status, answer = _post(f'{url}/api/decide', {'id': 'train/train_0002', 'action': 'keep'})
    assert status == 200 and answer['decided'] == 1
    saved = json.loads((plan / 'decisions.json').read_text())
    assert saved['decisions']['train/train_0002']['action'] == 'keep'
    _post(f'{url}/api/decide', {'id': 'train/train_0002', 'action': 'swap'})
    status, answer = _post(f'{url}/api/undo', {'id': 'train/train_0002'})
    assert answer['decision']['action'] == 'keep'
    _post(f'{url}/api/undo', {'id': 'train/train_0002'})
    saved = json.loads((plan / 'decisions.json').read_text())
    assert 'train/train_0002' not in saved['decisions']
    # a restart resumes: a new app on the same folder sees the decisions
    _post(f'{url}/api/decide', {'id': 'val/val_0003', 'action': 'drop'})
    again = ReviewApp(load_source(plan)).session()
    assert {i['id']: i['decision'] for i in again['items']}['val/val_0003']['action'] == 'drop'


@pytest.mark.parametrize(
    ('body', 'message'),
    [
        ({'id': 'train/nope', 'action': 'keep'}, 'no flagged sample'),
        ({'id': 'train/train_0002', 'action': 'burn'}, 'unknown action'),
        ({'action': 'keep'}, 'id'),
    ],
)
def test_bad_decisions_are_400_with_a_message(server, body, message):
    url, *_ = server
    status, answer = _post(f'{url}/api/decide', body)
    assert status == 400 and message in answer['error']


def test_files_under_the_dataset_and_the_report_are_served(server):
    url, _, root, _plan = server
    status, body = _get(f'{url}/files/data/img/train/train_0002.jpg')
    assert status == 200 and body == (root / 'img/train/train_0002.jpg').read_bytes()
    assert _get(f'{url}/files/report/plan.json')[0] == 200


def test_path_traversal_and_links_out_are_404(server, tmp_path):
    url, _, _root, plan = server
    secret = tmp_path / 'secret.txt'
    secret.write_text('not for the page')
    os.symlink(secret, plan / 'link_out.txt')
    os.symlink(tmp_path, plan / 'dir_out')
    relative = os.path.relpath(secret, plan)
    for path in (
        f'/files/report/{relative}',
        '/files/report/../../../../etc/passwd',
        '/files/report/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
        '/files/report/..%2f..%2f..%2fetc%2fpasswd',
        '/files/data//etc/passwd',
        '/files/data/%2Fetc%2Fpasswd',
        '/files/report/link_out.txt',
        '/files/report/dir_out/secret.txt',
        '/static/..%2f..%2f__init__.py',
        '/files/other/etc/passwd',
    ):
        status, body = _get(url + path)
        assert status == 404, path
        assert b'not for the page' not in body and b'root:' not in body


def test_two_tabs_writing_at_once_never_tear_the_file(server):
    url, app, _, plan = server
    ids = [item.id for item in app.source.items]
    jobs = [(ids[n % len(ids)], ('keep', 'swap', 'drop', 'relabel')[n % 4]) for n in range(80)]
    with ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda j: _post(f'{url}/api/decide', {'id': j[0], 'action': j[1]}), jobs)
        )
    assert all(status == 200 for status, _ in answers)
    saved = json.loads((plan / 'decisions.json').read_text())
    assert set(saved['decisions']) == set(ids)
    assert not list(Path(plan).glob('*.tmp*'))


def test_an_eda_report_can_be_reviewed(review_plan, tmp_path):
    from practicum_work.data.eda.run import run_eda

    root, _ = review_plan
    run_eda(root, tmp_path / 'eda', overlays=0, workers=1, show_progress=False)
    source = load_source(tmp_path / 'eda')
    by_id = {item.id: item for item in source.items}
    assert source.kind == 'eda' and by_id['train/train_0007'].suggestion == 'relabel'
    assert by_id['train/train_0010'].issues == ['size_mismatch']
    app = ReviewApp(source)
    app.listen_on(8765)
    headers = {'Host': '127.0.0.1:8765', 'X-Petseg-Token': app.token}
    status, kind, body, _ = app.handle('GET', '/picture/proposed/train/train_0007', b'', headers)
    assert status == 200 and kind == 'image/jpeg' and body[:2] == b'\xff\xd8'


def test_a_folder_without_a_report_is_a_clear_error(tmp_path):
    from practicum_work.core.errors import PetsegError

    with pytest.raises(PetsegError, match=r'holds no plan\.json'):
        load_source(tmp_path)


def test_two_servers_on_one_file_lose_no_decision(fresh_plan):
    from practicum_work.review.store import DecisionStore

    _, plan = fresh_plan
    source = load_source(plan)
    first, second = DecisionStore(source), DecisionStore(source)  # two processes' stores
    ids = [item.id for item in source.items]
    jobs = [(store, item_id) for item_id in ids for store in (first, second)] * 3
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda job: job[0].decide(job[1], 'keep'), jobs))
    saved = json.loads((plan / 'decisions.json').read_text())['decisions']
    assert set(saved) == set(ids)
    assert all(len(entry['history']) == 5 for entry in saved.values())  # 6 writes each, none lost
