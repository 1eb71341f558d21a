"""Export fixtures: a small questionnaire with every kind of question, three providers in two regions
(one with only 4 responses), and staff of every role signing in."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

import pytest
from flask.testing import FlaskClient
from flask_babel import force_locale

from survey_app.auth.services import create_user
from survey_app.extensions import db as _db
from survey_app.models import (
    Answer,
    Campaign,
    Choice,
    ChoiceList,
    Dimension,
    Instrument,
    InstrumentText,
    InstrumentVersion,
    Item,
    Provider,
    Region,
    Response,
    User,
)
from survey_app.models.base import LANGUAGES, utcnow
from tests.support import factories

PASSWORD = "export-tests-password"
_keys = itertools.count(1)

# Texts of the questionnaire, distinct in every language, so a test can tell which one a file holds.
TEXTS = {
    "label:easy": {"kk": "Қызметті алу оңай.", "ru": "Получить услуги легко.", "uk": "Отримати послуги легко.",
                   "en": "It is easy to get the services."},
    "label:services": {"kk": "Қандай қызметтер алдыңыз?", "ru": "Какие услуги вы получили?",
                       "uk": "Які послуги ви отримали?", "en": "Which services did you get?"},
    "label:visits": {"kk": "Неше рет келдіңіз?", "ru": "Сколько раз вы приходили?", "uk": "Скільки разів ви приходили?",
                     "en": "How many times did you come?"},
    "label:comment": {"kk": "Не жақсы?", "ru": "Что хорошо?", "uk": "Що добре?", "en": "What is good?"},
    "label:age_band": {"kk": "Жасыңыз нешеде?", "ru": "Сколько вам лет?", "uk": "Скільки вам років?",
                       "en": "How old are you?"},
    "label:main": {language: "Main" for language in LANGUAGES},
    "dimension:access": {language: "Access" for language in LANGUAGES},
    "choice:agree5:1": {"kk": "Мүлдем келіспеймін", "ru": "Совершенно не согласен", "uk": "Зовсім не згоден",
                        "en": "Strongly disagree"},
    "choice:agree5:5": {"kk": "Толығымен келісемін", "ru": "Полностью согласен", "uk": "Повністю згоден",
                        "en": "Strongly agree"},
    "choice:agree5:na": {"kk": "Маған қатысты емес", "ru": "Ко мне не относится", "uk": "Мене не стосується",
                         "en": "Does not apply"},
    "choice:services:legal": {"kk": "Заң көмегі", "ru": "Юридическая помощь", "uk": "Правова допомога",
                              "en": "Legal help"},
    "choice:services:medical": {"kk": "Медициналық көмек", "ru": "Медицинская помощь", "uk": "Медична допомога",
                                "en": "Medical help"},
    "choice:services:housing": {"kk": "Баспана", "ru": "Жильё", "uk": "Житло", "en": "Housing"},
    "choice:age_band:18_34": {"kk": "18–34 жас", "ru": "18–34 года", "uk": "18–34 роки", "en": "18–34 years"},
    "choice:age_band:60_74": {"kk": "60–74 жас", "ru": "60–74 года", "uk": "60–74 роки", "en": "60–74 years"},
}
for _score in (2, 3, 4):
    TEXTS[f"choice:agree5:{_score}"] = {language: f"{_score} ({language})" for language in LANGUAGES}


def export_instrument(code: str | None = None) -> InstrumentVersion:
    """A published version with a scored question (with "does not apply"), a question with several
    answers, a number, an open question and a profile question."""
    version = InstrumentVersion(instrument=Instrument(code=code or factories.unique("export-form")), version=1,
                                default_language="ru")
    agree = ChoiceList(version=version, name="agree5")
    agree.choices = [Choice(name=str(score), position=score, score=score) for score in range(1, 6)]
    agree.choices.append(Choice(name="na", position=6, score=None))
    services = ChoiceList(version=version, name="services")
    services.choices = [Choice(name=name, position=position) for position, name in
                        enumerate(("legal", "medical", "housing"))]
    ages = ChoiceList(version=version, name="age_band")
    ages.choices = [Choice(name="18_34", position=0), Choice(name="60_74", position=1)]
    dimension = Dimension(version=version, code="access", position=0)
    group = Item(version=version, position=0, name="main", type="begin_group")
    version.items = [
        group,
        Item(version=version, position=1, name="easy", type="select_one", choice_list=agree, dimension=dimension,
             group=group),
        Item(version=version, position=2, name="services", type="select_multiple", choice_list=services, group=group),
        Item(version=version, position=3, name="visits", type="integer", group=group),
        Item(version=version, position=4, name="comment", type="text", group=group),
        Item(version=version, position=5, name="age_band", type="select_one", choice_list=ages,
             profile_field="age_band", group=group),
    ]
    version.texts = [InstrumentText(key=key, lang=lang, text=text) for key, texts in TEXTS.items()
                     for lang, text in texts.items()]
    _db.session.add(version)
    _db.session.flush()
    version.status = "published"
    version.published_at = utcnow()
    _db.session.flush()
    return version


def add_response(campaign: Campaign, provider: Provider, *, easy: str | None = "4", services: str | None = None,
                 visits: float | None = None, comment: str | None = None, submitted_on: date = date(2026, 3, 10),
                 age_band: str | None = "60_74", version: InstrumentVersion | None = None) -> Response:
    version = version or campaign.instrument_version
    response = Response(submission_key=f"export-{next(_keys)}", campaign_id=campaign.id, provider_id=provider.id,
                        instrument_version_id=version.id, language="kk", mode="web", submitted_on=submitted_on,
                        age_band=age_band, sex="female", self_rated_health=3, assistance="self")
    _db.session.add(response)
    _db.session.flush()
    items = {item.name: item.id for item in version.items}
    if easy is not None:
        score = None if easy == "na" else int(easy)
        _db.session.add(Answer(response_id=response.id, item_id=items["easy"], choice=easy, score=score))
    if services is not None:
        _db.session.add(Answer(response_id=response.id, item_id=items["services"], choice=services))
    if visits is not None:
        _db.session.add(Answer(response_id=response.id, item_id=items["visits"], number=visits))
    if comment is not None:
        _db.session.add(Answer(response_id=response.id, item_id=items["comment"], text=comment))
    _db.session.flush()
    return response


@dataclass
class World:
    version: InstrumentVersion
    campaign: Campaign
    east: Region
    west: Region
    big: Provider  # east, 6 responses
    small: Provider  # east, 4 responses: below the rule on small numbers
    far: Provider  # west, 5 responses
    responses: dict[str, list[Response]]


class FreshContextClient(FlaskClient):
    """Each request in its own application context, as in production."""

    def open(self, *args, **kwargs):
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture
def client(app, db):
    return FreshContextClient(app, app.response_class, use_cookies=True)


def build_world() -> World:
    version = export_instrument()
    east, west = factories.region(), factories.region()
    big, small, far = factories.provider(east), factories.provider(east), factories.provider(west)
    big.name = "ОФ «Берекет»"
    small.name = "Small day centre"
    far.name = "=HYPERLINK(\"http://example.org\")"  # a name that a spreadsheet would run as a formula
    campaign = factories.campaign(version, [big, small, far])
    responses = {
        "big": [
            add_response(campaign, big, easy="5", services="legal housing", visits=3, comment="Персонал вежливый"),
            add_response(campaign, big, easy="na", visits=0, comment="=1+1"),
            add_response(campaign, big, easy="1", submitted_on=date(2026, 4, 20)),
            add_response(campaign, big, easy=None, age_band=None),
            add_response(campaign, big, easy="4", services="medical"),
            add_response(campaign, big, easy="4", submitted_on=date(2026, 5, 2)),
        ],
        "small": [add_response(campaign, small, comment="Only one nurse, Aigerim, helps me") for _ in range(4)],
        "far": [add_response(campaign, far, easy="3") for _ in range(5)],
    }
    return World(version, campaign, east, west, big, small, far, responses)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def pg_world(pg_db) -> World:
    """The same on PostgreSQL, where the responses come through a server-side cursor."""
    with force_locale("en"):
        yield build_world()


@pytest.fixture
def english(db):
    """Messages in English for services called outside a request (as the command line does)."""
    with force_locale("en"):
        yield


@pytest.fixture
def sign_in(client, world):
    """``sign_in(role, **assignments)``: a staff account of that role, signed in with ``client``."""

    def sign_in_as(role: str, **assignments) -> User:
        if role in ("provider_manager", "social_worker"):
            assignments.setdefault("provider", world.big)
        assignments.setdefault("language", "en")  # the tests read the English wording
        user = create_user(f"{factories.unique(role)}@exports.test", f"Test {role}", PASSWORD, role, **assignments)
        answer = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
        assert answer.status_code == 302, answer.get_data(as_text=True)
        return user

    return sign_in_as
