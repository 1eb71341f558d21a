"""Fixtures of the browser tests: a live Sapa server with survey data and one headless Chromium.

The server and its data are in ``tests/browser/server.py``. In CI a missing Chromium fails the run
(``tests.conftest.unavailable``); on a developer's machine the tests are skipped.
"""

from __future__ import annotations

import pytest

from tests.browser.server import chromium_path, launch, running_server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("browser")) as live:
        yield live


@pytest.fixture(scope="session")
def browser():
    from tests.conftest import unavailable

    path = chromium_path()
    if path is None:
        unavailable("Chromium was not found (set CHROMIUM_PATH, or install the chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (requirements-test.txt)")
    playwright = sync_playwright().start()
    try:
        chromium = launch(playwright, path)
    except Exception as error:  # any failure to start means there is no browser to test with
        playwright.stop()
        unavailable(f"Chromium at {path} could not be started: {error}")
    yield chromium
    chromium.close()
    playwright.stop()


@pytest.fixture
def context(browser):
    """A fresh, CSP-enforcing browser context (cookies of its own), phone-sized."""
    created = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    yield created
    created.close()
