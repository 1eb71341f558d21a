"""Answers in progress, kept on the server so a dropped connection loses nothing for 24 hours.

A draft holds no identity: a random token (in the session cookie) finds it, and it is emptied
when the questionnaire is submitted and deleted when it expires.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import LANGUAGES, Base, one_of, utcnow
from survey_app.models.campaigns import CampaignProvider, OneTimeCode

DRAFT_MODES = ("web", "kiosk", "assisted")


class SurveyDraft(Base):
    __tablename__ = "survey_draft"
    __table_args__ = (
        one_of("mode", DRAFT_MODES),
        one_of("language", LANGUAGES),
        CheckConstraint("expires_at > created_at", name="expires_after_creation"),
    )

    # A random token: the only thing that links a browser to its answers in progress.
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    campaign_provider_id: Mapped[int] = mapped_column(
        ForeignKey("campaign_provider.id", ondelete="CASCADE"), index=True
    )
    one_time_code_id: Mapped[int | None] = mapped_column(ForeignKey("one_time_code.id", ondelete="SET NULL"))
    mode: Mapped[str] = mapped_column(String(10))
    language: Mapped[str] = mapped_column(String(2))
    # The key the final submission is stored under: a retried submission finds it already taken.
    submission_key: Mapped[str] = mapped_column(String(40), unique=True)
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime)

    participant: Mapped[CampaignProvider] = relationship()
    one_time_code: Mapped[OneTimeCode | None] = relationship()
