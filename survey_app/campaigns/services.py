"""Enrolling providers in campaigns and issuing one-time codes."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from survey_app.campaigns.codes import LINK_CODE_LENGTH, ONE_TIME_CODE_LENGTH, random_code
from survey_app.extensions import db
from survey_app.models import Campaign, CampaignProvider, OneTimeCode, Provider
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
