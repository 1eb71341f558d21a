"""A small world for the comments tests, built in each test's rolled-back transaction (a few rows).

Two Kazakh oblasts: the monitor follows A. Provider IN (A) has 6 responses, SMALL (A) has 4 — one
fewer than the rule on small numbers allows below administrator — and OUT (B) has 6. Each provider
has ordinary comments, one with a phone number, and one that must raise a safeguarding alert. The
provider manager works at IN. Sign-in is by session cookie (signing in is tested in tests/auth).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import session
from flask_login import login_user

from survey_app.comments.alerts import scan_comments
from survey_app.extensions import db as _db
from survey_app.models import (
    Answer,
    Campaign,
    Instrument,
    InstrumentText,
    InstrumentVersion,
    Item,
    Provider,
    Response,
    SafeguardingAlert,
    User,
)
from survey_app.models.base import LANGUAGES, utcnow
from tests.support import factories
from tests.support.clients import RequestContextClient

QUESTIONS = {
    "comment_good": {"en": "What is good about the services?", "ru": "Что хорошего в этих услугах?",
                     "kk": "Қызметтердің қандай жақсы жақтары бар?", "uk": "Що доброго в цих послугах?"},
    "comment_improve": {"en": "What should be improved?", "ru": "Что нужно улучшить?",
                        "kk": "Нені жақсарту керек?", "uk": "Що потрібно поліпшити?"},
}
PHONE = "+7 701 234 56 78"
_keys = itertools.count(1)


def comment_instrument() -> InstrumentVersion:
    """One page with the two open questions of Sapa Core, texts in every language, published."""
    version = InstrumentVersion(instrument=Instrument(code=factories.unique("comments-form")), version=1,
                                default_language="ru")
    group = Item(version=version, position=0, name="page_comments", type="begin_group")
    version.items = [group] + [Item(version=version, position=position, name=name, type="text", group=group)
                               for position, name in enumerate(QUESTIONS, start=1)]
    version.texts = [InstrumentText(key=f"label:{name}", lang=lang, text=text)
                     for name, texts in QUESTIONS.items() for lang, text in texts.items()]
    version.texts += [InstrumentText(key="label:page_comments", lang=lang, text="Comments") for lang in LANGUAGES]
    _db.session.add(version)
    _db.session.flush()
    version.status, version.published_at = "published", utcnow()
    _db.session.flush()
    return version


def add_response(campaign: Campaign, provider: Provider, comments: dict[str, str] | None = None,
                 language: str = "ru", submitted_on: date = date(2026, 5, 10)) -> Response:
    """A response stored directly (like the demo data and imports from other tools), with its comments."""
    response = Response(submission_key=f"comments-test-{next(_keys)}", campaign=campaign, provider=provider,
                        instrument_version_id=campaign.instrument_version_id, language=language, mode="web",
                        submitted_on=submitted_on)
    _db.session.add(response)
    _db.session.flush()
    items = {item.name: item.id for item in campaign.instrument_version.items}
    for name, text in (comments or {}).items():
        _db.session.add(Answer(response_id=response.id, item_id=items[name], text=text))
    _db.session.flush()
    return response


@dataclass
class World:
    version: InstrumentVersion
    campaign: Campaign
    inside: Provider  # the monitor's region; the manager's organisation
    small: Provider  # the monitor's region, 4 responses
    outside: Provider  # another region
    users: dict[str, User] = field(default_factory=dict)

    def alert(self, provider: Provider) -> SafeguardingAlert:
        return _db.session.query(SafeguardingAlert).filter_by(provider_id=provider.id).one()


def build_world() -> World:
    version = comment_instrument()
    region_a, region_b = factories.region(), factories.region()
    inside, small, outside = factories.provider(region_a), factories.provider(region_a), factories.provider(region_b)
    inside.name, small.name, outside.name = "Inside Day Centre", "Small Crisis Centre", "Zeta Outside Home"
    campaign = factories.campaign(version, [inside, small, outside])
    campaign.name = "Wave of May"
    for provider, count in ((inside, 6), (small, 4), (outside, 6)):
        label = provider.name.split()[0]
        add_response(campaign, provider, {"comment_good": f"{label}: персонал вежливый",
                                          "comment_improve": f"{label}: позвоните мне {PHONE}"})
        add_response(campaign, provider, {"comment_improve": f"{label}: санитарка кричит на бабушек"})
        add_response(campaign, provider, {"comment_good": f"{label}: good food and warm rooms"}, language="en")
        for _ in range(count - 3):
            add_response(campaign, provider)
    scan_comments()
    world = World(version, campaign, inside, small, outside)
    scopes = {"admin": None, "evaluator": None, "monitor": None, "provider_manager": inside, "social_worker": inside}
    for role, own in scopes.items():
        user = User(email=f"{role}@comments.test", full_name=f"Comments {role}", password_hash=f"not-a-hash-{role}",
                    role=role, language="en", provider_id=own.id if own else None)
        user.regions = [region_a] if role == "monitor" else []
        _db.session.add(user)
        world.users[role] = user
    _db.session.flush()
    return world


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def client(app, db):
    return RequestContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def sign_in(app, client, world):
    """``sign_in(role)``: the client carries that role's session cookie."""

    def signed_in(role: str) -> User:
        user = world.users[role]
        # The client's own environment: the session is bound to the browser that signed in.
        with app.test_request_context(environ_base=client.environ_base):
            login_user(user)
            cookie = app.session_interface.get_signing_serializer(app).dumps(dict(session))
        client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie)
        return user

    return signed_in
