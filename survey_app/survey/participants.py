"""The participant behind a survey link, as a JSON submission reads it: a dozen values of the participant, its
campaign, instrument version and provider, in one query.

On PostgreSQL they are kept in memory per link after the first submission, because the store checks them in
the statement that stores the response (``store_submission``): a campaign closed, a provider re-described or an
instrument changed since is noticed there, nothing is stored, and the submission is read again against the
participant as it is now (``forget`` then ``participant_context``). A submission is refused only against
the participant as it is now, never against what was kept. SQLite reads them every time, in the submission's
own write transaction.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from survey_app.campaigns.codes import normalise_code
from survey_app.extensions import db
from survey_app.models import Campaign, CampaignProvider, InstrumentVersion, Provider, ServiceStandard
from survey_app.models.base import today
from survey_app.models.campaigns import campaign_open
from survey_app.models.providers import provider_standard
from survey_app.responses.store import ParticipantContext
from survey_app.survey.services import SurveyUnavailable

KEEP_AT_MOST = 4096  # links remembered per process; when full it starts again (each is a few hundred bytes)

_CP, _CAMPAIGN, _VERSION, _PROVIDER, _STANDARD = (
    CampaignProvider.__table__, Campaign.__table__, InstrumentVersion.__table__, Provider.__table__,
    ServiceStandard.__table__)
# Built once, and Core columns rather than ORM objects: a submission needs values, not objects.
_PARTICIPANT = (
    select(_CP.c.id, _CP.c.campaign_id, _CP.c.provider_id, _CAMPAIGN.c.instrument_version_id, _VERSION.c.status,
           _VERSION.c.published_at, _CAMPAIGN.c.country, _CAMPAIGN.c.starts_on, _CAMPAIGN.c.ends_on,
           _CAMPAIGN.c.closed_at, _PROVIDER.c.setting, _STANDARD.c.code)
    .select_from(
        _CP.join(_CAMPAIGN, _CAMPAIGN.c.id == _CP.c.campaign_id)
        .join(_VERSION, _VERSION.c.id == _CAMPAIGN.c.instrument_version_id)
        .join(_PROVIDER, _PROVIDER.c.id == _CP.c.provider_id)
        .outerjoin(provider_standard, provider_standard.c.provider_id == _PROVIDER.c.id)
        .outerjoin(_STANDARD, _STANDARD.c.id == provider_standard.c.service_standard_id))
    .where(_CP.c.link_code == bindparam("link_code"))
)


_known: dict[tuple[int, str], ParticipantContext] = {}


def participant_context(link_code: str) -> tuple[ParticipantContext, bool]:
    """The participant behind the link with all a submission reads from it, and whether it was kept in memory
    (not read now); the survey's rules of ``participant_by_link`` (unknown link, closed campaign) applied to
    what is read."""
    key = _key(link_code)
    known = _known.get(key)
    if known is not None:
        return known, True
    known = _read(key[1])
    if _remembered(known):
        if len(_known) >= KEEP_AT_MOST:
            _known.clear()
        _known[key] = known
    return known, False


def forget(link_code: str) -> None:
    """Read this link's participant from the database again next time (its store found it changed)."""
    _known.pop(_key(link_code), None)


def _key(link_code: str) -> tuple[int, str]:
    return id(db.engine), normalise_code(link_code)[:16]


def _remembered(participant: ParticipantContext) -> bool:
    """Only where the store checks what was kept, and only for a published instrument (it cannot change)."""
    return db.engine.dialect.name == "postgresql" and participant.status == "published"


def _read(code: str) -> ParticipantContext:
    rows = db.session.connection().execute(_PARTICIPANT, {"link_code": code}).all()
    if not rows:
        raise SurveyUnavailable("unknown_link")
    first = rows[0]
    if not campaign_open(first.starts_on, first.ends_on, first.closed_at, today()):
        raise SurveyUnavailable("closed")
    return ParticipantContext(
        id=first.id, campaign_id=first.campaign_id, provider_id=first.provider_id,
        instrument_version_id=first.instrument_version_id, status=first.status, published_at=first.published_at,
        # As context_values makes it from the objects.
        context={"provider_setting": first.setting,
                 "provider_standards": " ".join(sorted(row.code for row in rows if row.code is not None)),
                 "country": first.country},
    )
