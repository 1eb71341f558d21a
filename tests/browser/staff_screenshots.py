"""README screenshots of the staff pages, from a server running the demo data.

The staff pages need realistic numbers (hundreds of providers, two waves, contracts with figures and
expert assessments), so this script does not build its own database like ``screenshots.py``: it
signs in to a running Sapa that holds the demo (``flask seed-demo``)::

    export SAPA_INSTANCE_PATH=$(mktemp -d)
    .venv/bin/flask --app wsgi db upgrade && .venv/bin/flask --app wsgi seed-demo
    .venv/bin/flask --app wsgi run --port 5077 &
    .venv/bin/python -m tests.browser.staff_screenshots http://127.0.0.1:5077 [output folder]

It writes the dashboard in Russian, a provider scorecard in Kazakh, the providers comparison table
in Ukrainian and a contract page in English at 1280 CSS px, and the scorecard again at phone width
(390 px). Each waits until every chart is drawn.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from tests.browser.server import PROJECT_ROOT, chromium_path, launch

DEMO_PASSWORD = "sapa-demo-2026"
# The demo seed is deterministic: provider 13 is a home for older and disabled people in Uralsk with
# answers from several recipient categories; contract 7 has a figure entered by hand and an expert
# assessment.
DEMO_PROVIDER = 13
DEMO_CONTRACT = 7
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The tallest picture kept: the top of a long page says what it is; the README is not the page.
MAX_HEIGHT = {"desktop": 2300, "phone": 2600}
DRAWN = ("document.querySelectorAll('.chart-data').length === "
         "document.querySelectorAll('.chart-canvas[data-drawn]').length")


def sign_in(page, base: str, email: str) -> None:
    page.goto(f"{base}/staff/login?lang=en")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", DEMO_PASSWORD)
    with page.expect_navigation():
        page.click("[type=submit]")


def take(page, base: str, path: str, out: Path, kind: str) -> Path:
    page.goto(base + path)
    page.wait_for_function(DRAWN, timeout=60_000)
    page.evaluate("() => { document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); }")
    height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT[kind])
    width = page.viewport_size["width"]
    page.screenshot(path=str(out), full_page=True, clip={"x": 0, "y": 0, "width": width, "height": height},
                    animations="disabled", caret="hide")
    print(out.relative_to(PROJECT_ROOT) if out.is_relative_to(PROJECT_ROOT) else out)
    return out


def shoot(browser, base: str, folder: Path, provider: int, contract: int) -> list[Path]:
    written = []
    for kind, viewport, email, shots in (
        ("desktop", DESKTOP, "evaluator@demo.sapa", [
            ("/staff/?lang=ru", "staff-dashboard-ru.png"),
            (f"/staff/providers/{provider}?lang=kk", "staff-scorecard-kk.png"),
            ("/staff/providers?lang=uk", "staff-providers-uk.png"),
            (f"/staff/contracts/{contract}?lang=en", "staff-contract-en.png"),
        ]),
        ("phone", PHONE, "evaluator@demo.sapa", [
            (f"/staff/providers/{provider}?lang=kk", "staff-scorecard-kk-phone.png"),
        ]),
    ):
        context = browser.new_context(viewport=viewport, device_scale_factor=1)
        page = context.new_page()
        sign_in(page, base, email)
        for path, name in shots:
            written.append(take(page, base, path, folder / name, kind))
        context.close()
    return written


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description="Screenshots of the staff pages of a running demo.")
    parser.add_argument("base", help="the server's address, e.g. http://127.0.0.1:5077")
    parser.add_argument("folder", nargs="?", type=Path, default=PROJECT_ROOT / "docs" / "screenshots")
    parser.add_argument("--provider", type=int, default=DEMO_PROVIDER)
    parser.add_argument("--contract", type=int, default=DEMO_CONTRACT)
    options = parser.parse_args(argv)
    base, folder = options.base.rstrip("/"), options.folder
    folder.mkdir(parents=True, exist_ok=True)
    path = chromium_path()
    if path is None:
        print("Chromium was not found: install the chromium package or set CHROMIUM_PATH.", file=sys.stderr)
        return 1
    with sync_playwright() as playwright:
        browser = launch(playwright, path)
        try:
            shoot(browser, base, folder, options.provider, options.contract)
        finally:
            browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
