"""Survey fixtures: one in-memory database per worker with the reference lists and the real Sapa Core
committed once, a fresh rolled-back transaction per test (``db`` from the root conftest), and a test
client that gives every request its own application context, as in production."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app import create_app
from survey_app.config import TestConfig
from survey_app.extensions import db as _db
from survey_app.instruments.services import load_standard_instrument
from survey_app.models import InstrumentVersion
from survey_app.reference.loader import load_reference
from tests.support.clients import RequestContextClient
from tests.survey.helpers import Respondent, make_site


def seeded_app(database_url: str | None = None, **overrides):
    """An app whose database has the reference lists and Sapa Core committed (tables made by ``create_all``)."""
    config = TestConfig(database_url)
    for key, value in overrides.items():
        setattr(config, key, value)
    application = create_app(config)
    application.test_client_class = RequestContextClient
    with application.app_context():
        _db.create_all()
        load_reference()
        load_standard_instrument()
        _db.session.commit()
    return application


@pytest.fixture(scope="session")
def app():
    """Overrides the root ``app`` for the survey tests: seeded once per worker, each test rolled back."""
    return seeded_app()


@pytest.fixture
def core(db):
    """The published Sapa Core version."""
    return db.session.scalar(select(InstrumentVersion).where(InstrumentVersion.status == "published"))


@pytest.fixture
def site(db, core):
    """Builds a provider taking part in an open campaign of Sapa Core: ``site(setting=…, standards=…)``."""

    def build(**options):
        return make_site(core, **options)

    return build


@pytest.fixture
def participant(site):
    """A day-care provider in Kazakhstan with no special standard: 11 pages."""
    return site()


@pytest.fixture
def respondent(client, participant):
    return Respondent(client, participant.link_code)
