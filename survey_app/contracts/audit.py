"""The audit trail of contracts: every create, change and delete recorded with who, when, the old and
new values and the reason (required for a change and a deletion). Events are never changed or deleted
(``models.monitoring`` refuses it), so nothing is overwritten silently."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import AuditEvent, Contract, IndicatorDefinition, User
from survey_app.models.base import utcnow

AUDIT_ROWS = 200  # newest events shown on a contract's page

FIELD_LABELS = {
    "value": _l("Value"),
    "target": _l("Target"),
    "baseline": _l("Baseline"),
    "period_start": _l("Period from"),
    "period_end": _l("Period to"),
    "number": _l("Contract number"),
    "title": _l("Title"),
    "funder": _l("Funder"),
    "provider": _l("Provider"),
    "region": _l("Region"),
    "standard": _l("Service standard"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "budget": _l("Budget"),
    "currency": _l("Currency"),
    "contracted_recipients": _l("Contracted recipients"),
    "services": _l("Services"),
    "documents": _l("Documents"),
    "relevance_score": _l("Relevance: score"),
    "relevance_reasoning": _l("Relevance: reasoning"),
    "plan_score": _l("Fulfilment of the plan: score"),
    "plan_reasoning": _l("Fulfilment of the plan: reasoning"),
    "result_score": _l("Result: score"),
    "result_reasoning": _l("Result: reasoning"),
    "continuation_score": _l("Likelihood of continuation: score"),
    "continuation_reasoning": _l("Likelihood of continuation: reasoning"),
    "impact_score": _l("Long-term social impact: score"),
    "impact_reasoning": _l("Long-term social impact: reasoning"),
    "code": _l("Code"),
    "kind": _l("Kind"),
    "items": _l("Items"),
    "unit": _l("Unit"),
    "direction": _l("Direction"),
}
ACTION_LABELS = {"create": _l("Created"), "change": _l("Changed"), "delete": _l("Deleted")}
SUBJECT_LABELS = {
    "contract": _l("Contract"),
    "target": _l("Baseline and target"),
    "administrative_figure": _l("Figure entered by hand"),
    "expert_assessment": _l("Expert assessment"),
    "indicator": _l("Indicator"),
}


def as_text(value) -> str | None:
    """A value as the trail keeps it: text that reads the same later (dates ISO, numbers as typed)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        text = repr(value)  # the shortest text that reads back as exactly this number
        return text[:-2] if text.endswith(".0") else text
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(value)


def differences(before: dict, after: dict) -> list[list[str | None]]:
    """``[field, old, new]`` for each field whose text differs, in the order of ``after``."""
    changes = []
    for field, new in after.items():
        old_text, new_text = as_text(before.get(field)), as_text(new)
        if old_text != new_text:
            changes.append([field, old_text, new_text])
    return changes


def record(actor: User, action: str, subject: str, *, contract: Contract | None = None,
           subject_id: int | None = None, indicator: IndicatorDefinition | None = None,
           period: tuple[date, date] | None = None, changes=(), reason: str | None = None) -> AuditEvent:
    event = AuditEvent(
        occurred_at=utcnow(), actor_id=actor.id, actor_name=actor.full_name,
        contract_id=contract.id if contract is not None else None, subject=subject, subject_id=subject_id,
        indicator_id=indicator.id if indicator is not None else None,
        period_start=period[0] if period else None, period_end=period[1] if period else None,
        action=action, changes=[list(change) for change in changes], reason=(reason or "").strip() or None,
    )
    db.session.add(event)
    db.session.flush()
    return event


@dataclass(frozen=True)
class TrailRow:
    event: AuditEvent
    subject_label: str
    action_label: str
    changes: list[tuple[str, str | None, str | None]]  # (field label, old, new)


def contract_trail(contract: Contract, limit: int = AUDIT_ROWS) -> list[TrailRow]:
    """The contract's events, newest first, with labels in the reader's language."""
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.contract_id == contract.id)
        .order_by(AuditEvent.occurred_at.desc(), AuditEvent.id.desc()).limit(limit)
    ).all()
    return [trail_row(event) for event in events]


def trail_row(event: AuditEvent) -> TrailRow:
    return TrailRow(
        event=event,
        subject_label=str(SUBJECT_LABELS.get(event.subject, event.subject)),
        action_label=str(ACTION_LABELS.get(event.action, event.action)),
        changes=[(str(FIELD_LABELS.get(field, field)), old, new) for field, old, new in event.changes or []],
    )
