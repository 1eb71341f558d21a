"""Integrity lives in the database: constraints hold on SQLite and on PostgreSQL alike."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from survey_app.models import (
    Answer,
    InstrumentText,
    Item,
    OneTimeCode,
    PublishedVersionError,
    Region,
    Response,
)
from tests.support import factories


def _response(db, campaign, provider, version, **overrides):
    values = dict(submission_key=factories.unique("key"), campaign_id=campaign.id, provider_id=provider.id,
                  instrument_version_id=version.id, language="kk", mode="web", submitted_on=date(2026, 3, 1))
    values.update(overrides)
    response = Response(**values)
    db.session.add(response)
    db.session.flush()
    return response


@pytest.fixture
def survey(any_db):
    provider = factories.provider()
    version = factories.small_instrument()
    campaign = factories.campaign(version, [provider])
    item = any_db.session.scalar(select(Item).where(Item.version_id == version.id, Item.name == "easy"))
    return any_db, provider, version, campaign, item


def _violates(db, statement, params):
    with pytest.raises(IntegrityError):
        with db.session.begin_nested():
            db.session.execute(statement, params)


def test_a_good_answer_is_stored(survey):
    db, provider, version, campaign, item = survey
    response = _response(db, campaign, provider, version)
    db.session.execute(insert(Answer), [{"response_id": response.id, "item_id": item.id, "choice": "4", "score": 4}])
    assert db.session.scalar(select(Answer.score).where(Answer.response_id == response.id)) == 4


@pytest.mark.parametrize("values", [
    {"choice": "11", "score": 11},  # out of every scale
    {"choice": "-1", "score": -1},
    {"choice": None, "score": None},  # an answer with no value at all
    {"choice": None, "score": 3},  # a score without the option it came from
    {"choice": None, "text": "x" * 4001},  # longer than any open answer may be
])
def test_a_bad_answer_value_is_rejected_by_the_database(survey, values):
    db, provider, version, campaign, item = survey
    response = _response(db, campaign, provider, version)
    _violates(db, insert(Answer), {"response_id": response.id, "item_id": item.id, **values})


@pytest.mark.parametrize("column, value", [
    ("self_rated_health", 9), ("mode", "telepathy"), ("language", "de"), ("age_band", "ancient"), ("sex", "x"),
])
def test_a_bad_profile_value_is_rejected_by_the_database(survey, column, value):
    db, provider, version, campaign, item = survey
    values = dict(submission_key="k-" + column, campaign_id=campaign.id, provider_id=provider.id,
                  instrument_version_id=version.id, language="kk", mode="web", submitted_on=date(2026, 3, 1))
    values[column] = value
    _violates(db, insert(Response), values)


def test_a_response_for_a_provider_outside_the_campaign_is_rejected(survey):
    db, provider, version, campaign, item = survey
    outsider = factories.provider()
    values = dict(submission_key="outsider", campaign_id=campaign.id, provider_id=outsider.id,
                  instrument_version_id=version.id, language="ru", mode="web", submitted_on=date(2026, 3, 1))
    _violates(db, insert(Response), values)


def test_submission_keys_are_unique(survey):
    db, provider, version, campaign, item = survey
    _response(db, campaign, provider, version, submission_key="same")
    values = dict(submission_key="same", campaign_id=campaign.id, provider_id=provider.id,
                  instrument_version_id=version.id, language="ru", mode="web", submitted_on=date(2026, 3, 1))
    _violates(db, insert(Response), values)


def test_one_time_codes_are_unique(survey):
    db, provider, version, campaign, item = survey
    participant_id = campaign.participants[0].id
    db.session.add(OneTimeCode(campaign_provider_id=participant_id, code="ABCD2345", issued_on=date(2026, 1, 1)))
    db.session.flush()
    _violates(db, insert(OneTimeCode), {"campaign_provider_id": participant_id, "code": "ABCD2345",
                                        "issued_on": date(2026, 1, 1)})


def test_a_hromada_needs_its_oblast(any_db):
    _violates(any_db, insert(Region), {"code": "ua-nowhere", "country": "UA", "kind": "hromada", "parent_id": None,
                                       "name_kk": "a", "name_ru": "a", "name_uk": "a", "name_en": "a"})


def test_foreign_keys_are_enforced(any_db):
    _violates(any_db, text("INSERT INTO provider (code, name, org_form, setting, region_id, active) "
                           "VALUES ('p-x', 'x', 'ngo', 'day_care', 987654, true)"), {})


def test_a_published_version_cannot_change(any_db):
    version = factories.small_instrument(publish=True)
    version.texts[0].text = "changed"
    with pytest.raises(PublishedVersionError):
        any_db.session.flush()
    any_db.session.rollback()


def test_a_published_version_gets_no_new_items_or_texts(any_db):
    version = factories.small_instrument(publish=True)
    any_db.session.add(InstrumentText(version_id=version.id, key="label:new", lang="en", text="New"))
    with pytest.raises(PublishedVersionError):
        any_db.session.flush()
    any_db.session.rollback()


def test_a_draft_version_can_change(any_db):
    version = factories.small_instrument(publish=False)
    version.texts[0].text = "changed"
    any_db.session.flush()
    assert version.texts[0].text == "changed"
