"""Responses and answers, with the respondent profile used for fair comparison (never who they are)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import LANGUAGES, Base, one_of
from survey_app.models.campaigns import Campaign
from survey_app.models.instruments import Item
from survey_app.models.providers import Provider, RecipientCategory

MODES = ("web", "kiosk", "assisted", "paper", "import")
AGE_BANDS = ("under_18", "18_34", "35_59", "60_74", "75_plus")
SEXES = ("female", "male")
ASSISTANCE = ("self", "helped", "proxy")
MAX_TEXT_LENGTH = 4000


class Response(Base):
    """One completed questionnaire. No IP address, device, time of day or identity is kept."""

    __tablename__ = "response"
    __table_args__ = (
        # The provider must take part in the campaign.
        ForeignKeyConstraint(
            ["campaign_id", "provider_id"], ["campaign_provider.campaign_id", "campaign_provider.provider_id"]
        ),
        Index("ix_response_campaign_provider", "campaign_id", "provider_id"),
        one_of("language", LANGUAGES),
        one_of("mode", MODES),
        one_of("age_band", AGE_BANDS),
        one_of("sex", SEXES),
        one_of("assistance", ASSISTANCE),
        CheckConstraint("self_rated_health BETWEEN 1 AND 5", name="self_rated_health_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # A random key made when the questionnaire was started: a retried submission finds it taken.
    submission_key: Mapped[str] = mapped_column(String(40), unique=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"), index=True)
    instrument_version_id: Mapped[int] = mapped_column(ForeignKey("instrument_version.id"), index=True)
    language: Mapped[str] = mapped_column(String(2))
    mode: Mapped[str] = mapped_column(String(10))
    submitted_on: Mapped[date] = mapped_column(Date, index=True)
    age_band: Mapped[str | None] = mapped_column(String(10))
    sex: Mapped[str | None] = mapped_column(String(8))
    recipient_category_id: Mapped[int | None] = mapped_column(ForeignKey("recipient_category.id"), index=True)
    self_rated_health: Mapped[int | None] = mapped_column(SmallInteger)
    assistance: Mapped[str | None] = mapped_column(String(8))
    # Paper questionnaires: the batch they were keyed in with.
    paper_batch: Mapped[str | None] = mapped_column(String(40))

    campaign: Mapped[Campaign] = relationship()
    provider: Mapped[Provider] = relationship()
    recipient_category: Mapped[RecipientCategory | None] = relationship()
    answers: Mapped[list[Answer]] = relationship(back_populates="response", cascade="all, delete-orphan")


class Answer(Base):
    """One answer: the chosen option and its score, a number, or free text."""

    __tablename__ = "answer"
    __table_args__ = (
        CheckConstraint("score BETWEEN 0 AND 10", name="score_range"),
        CheckConstraint(
            "choice IS NOT NULL OR number IS NOT NULL OR text IS NOT NULL", name="has_value"
        ),
        CheckConstraint(f"length(text) <= {MAX_TEXT_LENGTH}", name="text_length"),
        CheckConstraint("score IS NULL OR choice IS NOT NULL", name="score_has_choice"),
        Index("ix_answer_item_score", "item_id", "score"),
    )

    response_id: Mapped[int] = mapped_column(ForeignKey("response.id", ondelete="CASCADE"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"), primary_key=True)
    # The option name(s) as in the instrument; space-separated for select_multiple.
    choice: Mapped[str | None] = mapped_column(String(400))
    score: Mapped[int | None] = mapped_column(SmallInteger)
    number: Mapped[float | None] = mapped_column(Float)
    text: Mapped[str | None] = mapped_column(Text)

    response: Mapped[Response] = relationship(back_populates="answers")
    item: Mapped[Item] = relationship()

