"""The comparison pages' world, built once per test module: like the scores tests' small realistic world
(Sapa Core, 14 Kazakh providers — here one of each kind in turn, so most recipient categories have
answers — two waves, the last provider with only 3 responses per wave), its
score snapshot, a funder with contracts for three providers, and one account per role signed in by a
session cookie (no password hashing per test). Everything lives in one transaction rolled back when
the module ends."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from unittest.mock import patch

import numpy as np
from argon2 import PasswordHasher
from flask import session
from flask_login import login_user

from survey_app.auth.services import create_user
from survey_app.campaigns.services import enrol_provider
from survey_app.demo import seed
from survey_app.demo.providers import generate_providers
from survey_app.demo.responses import generate_wave
from survey_app.extensions import db as _db
from survey_app.instruments.runtime import compiled_instrument
from survey_app.instruments.services import load_standard_instrument
from survey_app.models import Campaign, Contract, Funder, Provider, User
from survey_app.reference.loader import load_reference
from survey_app.scores.refresh import refresh_scores
from tests.support.clients import RequestContextClient

PROVIDERS = 14
PASSWORD = "compare-pages-password-2026"
CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
ROLES = ("admin", "evaluator", "monitor", "manager", "worker")
_worlds = itertools.count(1)


@dataclass
class CompareWorld:
    db: object
    campaigns: list[Campaign]  # the two scored waves, oldest first
    providers: list[Provider]
    funded: list[Provider]  # the providers with a contract from ``funder``
    funder: Funder
    users: dict[str, User] = field(default_factory=dict)
    cookies: dict[str, str] = field(default_factory=dict)

    @property
    def latest(self) -> Campaign:
        return self.campaigns[-1]

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

    def scope(self, role: str) -> set[int]:
        everyone = {provider.id for provider in self.providers}
        return {"admin": everyone, "evaluator": everyone,
                "monitor": {p.id for p in self.providers if self.in_region(p)},
                "manager": {self.own.id}, "worker": {self.own.id}}[role]

    def client(self, app, role: str | None = None) -> RequestContextClient:
        """A fresh browser, signed in as ``role`` (anonymous when None)."""
        client = RequestContextClient(app, app.response_class, use_cookies=True)
        if role is not None:
            client.set_cookie(app.config["SESSION_COOKIE_NAME"], self.cookies[role])
        return client


def build_world(database, app) -> CompareWorld:
    number = next(_worlds)
    rng = np.random.default_rng(7)  # the scores tests' world: same seed, same draws
    load_reference()
    version = load_standard_instrument()
    instrument = compiled_instrument(version)
    everyone = generate_providers(rng, 7)
    chosen = _diverse([p for p in everyone if p.region_code.startswith("kz")], PROVIDERS)
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
    funder = Funder(code=f"compare-funder-{number}", kind="akimat", country="KZ", region=providers[1].region)
    funder.set_names({"kk": "Әкімдік", "ru": "Акимат", "uk": "Акімат", "en": "Akimat"})
    funded = providers[1:4]
    for index, provider in enumerate(funded):
        database.session.add(Contract(
            number=f"COMPARE-{number}-{index}", title="Contract", funder=funder, provider=provider,
            region=provider.region, starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31),
            budget=Decimal("1000000.00"), currency="KZT", contracted_recipients=40))
    database.session.flush()
    refresh_scores()
    world = CompareWorld(database, campaigns, providers, funded, funder)
    with patch("survey_app.auth.services.hash_password", return_value=CHEAP_HASH):
        world.users = {
            "admin": create_user(f"admin{number}@compare.test", "Admin", PASSWORD, "admin"),
            "evaluator": create_user(f"evaluator{number}@compare.test", "Evaluator", PASSWORD, "evaluator"),
            "monitor": create_user(f"monitor{number}@compare.test", "Monitor", PASSWORD, "monitor",
                                   regions=[world.monitored_region]),
            "manager": create_user(f"manager{number}@compare.test", "Manager", PASSWORD, "provider_manager",
                                   provider=world.own),
            "worker": create_user(f"worker{number}@compare.test", "Worker", PASSWORD, "social_worker",
                                  provider=world.own),
        }
    database.session.flush()
    world.cookies = {role: _session_cookie(app, user) for role, user in world.users.items()}
    return world


def _diverse(providers, count: int):
    """Providers of every kind in turn, so that most recipient categories have answers to compare."""
    kinds: dict[str, list] = {}
    for provider in providers:
        kinds.setdefault(provider.kind.key, []).append(provider)
    chosen = []
    while len(chosen) < count:
        for members in kinds.values():
            if members and len(chosen) < count:
                chosen.append(members.pop(0))
    return chosen


def _session_cookie(app, user: User) -> str:
    """The session cookie Flask-Login makes for this user (signing in itself is tested in tests/auth)."""
    client = app.test_client()
    with app.test_request_context(environ_base=client.environ_base):
        login_user(user)
        return app.session_interface.get_signing_serializer(app).dumps(dict(session))


def get(client, url: str, status: int = 200):
    answer = client.get(url)
    assert answer.status_code == status, (url, answer.status_code, answer.get_data(as_text=True)[:500])
    return answer


__all__ = ["CompareWorld", "ROLES", "build_world", "get", "_db"]
