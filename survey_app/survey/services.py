"""The recipient survey's work: ways in, answers in progress, and the one-transaction submission.

Nothing here stores who a respondent is: no IP address, no device, no time of day. A draft is
found only by the random token in the respondent's session cookie.
"""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from survey_app.campaigns.codes import normalise_code
from survey_app.extensions import db
from survey_app.instruments.runtime import (
    CompiledInstrument,
    Page,
    compiled_instrument,
)
from survey_app.models import (
    Campaign,
    CampaignProvider,
    OneTimeCode,
    Provider,
    Response,
    SurveyDraft,
)
from survey_app.models.base import today, utcnow
from survey_app.responses.store import PreparedResponse, context_values, store_responses

DRAFT_LIFETIME = timedelta(hours=24)


class SurveyUnavailable(Exception):
    """A way in that does not lead to an open questionnaire; ``reason`` says why, for the page."""

    def __init__(self, reason: str, participant: CampaignProvider | None = None):
        super().__init__(reason)
        self.reason = reason  # unknown_link, closed, unknown_code, used_code, expired_code, draft_missing
        self.participant = participant


class CodeAlreadyUsed(Exception):
    """The one-time code was used by another submission in the meantime."""


def participant_by_link(link_code: str) -> CampaignProvider:
    participant = db.session.scalar(
        select(CampaignProvider).where(CampaignProvider.link_code == normalise_code(link_code)[:16])
    )
    if participant is None:
        raise SurveyUnavailable("unknown_link")
    if not participant.campaign.is_open(today()):
        raise SurveyUnavailable("closed", participant)
    return participant


def check_one_time_code(typed: str) -> OneTimeCode:
    """The code a recipient typed, if it can still open a questionnaire."""
    code = db.session.scalar(select(OneTimeCode).where(OneTimeCode.code == normalise_code(typed)[:16]))
    if code is None:
        raise SurveyUnavailable("unknown_code")
    if code.used_on is not None:
        raise SurveyUnavailable("used_code", code.participant)
    if code.expires_on is not None and code.expires_on < today():
        raise SurveyUnavailable("expired_code", code.participant)
    if not code.participant.campaign.is_open(today()):
        raise SurveyUnavailable("closed", code.participant)
    return code


def start_draft(participant: CampaignProvider, mode: str, language: str,
                one_time_code: OneTimeCode | None = None) -> SurveyDraft:
    purge_expired_drafts()  # answers are kept 24 hours, not until someone happens to come back
    now = utcnow()
    draft = SurveyDraft(
        id=secrets.token_urlsafe(32),
        participant=participant,
        one_time_code=one_time_code,
        mode=mode,
        language=language,
        submission_key=str(uuid.uuid4()),
        answers={},
        created_at=now,
        expires_at=now + DRAFT_LIFETIME,
    )
    db.session.add(draft)
    db.session.flush()
    return draft


def find_draft(token: str | None) -> SurveyDraft | None:
    """The draft behind a session token, unless it has expired."""
    if not token:
        return None
    draft = db.session.get(SurveyDraft, token)
    if draft is None or draft.expires_at < utcnow():
        return None
    return draft


def discard_draft(token: str | None) -> None:
    """Quick exit and "start again": the answers in progress are deleted at once."""
    if token:
        db.session.execute(delete(SurveyDraft).where(SurveyDraft.id == token))


def purge_expired_drafts() -> int:
    result = db.session.execute(delete(SurveyDraft).where(SurveyDraft.expires_at < utcnow()))
    return result.rowcount or 0


@dataclass(frozen=True)
class SurveyState:
    """Everything a page needs: the instrument, the answers so far and the pages they make visible."""

    draft: SurveyDraft
    instrument: CompiledInstrument
    values: dict
    pages: list[Page]

    @property
    def proxy(self) -> bool:
        return self.draft.answers.get("assistance") == "proxy"

    def page(self, number: int) -> Page:
        return self.pages[number - 1]


def survey_state(draft: SurveyDraft) -> SurveyState:
    instrument = compiled_instrument(draft.participant.campaign.instrument_version)
    values = {**context_values(draft.participant), **draft.answers}
    return SurveyState(draft, instrument, values, instrument.visible_pages(values))


def save_answers(draft: SurveyDraft, answers: dict[str, object]) -> None:
    """Keep a page's answers (an empty answer removes the earlier one)."""
    merged = dict(draft.answers)
    for name, value in answers.items():
        if value in (None, "", []):
            merged.pop(name, None)
        else:
            merged[name] = value
    draft.answers = merged  # a new dict, so the JSON column is written
    draft.updated_at = utcnow()
    db.session.flush()


def submit(draft: SurveyDraft) -> Response:
    """Store the questionnaire as one response, exactly once.

    A retried or doubled submission finds its ``submission_key`` taken and returns the response
    already stored; a one-time code is marked used in the same transaction, and a second
    submission with the same code raises :class:`CodeAlreadyUsed`.
    """
    existing = _response_with_key(draft.submission_key)
    if existing is not None:
        _close(draft)
        return existing
    try:
        with db.session.begin_nested():
            if draft.one_time_code_id is not None:
                marked = db.session.execute(
                    update(OneTimeCode)
                    .where(OneTimeCode.id == draft.one_time_code_id, OneTimeCode.used_on.is_(None))
                    .values(used_on=today())
                )
                if marked.rowcount != 1:
                    raise CodeAlreadyUsed()
            [response_id] = store_responses([PreparedResponse(
                participant=draft.participant, answers=dict(draft.answers), language=draft.language,
                mode=draft.mode, submitted_on=today(), submission_key=draft.submission_key,
            )])
            _close(draft)
    except (IntegrityError, CodeAlreadyUsed):
        # Someone else stored it first: the same draft (a double click) is a success ...
        existing = _response_with_key(draft.submission_key)
        if existing is not None:
            _close(draft)
            return existing
        # ... another draft with the same one-time code is not.
        raise CodeAlreadyUsed() from None
    return db.session.get(Response, response_id)


def _close(draft: SurveyDraft) -> None:
    """Keep of a submitted draft only what lets a retried submission land on the thanks page.

    No answers, and nothing that ties it to its response: a new key, no one-time code, and times to
    the day only (a precise time next to a response's provider, mode and language would tell when
    that response was made).
    """
    day = datetime.combine(utcnow().date(), time())
    draft.answers = {}
    draft.submission_key = str(uuid.uuid4())
    draft.one_time_code = None
    draft.created_at = draft.updated_at = draft.submitted_at = day
    draft.expires_at = day + 2 * DRAFT_LIFETIME  # a retry within 24 hours still finds it
    db.session.flush()


def _response_with_key(key: str) -> Response | None:
    return db.session.scalar(select(Response).where(Response.submission_key == key))


def demo_participant(provider_code: str = "kz-ngo-crisis-001") -> CampaignProvider | None:
    """The demo provider's place in an open campaign, for the home page's "try it" link.

    Only the demo data has this provider, so a real installation shows no such link.
    """
    on = today()
    return db.session.scalar(
        select(CampaignProvider)
        .join(Campaign, CampaignProvider.campaign_id == Campaign.id)
        .join(Provider, CampaignProvider.provider_id == Provider.id)
        .where(Provider.code == provider_code, Campaign.starts_on <= on, Campaign.ends_on >= on,
               Campaign.closed_at.is_(None))
        .order_by(Campaign.starts_on.desc())
        .limit(1)
    )


