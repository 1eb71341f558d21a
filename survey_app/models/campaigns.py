"""Campaigns (waves): an instrument version fielded to providers over a period, with its ways in."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import COUNTRIES, LANGUAGES, Base, one_of, utcnow
from survey_app.models.instruments import InstrumentVersion
from survey_app.models.providers import Provider


class Campaign(Base):
    """One wave of a survey: which questionnaire, where, when, and the language offered first."""

    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("ends_on >= starts_on", name="period_ordered"),
        CheckConstraint("wave >= 1", name="wave_positive"),
        one_of("country", COUNTRIES),
        one_of("default_language", LANGUAGES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"), index=True)
    country: Mapped[str] = mapped_column(String(2))
    default_language: Mapped[str] = mapped_column(String(2))
    wave: Mapped[int] = mapped_column(Integer)
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    # Set when an administrator closes the campaign early.
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    instrument_version: Mapped[InstrumentVersion] = relationship()
    participants: Mapped[list[CampaignProvider]] = relationship(back_populates="campaign")

    def is_open(self, on: date) -> bool:
        return campaign_open(self.starts_on, self.ends_on, self.closed_at, on)


def campaign_open(starts_on: date, ends_on: date, closed_at: datetime | None, on: date) -> bool:
    """The rule of ``Campaign.is_open``, for a campaign read as columns rather than as an object."""
    return closed_at is None and starts_on <= on <= ends_on


class CampaignProvider(Base):
    """A provider taking part in a campaign, with its short link code and sampling targets."""

    __tablename__ = "campaign_provider"
    __table_args__ = (
        UniqueConstraint("campaign_id", "provider_id"),
        CheckConstraint("target_responses >= 0", name="target_not_negative"),
        CheckConstraint("invitations >= 0", name="invitations_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    # The short link /s/<link_code> printed on posters and QR codes.
    link_code: Mapped[str] = mapped_column(String(16), unique=True)
    target_responses: Mapped[int | None] = mapped_column(Integer)
    # Invitations handed out (slips, letters), when known, for the response rate.
    invitations: Mapped[int | None] = mapped_column(Integer)

    campaign: Mapped[Campaign] = relationship(back_populates="participants")
    provider: Mapped[Provider] = relationship()
    codes: Mapped[list[OneTimeCode]] = relationship(back_populates="participant")


class OneTimeCode(Base):
    """A code printed on a slip: usable once, never linked to a person or to the response it opened."""

    __tablename__ = "one_time_code"
    __table_args__ = (CheckConstraint("used_on IS NULL OR used_on >= issued_on", name="used_after_issue"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_provider_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_provider.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(16), unique=True)
    issued_on: Mapped[date] = mapped_column(Date, default=lambda: utcnow().date())
    expires_on: Mapped[date | None] = mapped_column(Date)
    # Day precision only, like every date kept about a survey.
    used_on: Mapped[date | None] = mapped_column(Date)

    participant: Mapped[CampaignProvider] = relationship(back_populates="codes")
