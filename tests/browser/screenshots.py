"""README screenshots of the survey on a phone (390 × 844 CSS px), in Kazakh and in Ukrainian.

Run after ``make translations``::

    .venv/bin/python -m tests.browser.screenshots [output folder, default docs/screenshots]

It starts the same live server as the browser tests (its own throwaway database) and writes, per
language, the start page, an agreement-scale page, a page with errors and the thank-you page.
"""

from __future__ import annotations

import sys
import tempfile
from functools import partial
from pathlib import Path

from tests.browser.server import PROJECT_ROOT, chromium_path, launch, running_server
from tests.browser.walk import navigate, start

PHONE = {"width": 390, "height": 844}
NEXT = "button[name=action][value=next]"
SUBMIT = "button[name=action][value=submit]"
# Kazakhstan's crisis centre in Kazakh, Ukraine's day centre in Ukrainian.
LANGUAGES = {"kk": "victims", "uk": "ukraine"}


def take(page, folder: Path, name: str) -> Path:
    path = folder / name
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    page.screenshot(path=str(path), animations="disabled", caret="hide")
    print(path.relative_to(PROJECT_ROOT) if path.is_relative_to(PROJECT_ROOT) else path)
    return path


def shoot(browser, live, folder: Path) -> list[Path]:
    written = []
    for language, provider in LANGUAGES.items():
        context = browser.new_context(viewport=PHONE, device_scale_factor=1, locale=language)
        page = context.new_page()
        navigate(page, partial(page.goto, f"{live.url}/s/{live.links[provider]}?lang={language}"))
        written.append(take(page, folder, f"{language}-1-start.png"))
        start(page, page.url)
        page.click("label[for=assistance-0]")
        navigate(page, partial(page.click, NEXT))
        page.click("label[for=access_easy-3]")
        written.append(take(page, folder, f"{language}-2-agreement.png"))
        context.clear_cookies()

        start(page, f"{live.url}/s/{live.checks_link}?lang={language}")
        page.fill("#visits", "45")
        navigate(page, partial(page.click, NEXT))
        written.append(take(page, folder, f"{language}-3-errors.png"))
        context.clear_cookies()

        start(page, f"{live.url}/s/{live.links[provider]}?lang={language}")
        while page.locator(NEXT).count():
            navigate(page, partial(page.click, NEXT))
        navigate(page, partial(page.click, SUBMIT))
        written.append(take(page, folder, f"{language}-4-thanks.png"))
        context.close()
    return written


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    folder = Path(argv[0]) if argv else PROJECT_ROOT / "docs" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = chromium_path()
    if path is None:
        print("Chromium was not found: install the chromium package or set CHROMIUM_PATH.", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch, running_server(Path(scratch)) as live, \
            sync_playwright() as playwright:
        browser = launch(playwright, path)
        try:
            shoot(browser, live, folder)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
