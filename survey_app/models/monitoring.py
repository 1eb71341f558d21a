"""Monitoring and evaluation of contracts: figures entered by hand, expert assessments, and the audit
trail of every change to a contract's evidence (append-only: an event is never changed or deleted)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from survey_app.models.base import Base, one_of, utcnow
from survey_app.models.contracts import Contract, IndicatorDefinition
from survey_app.models.users import User

AUDIT_ACTIONS = ("create", "change", "delete")
AUDIT_SUBJECTS = ("contract", "target", "administrative_figure", "expert_assessment", "indicator")
# Kazakhstan's evaluation of state social order projects scores these five criteria.
CRITERIA = ("relevance", "plan", "result", "continuation", "impact")
# Each criterion is scored 0–5 by the assessor (see survey_app/contracts/__init__.py for why).
SCORE_MIN, SCORE_MAX = 0, 5


class AuditTrailError(RuntimeError):
    """Raised when something tries to change or delete a recorded audit event."""


class AdministrativeFigure(Base):
    """A figure entered by hand for a contract, an administrative indicator and a period."""

    __tablename__ = "administrative_figure"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        UniqueConstraint("contract_id", "indicator_id", "period_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator_definition.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    value: Mapped[float] = mapped_column(Float)
    entered_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    entered_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    contract: Mapped[Contract] = relationship()
    indicator: Mapped[IndicatorDefinition] = relationship()
    entered_by: Mapped[User | None] = relationship()


class ExpertAssessment(Base):
    """The expert assessment of a contract for a period: a 0–5 score and the reasoning per criterion."""

    __tablename__ = "expert_assessment"
    __table_args__ = (
        CheckConstraint("period_end >= period_start", name="period_ordered"),
        UniqueConstraint("contract_id", "period_start"),
        *(CheckConstraint(f"{criterion}_score BETWEEN {SCORE_MIN} AND {SCORE_MAX}", name=f"{criterion}_score_range")
          for criterion in CRITERIA),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contract.id", ondelete="CASCADE"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    relevance_score: Mapped[int] = mapped_column(SmallInteger)
    relevance_reasoning: Mapped[str] = mapped_column(Text)
    plan_score: Mapped[int] = mapped_column(SmallInteger)
    plan_reasoning: Mapped[str] = mapped_column(Text)
    result_score: Mapped[int] = mapped_column(SmallInteger)
    result_reasoning: Mapped[str] = mapped_column(Text)
    continuation_score: Mapped[int] = mapped_column(SmallInteger)
    continuation_reasoning: Mapped[str] = mapped_column(Text)
    impact_score: Mapped[int] = mapped_column(SmallInteger)
    impact_reasoning: Mapped[str] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"))
    assessor_name: Mapped[str] = mapped_column(String(200))
    assessed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    changed_at: Mapped[datetime | None] = mapped_column(DateTime)

    contract: Mapped[Contract] = relationship()

    def score(self, criterion: str) -> int:
        return getattr(self, f"{criterion}_score")

    def reasoning(self, criterion: str) -> str:
        return getattr(self, f"{criterion}_reasoning")

    @property
    def total(self) -> int:
        return sum(self.score(criterion) for criterion in CRITERIA)


class AuditEvent(Base):
    """Who changed what, when, from which value to which, and why.

    ``changes`` is a list of ``[field, old, new]`` with values as text (``None`` for none), so the
    trail reads the same whatever happens to the rows later. A change needs a reason (CHECK).
    """

    __tablename__ = "audit_event"
    __table_args__ = (
        one_of("action", AUDIT_ACTIONS),
        one_of("subject", AUDIT_SUBJECTS),
        CheckConstraint("action <> 'change' OR (reason IS NOT NULL AND length(trim(reason)) > 0)",
                        name="change_has_reason"),
        Index("ix_audit_event_contract_time", "contract_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_user.id", ondelete="SET NULL"), index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    # Events about a contract's evidence name it; a custom indicator's creation names none.
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contract.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(24))
    subject_id: Mapped[int | None] = mapped_column(Integer)
    indicator_id: Mapped[int | None] = mapped_column(ForeignKey("indicator_definition.id"))
    period_start: Mapped[date | None] = mapped_column(Date)
    period_end: Mapped[date | None] = mapped_column(Date)
    action: Mapped[str] = mapped_column(String(8))
    changes: Mapped[list] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)

    indicator: Mapped[IndicatorDefinition | None] = relationship()


@event.listens_for(Session, "before_flush")
def _audit_trail_is_append_only(session: Session, flush_context, instances) -> None:
    for row in (*session.dirty, *session.deleted):
        if isinstance(row, AuditEvent) and (row in session.deleted or session.is_modified(row)):
            raise AuditTrailError("An audit event is never changed or deleted.")
