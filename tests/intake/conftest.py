"""Intake fixtures: one in-memory database per worker with the reference lists, Sapa Core and a small
instrument with every answer type committed once; each test in a rolled-back transaction."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from openpyxl import Workbook
from sqlalchemy import func, select

from survey_app import create_app
from survey_app.auth.services import create_user
from survey_app.campaigns.services import enrol_provider
from survey_app.config import TestConfig
from survey_app.extensions import db as _db
from survey_app.instruments.services import load_standard_instrument, save_form
from survey_app.instruments.xlsform import parse_xlsform
from survey_app.models import Campaign, Instrument, InstrumentVersion, Response, ServiceStandard
from survey_app.models.base import today
from survey_app.reference.loader import load_reference
from tests.support import factories

PASSWORD = "correct horse battery"
LABEL = {"en": "English (en)", "ru": "Русский (ru)", "kk": "Қазақша (kk)", "uk": "Українська (uk)"}


class RequestContextClient(FlaskClient):
    """Each request in its own application context (its own ``g``: signed-in user, language)."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


def mini_workbook() -> bytes:
    """A small form with every answer type, skip logic on an answer and a constraint."""
    texts = lambda text: [f"{text} [{language}]" for language in LABEL]  # noqa: E731
    survey = [
        ["begin group", "page_main", *texts("Main"), "", ""],
        ["select_one agree5", "agree", *texts("Agree?"), "", ""],
        ["select_one yesno", "followup", *texts("Why not?"), "${agree} <= 2", ""],
        ["select_multiple services", "services", *texts("Services"), "", ""],
        ["integer", "visits", *texts("Visits"), "", ". >= 0 and . <= 60"],
        ["text", "comment", *texts("Comment"), "", ""],
        ["end group", "", "", "", "", "", "", ""],
        ["begin group", "page_about", *texts("About"), "", ""],
        ["select_one sex", "sex", *texts("Sex"), "", ""],
        ["end group", "", "", "", "", "", "", ""],
    ]
    choices = [["agree5", str(n), *texts(f"A{n}")] for n in range(1, 6)] + [["agree5", "na", *texts("N/A")]]
    choices += [["yesno", "yes", *texts("Yes")], ["yesno", "no", *texts("No")]]
    choices += [["services", name, *texts(name)] for name in ("legal", "psych", "food")]
    choices += [["sex", "female", *texts("Female")], ["sex", "male", *texts("Male")], ["sex", "na", *texts("N/S")]]
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "survey"
    sheet.append(["type", "name", *(f"label::{LABEL[language]}" for language in LABEL), "relevant", "constraint",
                  "profile"])
    for row in survey:
        sheet.append(row + (["sex"] if row[1] == "sex" else []))
    sheet = workbook.create_sheet("choices")
    sheet.append(["list_name", "name", *(f"label::{LABEL[language]}" for language in LABEL)])
    for row in choices:
        sheet.append(row)
    sheet = workbook.create_sheet("settings")
    sheet.append(["form_title", *(f"form_title::{LABEL[language]}" for language in LABEL), "form_id", "version",
                  "default_language"])
    sheet.append(["Mini", *texts("Mini"), "intake_mini", 1, "ru"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="session")
def app():
    application = create_app(TestConfig())
    application.test_client_class = RequestContextClient
    with application.app_context():
        _db.create_all()
        load_reference()
        load_standard_instrument()
        save_form(parse_xlsform(mini_workbook()), publish=True)
        _db.session.commit()
    return application


def _published(code: str) -> InstrumentVersion:
    return _db.session.scalar(select(InstrumentVersion).join(Instrument).where(
        Instrument.code == code, InstrumentVersion.status == "published"))


@pytest.fixture
def core(db):
    return _db.session.scalar(select(InstrumentVersion).join(Instrument).where(
        Instrument.code != "intake_mini", InstrumentVersion.status == "published"))


@pytest.fixture
def mini(db):
    return _published("intake_mini")


@pytest.fixture
def site(db):
    """``site(version, setting=…, standards=…)``: a provider in an open campaign of that instrument."""

    def build(version, setting="day_care", standards=(), campaign=None, country="KZ"):
        provider = factories.provider(factories.region(country), setting=setting)
        provider.standards = list(_db.session.scalars(
            select(ServiceStandard).where(ServiceStandard.code.in_(standards))))
        if campaign is None:
            campaign = Campaign(code=factories.unique("campaign"), name="Test campaign", instrument_version=version,
                                country=country, default_language="kk" if country == "KZ" else "uk", wave=1,
                                starts_on=today() - timedelta(days=60), ends_on=today() + timedelta(days=30))
            _db.session.add(campaign)
            _db.session.flush()
        return enrol_provider(campaign, provider)

    return build


@pytest.fixture
def staff(db):
    """``staff(role, provider=None)``: a staff account (password ``PASSWORD``)."""

    def build(role="admin", provider=None, language="en"):
        return create_user(f"{factories.unique(role)}@example.org", f"{role.title()} {factories.unique('n')}",
                           PASSWORD, role, provider=provider, language=language)

    return build


def sign_in(client, user):
    """Sign ``user`` in the way Flask-Login records it (the sign-in page has tests of its own)."""
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # "strong" session protection compares it on every request
    with client.session_transaction() as session:
        session.clear()
        session.update({"_user_id": user.get_id(), "_fresh": True, "_id": identifier})
    return client


def response_count(**where) -> int:
    query = select(func.count()).select_from(Response)
    for name, value in where.items():
        query = query.where(getattr(Response, name) == value)
    return _db.session.scalar(query)

