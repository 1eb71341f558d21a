"""Changes to a contract's evidence: baselines and targets, figures entered by hand, expert assessments.

Every create, change and delete is recorded in the audit trail (``contracts.audit``) with the old
and new values; a change or a deletion needs a reason, and an existing figure is never replaced by
entering a new one (it is changed, with a reason). Services flush; the request commits.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from survey_app.contracts.audit import as_text, differences, record
from survey_app.contracts.indicators import Period
from survey_app.extensions import db
from survey_app.models import (
    AdministrativeFigure,
    Contract,
    ContractTarget,
    ExpertAssessment,
    IndicatorDefinition,
    User,
)
from survey_app.models.base import utcnow
from survey_app.models.monitoring import CRITERIA, SCORE_MAX, SCORE_MIN

REFUSALS = {
    "reason_needed": _l("Write the reason for the change: it is kept in the audit trail."),
    "target_exists": _l("This indicator already has a target for this period. Change that target instead."),
    "figure_exists": _l("A figure is already entered for this indicator and period. Change it instead; the "
                        "old value stays in the audit trail."),
    "not_administrative": _l("Figures are entered by hand only for administrative indicators."),
    "period_outside": _l("The period must lie within the contract's period."),
    "score_range": _l("Each score is a whole number from 0 to 5."),
    "reasoning_needed": _l("Write the reasoning for each criterion."),
    "code_taken": _l("An indicator already has this code. Choose another."),
}


class ChangeRefused(ValueError):
    """A change the rules refuse; ``reason`` is a key of ``REFUSALS`` (worded in the reader's language)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    @property
    def message(self) -> str:
        return str(REFUSALS[self.reason])


def _reason(text: str | None) -> str:
    reason = (text or "").strip()
    if not reason:
        raise ChangeRefused("reason_needed")
    return reason


def _within(contract: Contract, period: Period) -> None:
    if period.start < contract.starts_on or period.end > contract.ends_on or period.end < period.start:
        raise ChangeRefused("period_outside")


# ------------------------------------------------------------------ baselines and targets

def target_values(row: ContractTarget) -> dict:
    return {"period_start": row.period_start, "period_end": row.period_end, "baseline": row.baseline,
            "target": row.target}


def add_target(actor: User, contract: Contract, indicator: IndicatorDefinition, period: Period,
               baseline: float | None, target: float) -> ContractTarget:
    _within(contract, period)
    exists = db.session.scalar(select(ContractTarget.id).where(
        ContractTarget.contract_id == contract.id, ContractTarget.indicator_id == indicator.id,
        ContractTarget.period_start == period.start))
    if exists is not None:
        raise ChangeRefused("target_exists")
    row = ContractTarget(contract=contract, indicator=indicator, period_start=period.start, period_end=period.end,
                         baseline=baseline, target=target)
    db.session.add(row)
    db.session.flush()
    record(actor, "create", "target", contract=contract, subject_id=row.id, indicator=indicator,
           period=(period.start, period.end), changes=differences({}, target_values(row)))
    return row


def change_target(actor: User, row: ContractTarget, baseline: float | None, target: float, reason: str) -> bool:
    """Change a baseline or target; False (and nothing recorded) when nothing differs."""
    before = target_values(row)
    after = dict(before, baseline=baseline, target=target)
    changes = differences(before, after)
    if not changes:
        return False
    reason = _reason(reason)
    row.baseline, row.target = baseline, target
    db.session.flush()
    record(actor, "change", "target", contract=row.contract, subject_id=row.id, indicator=row.indicator,
           period=(row.period_start, row.period_end), changes=changes, reason=reason)
    return True


def delete_target(actor: User, row: ContractTarget, reason: str) -> None:
    reason = _reason(reason)
    contract = row.contract
    record(actor, "delete", "target", contract=contract, subject_id=row.id, indicator=row.indicator,
           period=(row.period_start, row.period_end), changes=differences(target_values(row), {
               key: None for key in target_values(row)}), reason=reason)
    contract.targets.remove(row)
    db.session.flush()


# ------------------------------------------------------------------ figures entered by hand

def figures_of(contract: Contract) -> list[AdministrativeFigure]:
    return list(db.session.scalars(
        select(AdministrativeFigure).where(AdministrativeFigure.contract_id == contract.id)
        .order_by(AdministrativeFigure.period_start.desc(), AdministrativeFigure.indicator_id)))


def administrative_indicators() -> list[IndicatorDefinition]:
    return list(db.session.scalars(
        select(IndicatorDefinition).where(IndicatorDefinition.kind == "administrative")
        .order_by(IndicatorDefinition.code)))


def enter_figure(actor: User, contract: Contract, indicator: IndicatorDefinition, period: Period,
                 value: float) -> AdministrativeFigure:
    if indicator.kind != "administrative":
        raise ChangeRefused("not_administrative")
    _within(contract, period)
    exists = db.session.scalar(select(AdministrativeFigure.id).where(
        AdministrativeFigure.contract_id == contract.id, AdministrativeFigure.indicator_id == indicator.id,
        AdministrativeFigure.period_start == period.start))
    if exists is not None:
        raise ChangeRefused("figure_exists")
    row = AdministrativeFigure(contract=contract, indicator=indicator, period_start=period.start,
                               period_end=period.end, value=value, entered_by_id=actor.id, entered_at=utcnow())
    db.session.add(row)
    db.session.flush()
    record(actor, "create", "administrative_figure", contract=contract, subject_id=row.id, indicator=indicator,
           period=(period.start, period.end), changes=[["value", None, as_text(value)]])
    return row


def change_figure(actor: User, row: AdministrativeFigure, value: float, reason: str) -> bool:
    changes = differences({"value": row.value}, {"value": value})
    if not changes:
        return False
    reason = _reason(reason)
    row.value = value
    row.changed_at = utcnow()
    db.session.flush()
    record(actor, "change", "administrative_figure", contract=row.contract, subject_id=row.id,
           indicator=row.indicator, period=(row.period_start, row.period_end), changes=changes, reason=reason)
    return True


def delete_figure(actor: User, row: AdministrativeFigure, reason: str) -> None:
    reason = _reason(reason)
    record(actor, "delete", "administrative_figure", contract=row.contract, subject_id=row.id,
           indicator=row.indicator, period=(row.period_start, row.period_end),
           changes=[["value", as_text(row.value), None]], reason=reason)
    db.session.delete(row)
    db.session.flush()


# ------------------------------------------------------------------ expert assessment

@dataclass(frozen=True)
class AssessmentInput:
    scores: dict[str, int]
    reasonings: dict[str, str]


def assessment_of(contract: Contract, period: Period) -> ExpertAssessment | None:
    return db.session.scalar(select(ExpertAssessment).where(
        ExpertAssessment.contract_id == contract.id, ExpertAssessment.period_start == period.start))


def _assessment_values(scores: dict[str, int], reasonings: dict[str, str]) -> dict:
    values = {}
    for criterion in CRITERIA:
        values[f"{criterion}_score"] = scores[criterion]
        values[f"{criterion}_reasoning"] = reasonings[criterion]
    return values


def save_assessment(actor: User, contract: Contract, period: Period, given: AssessmentInput,
                    reason: str | None = None) -> ExpertAssessment:
    """Record the expert assessment of a contract for a period, or change it (with a reason)."""
    _within(contract, period)
    for criterion in CRITERIA:
        score = given.scores.get(criterion)
        if not isinstance(score, int) or not SCORE_MIN <= score <= SCORE_MAX:
            raise ChangeRefused("score_range")
        if not (given.reasonings.get(criterion) or "").strip():
            raise ChangeRefused("reasoning_needed")
    after = _assessment_values(given.scores, {key: text.strip() for key, text in given.reasonings.items()})
    row = assessment_of(contract, period)
    if row is None:
        row = ExpertAssessment(contract=contract, period_start=period.start, period_end=period.end,
                               assessed_by_id=actor.id, assessor_name=actor.full_name, assessed_at=utcnow(), **after)
        db.session.add(row)
        db.session.flush()
        record(actor, "create", "expert_assessment", contract=contract, subject_id=row.id,
               period=(period.start, period.end), changes=differences({}, after))
        return row
    before = {key: getattr(row, key) for key in after}
    changes = differences(before, after)
    if not changes:
        return row
    reason = _reason(reason)
    for key, value in after.items():
        setattr(row, key, value)
    row.assessed_by_id, row.assessor_name, row.changed_at = actor.id, actor.full_name, utcnow()
    db.session.flush()
    record(actor, "change", "expert_assessment", contract=contract, subject_id=row.id,
           period=(period.start, period.end), changes=changes, reason=reason)
    return row


# ------------------------------------------------------------------ the indicator library

STANDARD_INSTRUMENT_CODE = "sapa_core"
CUSTOM_KINDS = ("item_top2", "item_mean", "administrative")
HAND_UNITS = ("per_100", "percent", "count")


def indicator_library() -> list[IndicatorDefinition]:
    """Every indicator definition: the standard ones first (by kind), then the custom ones."""
    from survey_app.contracts.indicators import _kind_order
    from survey_app.reference.data import INDICATORS, dimension_indicators

    standard = {row[0] for row in (*INDICATORS, *dimension_indicators())}
    rows = db.session.scalars(select(IndicatorDefinition)).all()
    return sorted(rows, key=lambda row: (row.code not in standard, _kind_order(row.kind), row.code))


@dataclass(frozen=True)
class StandardItem:
    name: str
    label: str
    dimension: str | None


def standard_items(language: str) -> list[StandardItem]:
    """The agreement items (scored 1–5, in a dimension) of the newest published standard questionnaire."""
    from survey_app.instruments.runtime import compiled_instrument
    from survey_app.models import Instrument, InstrumentVersion

    version = db.session.scalar(
        select(InstrumentVersion).join(Instrument, InstrumentVersion.instrument_id == Instrument.id)
        .where(Instrument.code == STANDARD_INSTRUMENT_CODE, InstrumentVersion.status == "published")
        .order_by(InstrumentVersion.version.desc()).limit(1))
    if version is None:
        return []
    instrument = compiled_instrument(version)
    return [StandardItem(question.name, instrument.label(question, language), question.dimension)
            for question in instrument.questions.values()
            if question.dimension and question.scored and question.type == "select_one"]


def create_indicator(actor: User, code: str, kind: str, item_names: list[str], direction: str,
                     names: dict[str, str], methods: dict[str, str], unit: str | None = None) -> IndicatorDefinition:
    """A custom indicator (names and methods in 4 languages): built from items of the standard questionnaire,
    or an administrative figure entered by hand per period in ``unit`` (audited like complaints per 100)."""
    if kind not in CUSTOM_KINDS:
        raise ValueError("A custom indicator is an item share, an item mean or a figure entered by hand.")
    if kind == "administrative":
        if unit not in HAND_UNITS:
            raise ValueError(f"A figure entered by hand is in one of {', '.join(HAND_UNITS)}.")
        item_names = []
    else:
        unit = "percent" if kind == "item_top2" else "mean"
        if not item_names:
            raise ValueError("An indicator from items needs at least one item.")
    if db.session.scalar(select(IndicatorDefinition.id).where(IndicatorDefinition.code == code)) is not None:
        raise ChangeRefused("code_taken")
    row = IndicatorDefinition(code=code, kind=kind, direction=direction, unit=unit, dimension_code=None,
                              item_names=" ".join(item_names) or None)
    row.set_names(names)
    for language, text in methods.items():
        setattr(row, f"method_{language}", text)
    db.session.add(row)
    db.session.flush()
    values = {"code": code, "kind": kind, "items": row.item_names, "unit": unit, "direction": direction,
              **{f"name_{language}": text for language, text in names.items()},
              **{f"method_{language}": text for language, text in methods.items()}}
    record(actor, "create", "indicator", subject_id=row.id, indicator=row, changes=differences({}, values))
    return row
