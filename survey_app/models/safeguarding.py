"""Safeguarding alerts: a recipient's comment that may reveal abuse, for the provider's monitors to follow up."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import Base, one_of
from survey_app.models.campaigns import Campaign
from survey_app.models.instruments import Item
from survey_app.models.providers import Provider
from survey_app.models.responses import Answer
from survey_app.models.users import User

ALERT_STATUSES = ("open", "acknowledged")
MAX_NOTE_LENGTH = 2000


class SafeguardingAlert(Base):
    """One open answer (a response's text item) whose words matched the safeguarding list.

    Who sees it is decided in ``survey_app.access.safeguarding_filter``. ``created_at`` keeps the day
    only: an alert is made in the same transaction as its response, so a time of day would tell when
    that response was given (see ``survey_app.survey.services._close``).
    """

    __tablename__ = "safeguarding_alert"
    __table_args__ = (
        ForeignKeyConstraint(["response_id", "item_id"], ["answer.response_id", "answer.item_id"],
                             ondelete="CASCADE"),
        UniqueConstraint("response_id", "item_id"),  # one alert per comment, however often it is scanned
        Index("ix_safeguarding_alert_provider_status", "provider_id", "status"),
        one_of("status", ALERT_STATUSES),
        CheckConstraint("(status = 'acknowledged') = (acknowledged_at IS NOT NULL)", name="acknowledged_has_date"),
        CheckConstraint(f"length(note) <= {MAX_NOTE_LENGTH}", name="note_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column()
    item_id: Mapped[int] = mapped_column(ForeignKey("item.id"))
    provider_id: Mapped[int] = mapped_column(ForeignKey("provider.id"))
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id"), index=True)
    # The concepts of the word list that matched, space-separated ("beating threats").
    matched_terms: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime, index=True)
    status: Mapped[str] = mapped_column(String(12), default="open")
    acknowledged_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime)
    note: Mapped[str | None] = mapped_column(Text)

    # Read-only: the alert is written by its columns (an insert of many at once), never through these.
    answer: Mapped[Answer] = relationship(viewonly=True)
    item: Mapped[Item] = relationship(viewonly=True)
    provider: Mapped[Provider] = relationship()
    campaign: Mapped[Campaign] = relationship()
    acknowledged_by: Mapped[User | None] = relationship()

    @property
    def terms(self) -> list[str]:
        return self.matched_terms.split()
