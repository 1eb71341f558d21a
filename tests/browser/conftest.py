"""Fixtures of the browser tests: a live Sapa server with survey data and one headless Chromium.

The server and its data are in ``tests/browser/server.py``; the one Chromium of a test process is the
``browser`` fixture of ``tests/conftest.py`` (Playwright's sync API allows one running instance).
"""

from __future__ import annotations

import pytest

from tests.browser.server import running_server


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with running_server(tmp_path_factory.mktemp("browser")) as live:
        yield live


@pytest.fixture
def context(browser):
    """A fresh, CSP-enforcing browser context (cookies of its own), phone-sized."""
    created = browser.new_context(viewport={"width": 390, "height": 844}, locale="ru-RU")
    yield created
    created.close()
