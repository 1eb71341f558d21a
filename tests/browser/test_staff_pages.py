"""The staff pages in a real Chromium, in kk, ru, uk and en: axe-core (WCAG 2.1 A and AA), the page's
language, and no sideways scrolling of the page on a phone (wide tables scroll inside their own region).

The server holds a small cut of the demo (the same generators and seed functions as ``flask
seed-demo``): a score snapshot over two waves in both countries, contracts with figures entered by hand
and expert assessments, comments and safeguarding alerts. Every page of the dashboards, the comparison,
the comments and the contracts is opened as an administrator (who also sees the editing forms), each
with its charts drawn; a failure lists every page and problem of the language at once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from survey_app import create_app
from survey_app.config import TestConfig
from survey_app.extensions import db
from tests.browser.audit import format_violations, run_axe
from tests.browser.server import AXE, LANGUAGES

pytestmark = pytest.mark.browser

PASSWORD = "sapa-demo-2026"  # the demo accounts' password (survey_app.demo.seed.DEMO_PASSWORD)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
DRAWN = ("document.querySelectorAll('.chart-data').length === "
         "document.querySelectorAll('.chart-canvas[data-drawn]').length")


@dataclass
class StaffServer:
    url: str
    pages: dict[str, str] = field(default_factory=dict)  # label -> path (without ?lang=)


def _seed(server: StaffServer) -> None:
    """A small cut of ``survey_app.demo.seed.seed_demo``: 16 Kazakh and 6 Ukrainian providers."""
    from survey_app.campaigns.services import enrol_provider
    from survey_app.comments.alerts import scan_comments
    from survey_app.demo import seed
    from survey_app.demo.contracts import seed_contract_evidence
    from survey_app.demo.providers import generate_providers
    from survey_app.demo.responses import generate_wave
    from survey_app.instruments.runtime import compiled_instrument
    from survey_app.instruments.services import load_standard_instrument
    from survey_app.models import Contract, ContractTarget, Provider, SafeguardingAlert
    from survey_app.models.base import today
    from survey_app.reference.loader import load_reference
    from survey_app.scores.refresh import refresh_scores

    rng = np.random.default_rng(seed.SEED)
    load_reference()
    version = load_standard_instrument()
    instrument = compiled_instrument(version)
    everyone = generate_providers(rng, seed.CORE_DIMENSION_COUNT)
    manager = next(provider for provider in everyone if provider.code == "kz-ngo-crisis-001")
    kazakh = [provider for provider in everyone if provider.region_code.startswith("kz") and provider is not manager]
    ukrainian = [provider for provider in everyone if provider.region_code.startswith("ua")]
    # Every kind of provider (the generator lists them kind by kind): state homes, NGOs with contracts …
    chosen = [manager, *kazakh[::len(kazakh) // 15][:15], *ukrainian[::len(ukrainian) // 6][:6]]
    rows = seed._save_providers(rng, chosen)
    seed._save_contracts(rng, chosen, rows)
    seed._save_accounts()
    seed_contract_evidence(echo=lambda *_: None)
    for country in ("KZ", "UA"):
        members = [provider for provider in chosen if provider.region_code.startswith(country.lower())]
        for wave, starts_on, ends_on in seed.campaign_periods(today()):
            campaign = seed._save_campaign(country, wave, starts_on, ends_on, version.id)
            counts = seed._response_counts(rng, members, wave)
            for provider in members:
                enrol_provider(campaign, rows[provider.code], target_responses=seed._target(provider.recipients_served),
                               invitations=seed._invitations(rng, counts[provider.code]))
            generated = generate_wave(rng, instrument, members, wave, starts_on, min(ends_on, today()), counts)
            seed._insert_responses(campaign, version.id, generated, rows)
    db.session.flush()
    scan_comments(echo=lambda *_: None)
    refresh_scores()
    db.session.commit()

    provider = db.session.scalar(select(Provider).where(Provider.code == manager.code))
    contract = db.session.scalar(select(Contract).join(ContractTarget).order_by(Contract.number).limit(1))
    alert = db.session.scalar(select(SafeguardingAlert.id).order_by(SafeguardingAlert.id).limit(1))
    assert alert is not None and db.session.scalar(select(func.count()).select_from(Contract)) > 3
    server.pages = {
        "dashboard": "/staff/",
        "scorecard": f"/staff/providers/{provider.id}",
        "providers compared": "/staff/providers",
        "recipient categories": "/staff/categories",
        "comments": "/staff/comments/",
        "safeguarding alerts": "/staff/comments/alerts/",
        "safeguarding alert": f"/staff/comments/alerts/{alert}",
        "contracts": "/staff/contracts/",
        "contract": f"/staff/contracts/{contract.id}",
        "portfolio": "/staff/contracts/portfolio",
        "indicator library": "/staff/contracts/indicators/",
        "new indicator": "/staff/contracts/indicators/new",
        "new contract": "/staff/contracts/new",
        "new target": f"/staff/contracts/{contract.id}/targets/new",
        "new figure": f"/staff/contracts/{contract.id}/figures/new",
        "expert assessment": f"/staff/contracts/{contract.id}/assessment",
    }


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    from flask_migrate import upgrade

    folder = Path(tmp_path_factory.mktemp("staff"))
    app = create_app(TestConfig(f"sqlite:///{folder}/staff.sqlite3"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = StaffServer(url=f"http://127.0.0.1:{server.server_port}")
    with app.app_context():
        upgrade()
        _seed(live)
        db.session.remove()
    thread = threading.Thread(target=server.serve_forever, name="staff-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


def _problems(page, language: str) -> list[str]:
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    problems = format_violations(run_axe(page))
    lang = page.evaluate("document.documentElement.getAttribute('lang')")
    if lang != language:
        problems.append(f'<html lang="{lang}"> instead of "{language}"')
    page.set_viewport_size(PHONE)
    try:
        # The charts follow the new width once their resize handler has run.
        page.wait_for_function(f"document.documentElement.scrollWidth <= {PHONE['width']}", timeout=10_000)
    except PlaywrightTimeout:
        width = page.evaluate("document.documentElement.scrollWidth")
        problems.append(f"at {PHONE['width']} px the page scrolls sideways: {width} px wide")
    finally:
        page.set_viewport_size(DESKTOP)
    return problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_staff_page(browser, staff_server, language):
    context = browser.new_context(bypass_csp=True, viewport=DESKTOP)  # bypass: to load axe-core
    context.add_init_script(path=str(AXE))
    try:
        page = context.new_page()
        page.goto(f"{staff_server.url}/staff/login?lang={language}")
        page.fill("input[name=email]", "admin@demo.sapa")
        page.fill("input[name=password]", PASSWORD)
        with page.expect_navigation():
            page.click("form [type=submit]")
        found: dict[str, list[str]] = {}
        for label, path in staff_server.pages.items():
            answer = page.goto(f"{staff_server.url}{path}?lang={language}")
            if answer is None or answer.status != 200:
                found[label] = [f"answered {answer.status if answer else 'nothing'}"]
                continue
            page.wait_for_function(DRAWN, timeout=60_000)
            problems = _problems(page, language)
            if problems:
                found[label] = problems
    finally:
        context.close()
    assert not found, "\n".join(f"{label} ({language}):\n  " + "\n  ".join(problems)
                                for label, problems in found.items())
