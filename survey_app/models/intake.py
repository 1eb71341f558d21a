"""Paper questionnaires keyed by staff: batches, and each keying of each paper form.

A keying holds the answers as typed, never anything about who answered. A response is stored only
when a paper form counts: at once in a single-keyed batch, and in a double-keyed batch when the two
keyings (by two different people) agree or their differences have been resolved.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from survey_app.models.base import LANGUAGES, Base, one_of, utcnow
from survey_app.models.campaigns import CampaignProvider
from survey_app.models.responses import Response
from survey_app.models.users import User

# waiting: keyed once in a double-keyed batch; mismatch: the two keyings differ and await resolution;
# counted: the paper form is stored as a response.
ENTRY_STATUSES = ("waiting", "mismatch", "counted")


class PaperBatch(Base):
    """A bundle of paper questionnaires from one provider in one campaign, keyed together."""

    __tablename__ = "paper_batch"
    __table_args__ = (UniqueConstraint("campaign_provider_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique (campaign_provider_id, number).
    campaign_provider_id: Mapped[int] = mapped_column(ForeignKey("campaign_provider.id", ondelete="CASCADE"))
    # As written on the bundle; stored with each response (``Response.paper_batch``).
    number: Mapped[str] = mapped_column(String(40))
    double_keying: Mapped[bool] = mapped_column(Boolean, default=False)
    # The day the questionnaires were collected: their responses' submission date.
    collected_on: Mapped[date] = mapped_column(Date)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    participant: Mapped[CampaignProvider] = relationship()
    created_by: Mapped[User | None] = relationship()
    entries: Mapped[list[PaperEntry]] = relationship(
        back_populates="batch", order_by="(PaperEntry.serial, PaperEntry.keying)", cascade="all, delete-orphan"
    )


class PaperEntry(Base):
    """One keying of one paper form (``serial`` is the number written on it within the batch)."""

    __tablename__ = "paper_entry"
    __table_args__ = (
        UniqueConstraint("batch_id", "serial", "keying"),
        CheckConstraint("keying IN (1, 2)", name="keying_first_or_second"),
        CheckConstraint("serial > 0", name="serial_positive"),
        CheckConstraint("response_id IS NULL OR status = 'counted'", name="response_only_when_counted"),
        one_of("language", LANGUAGES),
        one_of("status", ENTRY_STATUSES),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by the unique (batch_id, serial, keying).
    batch_id: Mapped[int] = mapped_column(ForeignKey("paper_batch.id", ondelete="CASCADE"))
    serial: Mapped[int] = mapped_column(Integer)
    keying: Mapped[int] = mapped_column(SmallInteger)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    # The questionnaire's language.
    language: Mapped[str] = mapped_column(String(2))
    # Answers by question name as the survey keeps them (option names, numbers as text, lists for
    # multiple choice); the profile questions (age band, sex …) are answers like any other.
    answers: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10))
    response_id: Mapped[int | None] = mapped_column(ForeignKey("response.id", ondelete="SET NULL"), index=True)
    # Who chose between two differing keyings, and when.
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    batch: Mapped[PaperBatch] = relationship(back_populates="entries")
    operator: Mapped[User | None] = relationship(foreign_keys=[operator_id])
    response: Mapped[Response | None] = relationship()
