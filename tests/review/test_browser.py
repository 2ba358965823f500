"""The review page in a real browser: three decisions by keyboard, a reload, the cleaned copy."""

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
    httpd = make_server(ReviewApp(load_source(plan)), 0)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    driver = chromium()
    yield driver, f'http://127.0.0.1:{httpd.server_address[1]}/', root, plan
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
