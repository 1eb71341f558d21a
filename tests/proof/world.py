"""The world the property tests send their requests into, built once per worker and database.

The access matrix's world (every role, providers in and out of scope, a paper batch, alerts,
contracts) plus what the questionnaire needs: Sapa Core in a Kazakh and a Ukrainian campaign, a small
typed questionnaire (whole and decimal numbers with limits, several answers, a required text, a page
shown only for some answers), one-time codes fresh, used and expired, and two accounts of its own
(one to sign in with, one to change its password), so the role accounts' sessions stay valid; and, for
the staff forms, the values their lists offer (``StaffOptions``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from unittest.mock import patch

from argon2 import PasswordHasher
from sqlalchemy import select

from survey_app.auth.services import create_user
from survey_app.campaigns.services import issue_codes
from survey_app.contracts import registry
from survey_app.contracts.services import administrative_indicators, standard_items
from survey_app.extensions import db
from survey_app.instruments.runtime import compiled_instrument
from survey_app.models import (
    Campaign,
    Choice,
    ChoiceList,
    Instrument,
    InstrumentText,
    InstrumentVersion,
    Item,
    Region,
)
from survey_app.models.base import LANGUAGES, today, utcnow
from survey_app.survey.services import context_values
from tests.survey.helpers import make_site
from tests.test_access_matrix import PASSWORD, World, _session_cookie, build_world

QUICK_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
SIGN_IN_EMAIL = "sign-in@proof.test"
CHANGER_EMAIL = "changer@proof.test"


@dataclass(frozen=True)
class QuestionShape:
    """What a generator needs to know of a question: its name, type and the values on offer."""

    name: str
    type: str
    options: tuple[str, ...]


@dataclass(frozen=True)
class Site:
    """A questionnaire people can open: its link and the questions of each page (for no answers yet)."""

    link_code: str
    provider_id: int
    pages: tuple[tuple[QuestionShape, ...], ...]

    @property
    def question_names(self) -> tuple[str, ...]:
        return tuple(question.name for page in self.pages for question in page)


@dataclass(frozen=True)
class StaffOptions:
    """What the staff forms offer, as the pages send it (ids as text, codes), for generators to pick among."""

    funders: tuple[str, ...]
    providers: tuple[str, ...]
    regions: tuple[str, ...]  # the matrix's two oblasts and some of the reference list
    standards: tuple[str, ...]
    services: tuple[str, ...]
    indicators: tuple[str, ...]
    hand_indicators: tuple[str, ...]  # figures entered by hand
    items: tuple[str, ...]  # agreement items of the standard questionnaire
    funder_codes: tuple[str, ...]
    provider_codes: tuple[str, ...]
    region_codes: tuple[str, ...]
    standard_codes: tuple[str, ...]
    service_codes: tuple[str, ...]
    questions: tuple[QuestionShape, ...]  # its questions, keyed from paper and imported from files


@dataclass
class ProofWorld:
    matrix: World
    sites: dict[str, Site]
    codes: dict[str, str]  # fresh, used, expired one-time codes (as printed: the stored form)
    accounts: dict[str, int]  # sign_in, changer
    staff: StaffOptions
    cookies: dict[str, str] = field(default_factory=dict)  # role (and "changer") -> session cookie


def typed_instrument() -> InstrumentVersion:
    """Numbers with limits, several answers, a required text, and a page shown to adults only."""
    version = InstrumentVersion(instrument=Instrument(code="proof-typed"), version=1, default_language="ru")
    services = ChoiceList(version=version, name="services")
    services.choices = [Choice(name=name, position=position, score=None)
                        for position, name in enumerate(("meals", "laundry", "advice", "transport"))]
    agree = ChoiceList(version=version, name="agree5")
    agree.choices = [Choice(name=str(score), position=score, score=score) for score in range(1, 6)]
    agree.choices.append(Choice(name="na", position=6, score=None))
    about = Item(version=version, position=0, name="about", type="begin_group")
    adults = Item(version=version, position=5, name="adults", type="begin_group", relevant="${age_years} >= 18")
    version.items = [
        about,
        Item(version=version, position=1, name="age_years", type="integer", required=True, group=about,
             constraint=". >= 0 and . <= 120"),
        Item(version=version, position=2, name="visits", type="decimal", group=about, constraint=". >= 0"),
        Item(version=version, position=3, name="services_used", type="select_multiple", choice_list=services,
             group=about),
        Item(version=version, position=4, name="stars", type="range", group=about, constraint=". <= 10"),
        adults,
        Item(version=version, position=6, name="easy", type="select_one", choice_list=agree, required=True,
             group=adults),
        Item(version=version, position=7, name="why", type="text", required=True, group=adults,
             constraint="string-length(.) <= 500"),
    ]
    messages = {
        "required_message:age_years": {"kk": "Жасыңызды жазыңыз.", "ru": "Укажите возраст.",
                                       "uk": "Вкажіть вік.", "en": "Write your age."},
        "constraint_message:age_years": {"kk": "Жас 0-ден 120-ға дейін.", "ru": "Возраст от 0 до 120.",
                                         "uk": "Вік від 0 до 120.", "en": "An age from 0 to 120."},
    }
    keys = [f"label:{item.name}" for item in version.items] + [
        f"choice:{choice_list.name}:{choice.name}"
        for choice_list in (services, agree) for choice in choice_list.choices
    ]
    version.texts = [InstrumentText(key=key, lang=lang, text=f"{key} [{lang}]") for key in keys for lang in LANGUAGES]
    version.texts += [InstrumentText(key=key, lang=lang, text=text) for key, texts in messages.items()
                      for lang, text in texts.items()]
    db.session.add(version)
    db.session.flush()
    version.status, version.published_at = "published", utcnow()
    db.session.flush()
    return version


def _site(participant) -> Site:
    instrument = compiled_instrument(participant.campaign.instrument_version)
    values = context_values(participant)
    pages = tuple(
        tuple(QuestionShape(question.name, question.type, tuple(option.name for option in question.options))
              for question in instrument.relevant_questions(page, values))
        for page in instrument.visible_pages(values)
    )
    return Site(participant.link_code, participant.provider_id, pages)


def _staff_options(matrix: World) -> StaffOptions:
    version = db.session.get(Campaign, matrix.ids["campaign_both"]["in"]).instrument_version
    providers = registry.all_providers()
    # The matrix's own oblasts first; the reference list has hundreds more, a few of which stand for them.
    regions = sorted(registry.all_regions(), key=lambda region: region.id not in {p.region_id for p in providers})[:40]
    standards, services = registry.all_standards(), registry.all_service_types()
    return StaffOptions(
        funders=tuple(str(row.id) for row in registry.all_funders()),
        providers=tuple(str(row.id) for row in providers),
        regions=tuple(str(row.id) for row in regions),
        standards=tuple(str(row.id) for row in standards),
        services=tuple(str(row.id) for row in services),
        indicators=tuple(str(row.id) for row in registry.all_indicators()),
        hand_indicators=tuple(str(row.id) for row in administrative_indicators()),
        items=tuple(item.name for item in standard_items("en")),
        funder_codes=tuple(row.code for row in registry.all_funders()),
        provider_codes=tuple(row.code for row in providers),
        region_codes=tuple(row.code for row in regions) + tuple(
            db.session.scalars(select(Region.code).where(Region.parent_id.is_not(None)).limit(3))),
        standard_codes=tuple(row.code for row in standards),
        service_codes=tuple(row.code for row in services),
        questions=tuple(QuestionShape(question.name, question.type, tuple(option.name for option in question.options))
                        for question in compiled_instrument(version).questions.values()),
    )


def build_proof_world(application) -> ProofWorld:
    """Everything above, committed; call inside an application context of a seeded app (reference lists
    and Sapa Core loaded)."""
    # Argon2 at full strength would take most of the time here; the hashes verify as usual.
    with patch("survey_app.auth.services.hash_password", QUICK_HASHER.hash):
        # Sapa Core: the only published version before the matrix's world adds its own.
        core = db.session.scalar(select(InstrumentVersion).where(InstrumentVersion.status == "published"))
        matrix = build_world()
        core_kz, core_ua, typed = make_site(core), make_site(core, country="UA"), make_site(typed_instrument())
        fresh, used, expired = issue_codes(core_kz, 3)
        used.used_on = today()
        expired.expires_on = today() - timedelta(days=1)
        sign_in = create_user(SIGN_IN_EMAIL, "Sign-in proof", PASSWORD, "evaluator")
        changer = create_user(CHANGER_EMAIL, "Password proof", PASSWORD, "monitor")
        db.session.flush()
        sites = {"core_kz": _site(core_kz), "core_ua": _site(core_ua), "typed": _site(typed)}
        world = ProofWorld(matrix, sites, {"fresh": fresh.code, "used": used.code, "expired": expired.code},
                           {"sign_in": sign_in.id, "changer": changer.id}, _staff_options(matrix))
        db.session.commit()
    world.cookies = {role: _session_cookie(application, user_id) for role, user_id in matrix.users.items()}
    world.cookies["changer"] = _session_cookie(application, changer.id)
    return world
