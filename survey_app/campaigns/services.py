"""Enrolling providers in campaigns, issuing one-time codes, and what staff see of both."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload

from survey_app.access import provider_filter
from survey_app.campaigns.codes import LINK_CODE_LENGTH, ONE_TIME_CODE_LENGTH, random_code
from survey_app.extensions import db
from survey_app.models import Campaign, CampaignProvider, OneTimeCode, Provider, Response, User
from survey_app.models.base import today


def _unused(model, column, length: int) -> str:
    while True:
        code = random_code(length)
        if db.session.scalar(select(model.id).where(column == code)) is None:
            return code


def enrol_provider(
    campaign: Campaign, provider: Provider, target_responses: int | None = None, invitations: int | None = None
) -> CampaignProvider:
    """Add a provider to a campaign with its own short link (idempotent)."""
    participant = db.session.scalar(
        select(CampaignProvider).where(
            CampaignProvider.campaign_id == campaign.id, CampaignProvider.provider_id == provider.id
        )
    )
    if participant is None:
        participant = CampaignProvider(
            campaign=campaign,
            provider=provider,
            link_code=_unused(CampaignProvider, CampaignProvider.link_code, LINK_CODE_LENGTH),
        )
        db.session.add(participant)
    participant.target_responses = target_responses
    participant.invitations = invitations
    db.session.flush()
    return participant


def issue_codes(participant: CampaignProvider, count: int, expires_on: date | None = None,
                issued_on: date | None = None) -> list[OneTimeCode]:
    """New one-time codes for printing on slips; nothing links a code to the person who gets it."""
    if not 1 <= count <= 5000:
        raise ValueError("Issue between 1 and 5,000 codes at a time.")
    codes = [
        OneTimeCode(
            campaign_provider_id=participant.id,
            code=_unused(OneTimeCode, OneTimeCode.code, ONE_TIME_CODE_LENGTH),
            expires_on=expires_on or participant.campaign.ends_on,
            issued_on=issued_on or today(),
        )
        for _ in range(count)
    ]
    db.session.add_all(codes)
    db.session.flush()
    return codes


# ------------------------------------------------------------------ what staff see (always within their scope)

PAGE_SIZE = 50
MAX_CODES_PER_PRINT = 5000


@dataclass(frozen=True)
class CampaignSummary:
    campaign: Campaign
    providers: int  # participating providers the user may see
    responses: int
    target: int | None  # sum of the targets that are set


@dataclass(frozen=True)
class ParticipantRow:
    participant: CampaignProvider
    responses: int


@dataclass(frozen=True)
class ParticipantPage:
    rows: list[ParticipantRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class CodeCounts:
    issued: int
    used: int
    expired: int  # unused and past their expiry date
    available: int  # unused and still valid


@dataclass(frozen=True)
class CodeBatch(CodeCounts):
    issued_on: date


def _in_scope(user: User):
    return provider_filter(user, CampaignProvider.provider_id)


def campaign_summaries(user: User) -> list[CampaignSummary]:
    """Campaigns in which the user may see at least one provider, newest first."""
    rows = db.session.execute(
        select(Campaign, func.count(CampaignProvider.id), func.sum(CampaignProvider.target_responses))
        .join(CampaignProvider, CampaignProvider.campaign_id == Campaign.id)
        .where(_in_scope(user))
        .group_by(Campaign.id)
        .order_by(Campaign.starts_on.desc(), Campaign.code)
    ).all()
    responses = dict(db.session.execute(
        select(Response.campaign_id, func.count())
        .where(provider_filter(user, Response.provider_id))
        .group_by(Response.campaign_id)
    ).all())
    return [CampaignSummary(campaign, providers, responses.get(campaign.id, 0), target)
            for campaign, providers, target in rows]


def visible_campaign(user: User, campaign_id: int) -> Campaign | None:
    """The campaign, if the user may see at least one of its providers."""
    return db.session.scalar(
        select(Campaign)
        .where(Campaign.id == campaign_id)
        .where(select(CampaignProvider.id).where(CampaignProvider.campaign_id == Campaign.id, _in_scope(user))
               .exists())
    )


def visible_participant(user: User, campaign_id: int, provider_id: int) -> CampaignProvider | None:
    """A provider's place in a campaign, or None when it does not exist or is outside the user's scope."""
    return db.session.scalar(
        select(CampaignProvider)
        .where(CampaignProvider.campaign_id == campaign_id, CampaignProvider.provider_id == provider_id,
               _in_scope(user))
        .options(joinedload(CampaignProvider.campaign), joinedload(CampaignProvider.provider))
    )


def participants_page(user: User, campaign: Campaign, page: int = 1, search: str = "",
                      per_page: int = PAGE_SIZE) -> ParticipantPage:
    """One page of the campaign's providers in the user's scope, by name, with responses so far."""
    counts = (
        select(Response.provider_id, func.count().label("responses"))
        .where(Response.campaign_id == campaign.id)
        .group_by(Response.provider_id)
        .subquery()
    )
    conditions = [CampaignProvider.campaign_id == campaign.id, _in_scope(user)]
    search = search.strip()
    if search:
        pattern = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        conditions.append(or_(Provider.name.ilike(pattern, escape="\\"), Provider.code.ilike(pattern, escape="\\")))
    total = db.session.scalar(
        select(func.count()).select_from(CampaignProvider)
        .join(Provider, Provider.id == CampaignProvider.provider_id)
        .where(*conditions)
    ) or 0
    pages = max(1, -(-total // per_page))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        select(CampaignProvider, func.coalesce(counts.c.responses, 0))
        .join(Provider, Provider.id == CampaignProvider.provider_id)
        .outerjoin(counts, counts.c.provider_id == CampaignProvider.provider_id)
        .where(*conditions)
        .order_by(Provider.name, Provider.code)
        .limit(per_page)
        .offset((page - 1) * per_page)
        .options(joinedload(CampaignProvider.provider).joinedload(Provider.region))
    ).all()
    return ParticipantPage([ParticipantRow(participant, responses) for participant, responses in rows],
                           total, page, pages)


def response_count(participant: CampaignProvider) -> int:
    return db.session.scalar(
        select(func.count()).select_from(Response)
        .where(Response.campaign_id == participant.campaign_id, Response.provider_id == participant.provider_id)
    ) or 0


# ------------------------------------------------------------------ one-time codes: counts and printing

def _still_valid(on: date):
    return and_(OneTimeCode.used_on.is_(None), or_(OneTimeCode.expires_on.is_(None), OneTimeCode.expires_on >= on))


def _code_counts(on: date):
    return (
        func.count(OneTimeCode.id),
        func.count(OneTimeCode.used_on),
        func.count(case((and_(OneTimeCode.used_on.is_(None), OneTimeCode.expires_on < on), 1))),
        func.count(case((_still_valid(on), 1))),
    )


def code_counts(participant: CampaignProvider, on: date) -> tuple[CodeCounts, list[CodeBatch]]:
    """How many codes were issued, used, expired and are still available, in all and by day of issue.
    Which response used which code is not known: nothing records it."""
    total = db.session.execute(
        select(*_code_counts(on)).where(OneTimeCode.campaign_provider_id == participant.id)
    ).one()
    batches = db.session.execute(
        select(OneTimeCode.issued_on, *_code_counts(on))
        .where(OneTimeCode.campaign_provider_id == participant.id)
        .group_by(OneTimeCode.issued_on)
        .order_by(OneTimeCode.issued_on.desc())
    ).all()
    return CodeCounts(*total), [CodeBatch(*counts, issued_on=issued_on) for issued_on, *counts in batches]


def codes_to_print(participant: CampaignProvider, on: date, ids: list[int] | None = None,
                   issued_on: date | None = None) -> list[str]:
    """Unused, still valid codes of one provider in one campaign: those with ``ids`` (a batch just
    issued) or issued on ``issued_on``; at most ``MAX_CODES_PER_PRINT``."""
    query = (
        select(OneTimeCode.code)
        .where(OneTimeCode.campaign_provider_id == participant.id, _still_valid(on))
        .order_by(OneTimeCode.id)
        .limit(MAX_CODES_PER_PRINT)
    )
    if ids is not None:
        query = query.where(OneTimeCode.id.in_(ids))
    if issued_on is not None:
        query = query.where(OneTimeCode.issued_on == issued_on)
    return list(db.session.scalars(query))


def batch_token(codes: list[OneTimeCode]) -> str:
    """The ids of a batch as short ranges ("101-150", or "101-120.131-160" when another batch
    interleaved), to carry in the address of the page that prints it."""
    ids = sorted(code.id for code in codes)
    ranges: list[list[int]] = []
    for code_id in ids:
        if ranges and code_id == ranges[-1][1] + 1:
            ranges[-1][1] = code_id
        else:
            ranges.append([code_id, code_id])
    return ".".join(str(first) if first == last else f"{first}-{last}" for first, last in ranges)


_BATCH = re.compile(r"\d{1,12}(-\d{1,12})?(\.\d{1,12}(-\d{1,12})?)*")


def batch_ids(token: str) -> list[int]:
    """The ids in a ``batch_token``; ValueError for anything else or for more than a print holds."""
    if len(token) > 4000 or not _BATCH.fullmatch(token):
        raise ValueError("Not a batch of codes.")
    ids: list[int] = []
    for part in token.split("."):
        first, _, last = part.partition("-")
        first_id, last_id = int(first), int(last or first)
        if last_id < first_id or len(ids) + last_id - first_id + 1 > MAX_CODES_PER_PRINT:
            raise ValueError("Not a batch of codes.")
        ids.extend(range(first_id, last_id + 1))
    return ids
