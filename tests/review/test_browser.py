"""The review page in a real browser: three decisions by keyboard, a reload, the cleaned copy;
an eda report's mask finding shown on its photo; nothing cut, nothing overlapping at 1280x800."""

from __future__ import annotations

import json
import threading

import cv2
import numpy as np
import pytest

from practicum_work.core.paths import REPO_ROOT
from practicum_work.review.server import ReviewApp, make_server
from practicum_work.review.sources import load_source
from tests.conftest import run_tool
from tests.review.browser import chromium, wait_for

SCREENSHOTS = REPO_ROOT / 'work_dirs' / 'screenshots'


@pytest.fixture
def page(fresh_plan):
    root, plan = fresh_plan
    app = ReviewApp(load_source(plan))
    httpd = make_server(app, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    driver = chromium()
    yield driver, app.url, root, plan
    driver.quit()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def eda_page(fresh_eda):
    root, report = fresh_eda
    app = ReviewApp(load_source(report))
    httpd = make_server(app, 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    driver = chromium()
    yield driver, app.url, root, report
    driver.quit()
    httpd.shutdown()
    httpd.server_close()


def _text(driver, element_id: str) -> str:
    return driver.find_element('id', element_id).text


def _press(driver, key: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains

    ActionChains(driver).send_keys(key).perform()


def _open(driver, url: str) -> None:
    driver.get(url)
    wait_for(lambda: driver.execute_script('return document.body.dataset.ready'), what='the page')


def _decided(driver) -> int:
    return int(_text(driver, 'progress-text').split()[0])


def _mask(root, split, stem):
    return cv2.imread(str(root / 'labels' / split / f'{stem}.png'), cv2.IMREAD_UNCHANGED)


def test_three_decisions_by_keyboard_survive_a_reload_and_reach_the_copy(page, tmp_path):
    driver, url, root, plan = page
    _open(driver, url)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    assert _text(driver, 'item-id') == 'train/train_0002'
    shown = [k.text for k in driver.find_elements('css selector', '#actions kbd, .nav kbd')]
    assert shown == ['a', 'k', 's', 'd', 'r', '←', 'u', '→']  # every key is on screen
    driver.save_screenshot(str(SCREENSHOTS / 'review_single.png'))

    decided = []
    for key in ('a', 'k', 'd'):  # accept (swap), keep, drop
        decided.append(_text(driver, 'item-id'))
        before = _decided(driver)
        _press(driver, key)
        wait_for(lambda b=before: _decided(driver) == b + 1, what=f'the decision {key!r}')
    assert decided == ['train/train_0002', 'train/train_0005', 'train/train_0007']

    driver.refresh()
    _open(driver, url)
    assert _decided(driver) == 3
    assert _text(driver, 'item-id') == 'train/train_0008'  # resumes at the first undecided
    _press(driver, '\ue012')  # ArrowLeft: back to the last decided one
    assert 'decided: drop from the cleaned copy' in _text(driver, 'item-decision')
    _press(driver, 'g')
    wait_for(lambda: driver.find_elements('css selector', '#grid .card'), what='the grid')
    driver.save_screenshot(str(SCREENSHOTS / 'review_grid.png'))

    saved = json.loads((plan / 'decisions.json').read_text())
    actions = {k: v['action'] for k, v in saved['decisions'].items()}
    assert actions == {
        'train/train_0002': 'accept',
        'train/train_0005': 'keep',
        'train/train_0007': 'drop',
    }

    out = tmp_path / 'pets_review_clean_v1'
    result = run_tool(
        '-m', 'practicum_work.cli', 'fix-labels', '--data-root', str(root), '--out', str(out),
        '--decisions', str(plan / 'decisions.json'), '--classifier', 'self', '--workers', '1',
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    given, cleaned = _mask(root, 'train', 'train_0002'), _mask(out, 'train', 'train_0002')
    assert np.array_equal(cleaned == 1, given == 2) and np.array_equal(cleaned == 2, given == 1)
    assert np.array_equal(_mask(out, 'train', 'train_0005'), _mask(root, 'train', 'train_0005'))
    assert not (out / 'labels/train/train_0007.png').exists()
    manifest = json.loads((out / 'manifest.json').read_text())
    humans = {
        f'{c["split"]}/{c["stem"]}' for c in manifest['changes'] if c['decided_by'] == 'human'
    }
    assert humans == set(actions)


def test_a_long_review_opens_on_its_first_page_and_loads_the_rest_behind(page, monkeypatch):
    from practicum_work.review import server as module

    monkeypatch.setattr(module, 'SESSION_PAGE', 3)  # the session holds 3 of the samples
    driver, url, _, plan = page
    every = [item.id for item in load_source(plan).items]
    _open(driver, url)
    wait_for(lambda: _text(driver, 'position') == f'1 of {len(every)}', what='every sample')
    assert _text(driver, 'progress-text') == f'0 decided / {len(every)} to decide'
    for _ in range(4):
        _press(driver, 'n')
    assert _text(driver, 'item-id') == every[4]  # past the session's first page
    _press(driver, 's')
    wait_for(lambda: _decided(driver) == 1, what='the decision')
    driver.refresh()
    _open(driver, url)  # counted before its sample is loaded again
    assert _text(driver, 'progress-text') == f'1 decided / {len(every) - 1} to decide'
    wait_for(lambda: _text(driver, 'position') == f'1 of {len(every)}', what='every sample')
    assert _text(driver, 'progress-text') == f'1 decided / {len(every) - 1} to decide'
    saved = json.loads((plan / 'decisions.json').read_text())
    assert {k: v['action'] for k, v in saved['decisions'].items()} == {every[4]: 'swap'}


def test_mouse_works_too_and_filters_narrow_the_list(page):
    driver, url, _, plan = page
    _open(driver, url)
    driver.find_element('css selector', '#actions button[data-action="relabel"]').click()
    wait_for(lambda: _decided(driver) == 1, what='the click')
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element('id', 'filter-issue')).select_by_value('empty_mask')
    assert _text(driver, 'item-id') == 'train/train_0007'
    assert _text(driver, 'position') == '1 of 1'
    driver.find_element('id', 'undo').click()  # nothing decided here: stays undecided
    saved = json.loads((plan / 'decisions.json').read_text())
    assert saved['decisions']['train/train_0002']['action'] == 'relabel'


def test_keys_typed_faster_than_the_saves_decide_one_sample_each(page):
    driver, url, _, plan = page
    _open(driver, url)
    _press(driver, 'kkkkk')  # one burst: the page moves on before each save has landed
    wait_for(lambda: _decided(driver) == 5, what='five saved decisions')
    saved = json.loads((plan / 'decisions.json').read_text())['decisions']
    assert len(saved) == 5 and {d['action'] for d in saved.values()} == {'keep'}


THUMBNAIL = """
// a loaded picture of the page shrunk to 24x24 RGB (null while it loads)
const img = document.getElementById(arguments[0]);
if (!img.complete || !img.naturalWidth) return null;
const canvas = document.createElement('canvas');
canvas.width = 24; canvas.height = 24;
const context = canvas.getContext('2d');
context.drawImage(img, 0, 0, 24, 24);
return Array.from(context.getImageData(0, 0, 24, 24).data);
"""


def _thumbnail(driver, element_id: str) -> np.ndarray:
    pixels = np.array(driver.execute_script(THUMBNAIL, element_id), float)
    return pixels.reshape(24, 24, 4)[..., :3]


LAYOUT_FAULTS = """
// what a person could not read: a horizontal scrollbar, text clipped by its box, grid labels
// running into each other or out of their card
const faults = [];
const page = document.documentElement;
if (page.scrollWidth > page.clientWidth) faults.push(`page ${page.scrollWidth}px wide`);
for (const el of document.querySelectorAll('body *')) {
  if (!el.offsetParent || !el.textContent.trim()) continue;
  const style = getComputedStyle(el);
  const clips = ['hidden', 'clip'].includes(style.overflowX) || style.textOverflow === 'ellipsis';
  if (clips && el.scrollWidth > el.clientWidth + 1) faults.push(`cut: ${el.textContent}`);
}
for (const card of document.querySelectorAll('#grid .card')) {
  const box = card.getBoundingClientRect();
  const parts = [...card.querySelectorAll('.meta > span, .issue')];
  const [a, b] = parts.map((e) => e.getBoundingClientRect());
  for (const r of parts.map((e) => e.getBoundingClientRect())) {
    if (r.left < box.left || r.right > box.right) faults.push(`out of card: ${card.textContent}`);
  }
  const apart = a.right <= b.left || b.right <= a.left || a.bottom <= b.top || b.bottom <= a.top;
  if (!apart) faults.push(`run together: ${card.textContent}`);
}
return faults;
"""


def _loaded(driver, ids=('pic-image', 'pic-given', 'pic-proposed')) -> bool:
    return driver.execute_script(
        'return arguments[0].every((id) => { const img = document.getElementById(id); '
        'return img.complete && img.naturalWidth > 0; });',
        list(ids),
    )


def test_an_eda_mask_finding_is_judged_on_its_photo_and_nothing_is_cut(eda_page, tmp_path):
    from selenium.webdriver.support.ui import Select

    from practicum_work.review.access import launcher_page

    driver, url, root, report = eda_page
    _open(driver, launcher_page(url, tmp_path).as_uri())  # as `petseg review` opens it
    assert driver.current_url.startswith('http://127.0.0.1:')
    assert '?token=' not in driver.current_url  # the secret does not stay in the address bar
    Select(driver.find_element('id', 'filter-issue')).select_by_value('empty_mask')
    assert _text(driver, 'item-id') == 'train/train_0007'
    assert 'empty_mask' in _text(driver, 'item-status')
    wait_for(lambda: _loaded(driver), what='the three pictures')
    photo = cv2.imread(str(root / 'img/train/train_0007.jpg'))[..., ::-1]
    photo = cv2.resize(photo, (24, 24), interpolation=cv2.INTER_AREA).astype(float)
    for shown in ('pic-image', 'pic-given'):  # the photo (the mask is empty), not a flat tile
        thumbnail = _thumbnail(driver, shown)[8:]  # below the note at the top
        assert thumbnail.std() > 3 and np.abs(thumbnail - photo[8:]).mean() < 12, shown
    assert driver.execute_script(LAYOUT_FAULTS) == []
    shot = tmp_path / 'review_eda_empty_mask.png'
    driver.save_screenshot(str(shot))
    assert shot.stat().st_size > 10_000
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(SCREENSHOTS / 'review_eda.png'))

    _press(driver, 'r')  # a decision from the page itself goes through the guard
    wait_for(lambda: _decided(driver) == 1, what='the decision')
    saved = json.loads((report / 'decisions.json').read_text())['decisions']
    assert saved['train/train_0007']['action'] == 'relabel'

    Select(driver.find_element('id', 'filter-issue')).select_by_value('')
    total = int(_text(driver, 'position').split()[-1])
    _press(driver, 'p' * total)  # back to the first
    assert _text(driver, 'position') == f'1 of {total}'
    for _ in range(total):  # every item: nothing cut
        wait_for(lambda: _loaded(driver), what='the pictures')
        assert driver.execute_script(LAYOUT_FAULTS) == [], _text(driver, 'item-id')
        _press(driver, 'n')
    _press(driver, 'g')
    wait_for(lambda: driver.find_elements('css selector', '#grid .card'), what='the grid')
    cards = driver.find_elements('css selector', '#grid .card img')
    wait_for(
        lambda: all(driver.execute_script('return arguments[0].complete', c) for c in cards),
        what='the grid pictures',
    )
    assert driver.execute_script(LAYOUT_FAULTS) == []
    driver.save_screenshot(str(tmp_path / 'review_eda_grid.png'))
    driver.save_screenshot(str(SCREENSHOTS / 'review_eda_grid.png'))
