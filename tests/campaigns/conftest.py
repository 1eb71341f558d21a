"""Campaign fixtures: two providers in two regions taking part in an open campaign, staff of every
role signing in, and the printed wording with or without its translations."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from flask_babel import get_babel

from survey_app.auth.services import create_user
from survey_app.models import Campaign, CampaignProvider, Provider, Region, Response, User
from survey_app.models.base import today
from tests.campaigns.catalogue import compile_drafts
from tests.support import factories

PASSWORD = "campaign-tests-password"
_accounts = itertools.count(1)


class RequestContextClient(FlaskClient):
    """Each request in its own application context, so ``g`` (the signed-in user, the language) is
    not shared with the test or with the previous request."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@dataclass
class World:
    campaign: Campaign
    ua_campaign: Campaign
    own: Provider  # the provider manager's organisation
    other: Provider  # in another region
    east: Region
    west: Region

    def participant(self, provider: Provider, campaign: Campaign | None = None) -> CampaignProvider:
        campaign = campaign or self.campaign
        return next(p for p in campaign.participants if p.provider_id == provider.id)

    def url(self, provider: Provider, tail: str = "", campaign: Campaign | None = None) -> str:
        campaign = campaign or self.campaign
        return f"/staff/campaigns/{campaign.id}/providers/{provider.id}/{tail}"


@pytest.fixture
def client(app, db):
    return RequestContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def world(db) -> World:
    version = factories.small_instrument()
    east, west = factories.region(), factories.region()
    own, other = factories.provider(east), factories.provider(west)
    own.name = "ОФ «Кризисный центр «Берекет»» г. Усть-Каменогорск"
    other.name = "Home care office Umit"
    on = today()
    campaign = factories.campaign(version, [own, other], starts_on=on - timedelta(days=10),
                                  ends_on=on + timedelta(days=30))
    ua_campaign = factories.campaign(version, [own], country="UA", starts_on=on - timedelta(days=10),
                                     ends_on=on + timedelta(days=30))
    for participant in campaign.participants:
        participant.target_responses = 10
    for number in range(3):
        db.session.add(Response(submission_key=f"test-{campaign.id}-{number}", campaign_id=campaign.id,
                                provider_id=own.id, instrument_version_id=version.id, language="kk",
                                mode="web", submitted_on=on))
    db.session.flush()
    return World(campaign, ua_campaign, own, other, east, west)


@pytest.fixture
def sign_in(client, world):
    """``sign_in(role, provider=…, regions=…)``: create a staff account and sign it in with ``client``."""

    def sign_in_as(role: str, **assignments) -> User:
        if role in ("provider_manager", "social_worker"):
            assignments.setdefault("provider", world.own)
        assignments.setdefault("language", "en")  # the tests read the English wording
        user = create_user(f"{role}-{next(_accounts)}@campaigns.test", "Test user", PASSWORD, role, **assignments)
        answer = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return user

    return sign_in_as


def _use_translation_directories(app, directories: list[str]):
    babel = get_babel(app)
    original = babel.translation_directories
    babel.translation_directories = directories
    babel.instance.domain_instance.cache.clear()
    return original


@pytest.fixture
def translated(app, tmp_path):
    """The project's catalogues plus draft translations of the printed wording."""
    babel = get_babel(app)
    original = _use_translation_directories(app, [*babel.translation_directories,
                                                  str(compile_drafts(tmp_path))])
    yield
    _use_translation_directories(app, original)


@pytest.fixture
def untranslated(app, tmp_path):
    """No catalogue at all: every language but English lacks the printed wording."""
    original = _use_translation_directories(app, [str(tmp_path)])
    yield
    _use_translation_directories(app, original)
