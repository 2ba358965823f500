"""Headless Chromium (Debian's ``chromium`` and ``chromium-driver``) driven by Selenium."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable

import pytest

CHROMIUM_HINT = (
    "the review page is tested in Debian's headless Chromium: "
    'sudo apt-get install chromium chromium-driver (.ci/run installs them when missing)'
)
FLAGS = (
    '--headless=new',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-dev-shm-usage',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
)


def chromium(width: int = 1280, height: int = 800):
    """A Selenium driver on /usr/bin/chromium with a ``width`` x ``height`` viewport."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = shutil.which('chromium'), shutil.which('chromedriver')
    if not browser or not driver:
        pytest.fail(CHROMIUM_HINT)
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in FLAGS:
        options.add_argument(flag)
    session = webdriver.Chrome(service=Service(driver), options=options)
    session.execute_cdp_cmd(
        'Emulation.setDeviceMetricsOverride',
        {'width': width, 'height': height, 'deviceScaleFactor': 1, 'mobile': False},
    )
    return session


def wait_for(check: Callable[[], object], timeout: float = 10.0, what: str = 'the page'):
    """``check()``'s first truthy answer, polled for up to ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        answer = check()
        if answer:
            return answer
        if time.monotonic() > deadline:
            raise AssertionError(f'timed out waiting for {what}')
        time.sleep(0.02)
