"""The contracts' world, built once per test module: Sapa Core, four Kazakh providers in different regions
with generated responses in one 2026 wave (about 60, 12, 3 and 40), a contract for each with targets for
the year, a funder, and one account per role. Each test runs inside a savepoint rolled back after it, so
what a test changes (figures, targets, imported contracts) never reaches the next one.

Providers: ``big`` (about 60 responses, invitations counted), ``few`` (12: too few for a verdict),
``tiny`` (3: below the rule on small numbers) and ``other`` (40, in another region than ``big``). The
monitor is assigned ``big``'s region; the provider manager and social worker work at ``big``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from unittest.mock import patch

import numpy as np
import pytest
from argon2 import PasswordHasher
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import select
from sqlalchemy.orm import scoped_session, sessionmaker

from survey_app.auth.services import create_user
from survey_app.campaigns.services import enrol_provider
from survey_app.demo import seed
from survey_app.demo.providers import generate_providers
from survey_app.demo.responses import generate_wave
from survey_app.extensions import db as _db
from survey_app.instruments.runtime import clear_cache, compiled_instrument
from survey_app.instruments.services import load_standard_instrument
from survey_app.models import Contract, ContractTarget, Funder, IndicatorDefinition, Provider, User
from survey_app.reference.loader import load_reference
from tests.support.clients import RequestContextClient

PASSWORD = "contracts-password-2026"
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
PERIOD = (date(2026, 1, 1), date(2026, 12, 31))
WAVE = (date(2026, 3, 1), date(2026, 5, 31))
COUNTS = {"big": 60, "few": 12, "tiny": 3, "other": 40}
INVITATIONS = {"big": 90}
# (indicator code, baseline, target) set for every contract
TARGETS = [("satisfaction_rate", 74.0, 80.0), ("quality_index", 68.0, 72.0), ("nps", 20.0, 30.0),
           ("dimension_coordination", 60.0, 65.0), ("response_rate", None, 50.0), ("coverage", None, 30.0),
           ("complaints_per_100", 3.0, 2.0)]


@dataclass
class ContractWorld:
    connection: object
    contracts: dict[str, int]  # provider key -> contract id
    providers: dict[str, int]  # provider key -> provider id
    users: dict[str, int] = field(default_factory=dict)  # role -> user id

    def contract(self, key: str) -> Contract:
        return _db.session.get(Contract, self.contracts[key])

    def user(self, role: str) -> User:
        return _db.session.get(User, self.users[role])

    def indicator(self, code: str) -> IndicatorDefinition:
        return _db.session.scalar(select(IndicatorDefinition).where(IndicatorDefinition.code == code))


def _pick_providers(rng) -> dict:
    """Four Kazakh NGOs or private providers, each in a different region, with room for their responses."""
    chosen, regions = {}, set()
    for candidate in generate_providers(rng, 7):
        if not candidate.region_code.startswith("kz") or candidate.kind.org_form == "state":
            continue
        if candidate.region_code in regions or candidate.recipients_served < 80:
            continue
        key = ("big", "few", "tiny", "other")[len(chosen)]
        chosen[key] = candidate
        regions.add(candidate.region_code)
        if len(chosen) == 4:
            break
    return chosen


def _build(connection) -> ContractWorld:
    rng = np.random.default_rng(11)
    load_reference()
    version = load_standard_instrument()
    instrument = compiled_instrument(version)
    chosen = _pick_providers(rng)
    rows = seed._save_providers(rng, list(chosen.values()))
    campaign = seed._save_campaign("KZ", 1, WAVE[0], WAVE[1], version.id)
    for key, provider in chosen.items():
        enrol_provider(campaign, rows[provider.code], invitations=INVITATIONS.get(key))
    counts = {provider.code: COUNTS[key] for key, provider in chosen.items()}
    generated = generate_wave(rng, instrument, list(chosen.values()), 1, WAVE[0], WAVE[1], counts)
    seed._insert_responses(campaign, version.id, generated, rows)
    funder = Funder(code="test-akimat", kind="akimat", country="KZ")
    funder.set_names({"kk": "Әкімдік", "ru": "Акимат", "uk": "Акімат", "en": "Akimat"})
    _db.session.add(funder)
    indicators = {row.code: row for row in _db.session.scalars(select(IndicatorDefinition))}
    contracts = {}
    for number, (key, demo) in enumerate(chosen.items(), start=1):
        provider = rows[demo.code]
        contract = Contract(
            number=f"T-2026/{number:03d}", title=f"Test contract {key}", funder=funder, provider=provider,
            region=provider.region, starts_on=PERIOD[0], ends_on=PERIOD[1], budget=Decimal("12000000.00"),
            currency="KZT", contracted_recipients=COUNTS[key] * 3)
        contract.targets = [ContractTarget(indicator=indicators[code], period_start=PERIOD[0], period_end=PERIOD[1],
                                           baseline=baseline, target=target) for code, baseline, target in TARGETS]
        _db.session.add(contract)
        _db.session.flush()
        contracts[key] = contract.id
    world = ContractWorld(connection, contracts, {key: rows[demo.code].id for key, demo in chosen.items()})
    big = rows[chosen["big"].code]
    monitored_region = big.region.parent or big.region
    with patch("survey_app.auth.services.hash_password", return_value=CHEAP_HASH):
        accounts = {
            "admin": create_user("admin@demo.sapa", "Admin Әкімші", PASSWORD, "admin"),
            "evaluator": create_user("evaluator@demo.sapa", "Ольга Бағалаушы", PASSWORD, "evaluator"),
            "monitor": create_user("monitor@contracts.test", "Monitor", PASSWORD, "monitor",
                                   regions=[monitored_region]),
            "provider_manager": create_user("manager@contracts.test", "Manager", PASSWORD, "provider_manager",
                                            provider=big),
            "social_worker": create_user("worker@contracts.test", "Worker", PASSWORD, "social_worker", provider=big),
        }
    world.users = {role: user.id for role, user in accounts.items()}
    _db.session.flush()
    return world


def world_in(application):
    """The world built in ``application``'s database in one outer transaction, rolled back at the end; the
    tests run in the application's context."""
    with application.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id)
        clear_cache()
        try:
            built = _build(connection)
            _db.session.commit()
            yield built
        finally:
            _db.session.remove()
            transaction.rollback()
            connection.close()
            _db.session = original
            clear_cache()


@pytest.fixture(scope="module")
def world(app):
    """The world in one outer transaction for the module; the module's tests run in its app context."""
    yield from world_in(app)


@pytest.fixture(autouse=True)
def isolated(world):
    """Whatever a test (or a request it makes) changes is rolled back after it."""
    savepoint = world.connection.begin_nested()
    yield
    _db.session.rollback()
    if savepoint.is_active:
        savepoint.rollback()
    _db.session.expire_all()


@pytest.fixture
def db(world):
    """The module's session (the root ``db`` fixture would open a second transaction)."""
    return _db


@pytest.fixture
def client(app, world):
    return RequestContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def sign_in(client, world):
    def signed_in(role: str) -> User:
        user = world.user(role)
        answer = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
        assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
        return user

    return signed_in


def provider(world: ContractWorld, key: str) -> Provider:
    return _db.session.get(Provider, world.providers[key])
