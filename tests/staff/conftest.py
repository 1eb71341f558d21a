"""The staff pages' world, built once per test module: the scores tests' realistic small world
(Sapa Core, 14 Kazakh providers, two waves, the last provider with only 3 responses), its score
snapshot, sampling targets and invitations, an open campaign for the survey pages, and one staff
account per role. Everything lives in one transaction rolled back when the module ends."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np
import pytest

from survey_app.auth.services import create_user
from survey_app.campaigns.services import enrol_provider
from survey_app.demo import seed
from survey_app.demo.providers import generate_providers
from survey_app.demo.responses import generate_wave
from survey_app.instruments.runtime import compiled_instrument
from survey_app.instruments.services import load_standard_instrument
from survey_app.models import Campaign, Provider, User
from survey_app.models.base import today
from survey_app.reference.loader import load_reference
from survey_app.scores.refresh import refresh_scores
from tests.conftest import _transactional
from tests.support.clients import RequestContextClient

PROVIDERS = 14  # as in tests/scores/conftest.py (scored_world)
PASSWORD = "staff-pages-password-2026"
_accounts = itertools.count(1)


@dataclass
class StaffWorld:
    db: object
    campaigns: list[Campaign]  # the two scored waves, oldest first
    open_campaign: Campaign  # open now, no responses yet (for the survey pages)
    providers: list[Provider]  # in the order of scored_world's "chosen"
    users: dict[str, User] = field(default_factory=dict)

    @property
    def own(self) -> Provider:
        """The provider manager's organisation."""
        return self.providers[0]

    @property
    def small(self) -> Provider:
        """Only 3 responses in each wave: below the small-number rule."""
        return self.providers[-1]

    @property
    def monitored_region(self):
        region = self.own.region
        return region.parent or region

    def in_region(self, provider: Provider) -> bool:
        return (provider.region.parent or provider.region).id == self.monitored_region.id


def _build(database) -> StaffWorld:
    # The same world as tests/scores/conftest.py's scored_world (same seed, same draws).
    rng = np.random.default_rng(7)
    load_reference()
    version = load_standard_instrument()
    instrument = compiled_instrument(version)
    everyone = generate_providers(rng, 7)
    chosen = [p for p in everyone if p.region_code.startswith("kz")][:PROVIDERS]
    rows = seed._save_providers(rng, chosen)
    campaigns = []
    for wave, (starts_on, ends_on) in enumerate([(date(2026, 3, 1), date(2026, 5, 31)),
                                                 (date(2026, 9, 1), date(2026, 11, 30))], start=1):
        campaign = seed._save_campaign("KZ", wave, starts_on, ends_on, version.id)
        counts = {p.code: int(rng.integers(20, 40)) for p in chosen}
        counts[chosen[-1].code] = 3
        for provider in chosen:
            enrol_provider(campaign, rows[provider.code])
        generated = generate_wave(rng, instrument, chosen, wave, starts_on, ends_on, counts)
        seed._insert_responses(campaign, version.id, generated, rows)
        campaigns.append(campaign)
    providers = [rows[p.code] for p in chosen]
    # Sampling targets for the progress figures; invitations known for every other provider.
    for number, provider in enumerate(providers):
        enrol_provider(campaigns[1], provider, target_responses=30 + number,
                       invitations=60 if number % 2 == 0 else None)
    # An open campaign in another country, so a recipient's survey page can be opened.
    open_campaign = seed._save_campaign("UA", 1, today() - timedelta(days=5), today() + timedelta(days=30),
                                        version.id)
    enrol_provider(open_campaign, providers[1], target_responses=40)
    database.session.flush()
    refresh_scores()
    world = StaffWorld(database, campaigns, open_campaign, providers)
    world.users = {
        "admin": create_user("admin@staff.test", "Admin", PASSWORD, "admin"),
        "evaluator": create_user("evaluator@staff.test", "Evaluator", PASSWORD, "evaluator"),
        "monitor": create_user("monitor@staff.test", "Monitor", PASSWORD, "monitor",
                               regions=[world.monitored_region]),
        "manager": create_user("manager@staff.test", "Manager", PASSWORD, "provider_manager", provider=world.own),
    }
    database.session.flush()
    return world


@pytest.fixture(scope="module")
def world(app) -> StaffWorld:
    for database in _transactional(app):
        yield _build(database)


@pytest.fixture
def client(app, world):
    """A fresh browser (no cookies) for each test; the world stays as it is."""
    return RequestContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def sign_in(client, world):
    """``sign_in(role)``: sign the client in as the world's account of that role."""

    def signed_in(role: str) -> User:
        user = world.users[role]
        answer = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return user

    return signed_in
