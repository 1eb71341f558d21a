"""Actual values of a contract's indicators for a period, their intervals and n, the verdicts, and the
verdicts in words in the reader's language.

The responses are those of the contract's provider submitted within the period. Aggregation happens
in SQL (``contracts.aggregation``: a few counts and moments per provider, nothing per response); the
estimates and intervals come from ``analysis.indicators`` and the verdict from ``analysis.verdicts``.
Several contracts are evaluated together with one aggregation per period (the portfolio). Nothing is
kept between requests, so a figure is always that of the responses stored now.

Below administrator, an indicator that rests on fewer than ``SAPA_MIN_RESPONSES`` responses shows no
value, interval or verdict (reason ``small_numbers``), only that there are too few.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from analysis.indicators import (
    IndicatorEstimate,
    count_ratio,
    entered_figure,
    mean_estimate_from_stats,
    nps_estimate_from_counts,
    rate_estimate,
    share_estimate_from_counts,
)
from analysis.verdicts import Verdict, indicator_verdict
from survey_app.contracts.aggregation import COMPOSITE, Moments, ProviderFigures, provider_figures
from survey_app.extensions import db
from survey_app.models import (
    AdministrativeFigure,
    Campaign,
    CampaignProvider,
    Contract,
    ContractTarget,
    IndicatorDefinition,
    Response,
    User,
)
from survey_app.scores.read import minimum_responses, sees_small_numbers
from survey_app.staff.charts import level_text
from survey_app.staff.services import number

# Fewest responses on which a verdict is given (see the package docstring for why 30).
MIN_VERDICT_RESPONSES = 30
ALPHA = 0.05
SURVEY_KINDS = ("satisfaction_rate", "quality_index", "dimension_score", "nps", "item_top2", "item_mean")
ITEM_KINDS = ("item_top2", "item_mean")
UNIT_DIGITS = {"percent": 1, "score": 1, "nps": 1, "mean": 2, "per_100": 2, "count": 0}
STATUS_LABELS = {"achieved": _l("Achieved"), "not_achieved": _l("Not achieved"),
                 "not_yet_known": _l("Not yet known")}
STATUS_SYMBOLS = {"achieved": "✔", "not_achieved": "✖", "not_yet_known": "?"}
DIRECTION_LABELS = {"higher": _l("Higher is better"), "lower": _l("Lower is better")}
UNIT_LABELS = {"percent": _l("per cent (0–100%)"), "score": _l("score (0–100)"), "nps": _l("NPS (−100 to 100)"),
               "mean": _l("mean on the 1–5 agreement scale"), "per_100": _l("per 100 recipients"),
               "count": _l("count")}
KIND_LABELS = {
    "satisfaction_rate": _l("Satisfaction rate"), "quality_index": _l("Quality index"),
    "dimension_score": _l("Dimension score"), "nps": _l("Net Promoter Score"),
    "item_top2": _l("Share agreeing with chosen items"), "item_mean": _l("Mean of chosen items"),
    "response_rate": _l("Response rate"), "coverage": _l("Survey coverage"),
    "administrative": _l("Figure entered by hand"),
}


# ------------------------------------------------------------------ periods

@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @property
    def key(self) -> str:
        return self.start.isoformat()

    def label(self) -> str:
        return f"{format_date(self.start, 'short')} – {format_date(self.end, 'short')}"

    def overlaps_year(self, year: int) -> bool:
        return self.start <= date(year, 12, 31) and self.end >= date(year, 1, 1)


def contract_periods(contract: Contract) -> list[Period]:
    """The contract's reporting periods: those of its targets, else the contract's own period."""
    periods = sorted({Period(target.period_start, target.period_end) for target in contract.targets})
    return periods or [Period(contract.starts_on, contract.ends_on)]


def chosen_period(contract: Contract, key: str | None) -> Period:
    """The period named by ``key`` (its first day), else the latest one that has begun, else the first."""
    periods = contract_periods(contract)
    for period in periods:
        if period.key == key:
            return period
    from survey_app.models.base import today

    started = [period for period in periods if period.start <= today()]
    return started[-1] if started else periods[0]


# ------------------------------------------------------------------ formatting

def figure(value: float | None, unit: str) -> str:
    """A value the reader's way with its unit: "81,3%" in Russian, "2.40" per 100 in English."""
    if value is None or not np.isfinite(value):
        return "—"
    text = number(value, UNIT_DIGITS.get(unit, 1))
    return f"{text}%" if unit == "percent" else text


def interval_text(low: float | None, high: float | None, unit: str) -> str:
    if low is None or high is None or not (np.isfinite(low) and np.isfinite(high)):
        return "—"
    digits = UNIT_DIGITS.get(unit, 1)
    return f"{number(low, digits)}–{number(high, digits)}{'%' if unit == 'percent' else ''}"


# ------------------------------------------------------------------ results

@dataclass(frozen=True)
class IndicatorResult:
    """One targeted indicator of a contract for a period, as one reader may see it."""

    indicator: IndicatorDefinition
    target_row: ContractTarget
    estimate: IndicatorEstimate  # never shown when ``suppressed``
    verdict: Verdict
    responses: int  # responses behind the figure (the small-number rule counts these)
    suppressed: bool

    @property
    def status(self) -> str:
        return "not_yet_known" if self.suppressed else self.verdict.status

    @property
    def reason(self) -> str:
        return "small_numbers" if self.suppressed else self.verdict.reason

    @property
    def target(self) -> float:
        return self.target_row.target

    @property
    def baseline(self) -> float | None:
        return self.target_row.baseline

    @property
    def unit(self) -> str:
        return self.indicator.unit

    @property
    def shown(self) -> bool:
        return not self.suppressed and not self.estimate.empty

    @property
    def value(self) -> float | None:
        return self.estimate.value if self.shown else None

    @property
    def low(self) -> float | None:
        return self.estimate.low if self.shown and self.estimate.sampled else None

    @property
    def high(self) -> float | None:
        return self.estimate.high if self.shown and self.estimate.sampled else None

    @property
    def nobs(self) -> int | None:
        """n shown beside the value: responses (invitations for a response rate); none for a hand figure."""
        if self.indicator.kind == "administrative":
            return None
        return self.estimate.nobs

    def status_label(self) -> str:
        return str(STATUS_LABELS[self.status])

    def symbol(self) -> str:
        return STATUS_SYMBOLS[self.status]

    def sentence(self) -> str:
        return verdict_sentence(self)


@dataclass
class ContractEvaluation:
    contract: Contract
    period: Period
    responses: int  # responses of the provider in the period
    results: list[IndicatorResult] = field(default_factory=list)

    def result(self, indicator_code: str) -> IndicatorResult | None:
        return next((r for r in self.results if r.indicator.code == indicator_code), None)

    @property
    def counts(self) -> dict[str, int]:
        counted = {status: 0 for status in STATUS_LABELS}
        for result in self.results:
            counted[result.status] += 1
        return counted


# ------------------------------------------------------------------ SQL aggregation

def _response_rate_counts(provider_ids: set[int], period: Period) -> dict[int, tuple[int, int]]:
    """Per provider: (responses, invitations) over its campaign participations that overlap the period
    and count their invitations; responses are those of those participations submitted in the period."""
    participations = db.session.execute(
        select(CampaignProvider.campaign_id, CampaignProvider.provider_id, CampaignProvider.invitations)
        .join(Campaign, CampaignProvider.campaign_id == Campaign.id)
        .where(CampaignProvider.provider_id.in_(sorted(provider_ids)), CampaignProvider.invitations.is_not(None),
               Campaign.starts_on <= period.end, Campaign.ends_on >= period.start)
    ).all()
    if not participations:
        return {}
    counted = {
        (campaign_id, provider_id): count
        for campaign_id, provider_id, count in db.session.execute(
            select(Response.campaign_id, Response.provider_id, func.count())
            .where(Response.provider_id.in_(sorted(provider_ids)),
                   Response.campaign_id.in_(sorted({row.campaign_id for row in participations})),
                   Response.submitted_on >= period.start, Response.submitted_on <= period.end)
            .group_by(Response.campaign_id, Response.provider_id))
    }
    totals: dict[int, tuple[int, int]] = {}
    for campaign_id, provider_id, invitations in participations:
        responses, invited = totals.get(provider_id, (0, 0))
        totals[provider_id] = (responses + counted.get((campaign_id, provider_id), 0), invited + invitations)
    return totals


# ------------------------------------------------------------------ evaluation

def targets_in(contract: Contract, period: Period) -> list[ContractTarget]:
    rows = [t for t in contract.targets if t.period_start == period.start and t.period_end == period.end]
    return sorted(rows, key=lambda t: (_kind_order(t.indicator.kind), t.indicator.code))


def _kind_order(kind: str) -> int:
    order = ("satisfaction_rate", "quality_index", "dimension_score", "nps", "item_top2", "item_mean",
             "response_rate", "coverage", "administrative")
    return order.index(kind) if kind in order else len(order)


@dataclass
class Aggregates:
    """What the SQL aggregation gives for a set of (contract, period): per period, the figures of every
    provider of those contracts (``contracts.aggregation``), the response-rate counts, and the figures
    entered by hand."""

    providers: dict[Period, dict[int, ProviderFigures]]
    rates: dict[Period, dict[int, tuple[int, int]]]
    figures: dict[tuple[int, int, date], float]

    def of(self, contract: Contract, period: Period) -> ProviderFigures:
        return self.providers.get(period, {}).get(contract.provider_id) or ProviderFigures()


def _item_names(indicator: IndicatorDefinition) -> tuple[str, ...]:
    return tuple((indicator.item_names or "").split())


def aggregate(pairs: list[tuple[Contract, Period]]) -> Aggregates:
    providers: dict[Period, set[int]] = defaultdict(set)
    item_sets: dict[Period, set[tuple[str, ...]]] = defaultdict(set)
    for contract, period in pairs:
        providers[period].add(contract.provider_id)
        for target in targets_in(contract, period):
            if target.indicator.kind in ITEM_KINDS and _item_names(target.indicator):
                item_sets[period].add(_item_names(target.indicator))
    figured = {period: provider_figures(ids, period.start, period.end, item_sets[period])
               for period, ids in providers.items()}
    rates = {period: _response_rate_counts(ids, period) for period, ids in providers.items()}
    figures = {
        (row.contract_id, row.indicator_id, row.period_start): row.value
        for row in db.session.scalars(select(AdministrativeFigure).where(
            AdministrativeFigure.contract_id.in_(sorted({contract.id for contract, _ in pairs}))))
    } if pairs else {}
    return Aggregates(figured, rates, figures)


def evaluate(user: User, pairs: list[tuple[Contract, Period]],
             aggregates: Aggregates | None = None) -> list[ContractEvaluation]:
    """Every targeted indicator of each (contract, period), as ``user`` may see it."""
    if not pairs:
        return []
    aggregates = aggregates or aggregate(pairs)
    evaluations = []
    for contract, period in pairs:
        own = aggregates.of(contract, period)
        evaluation = ContractEvaluation(contract, period, own.responses)
        for target in targets_in(contract, period):
            indicator = target.indicator
            estimate, responses = _estimate(indicator, contract, period, own, aggregates)
            evaluation.results.append(_result(user, indicator, target, estimate, responses))
        evaluations.append(evaluation)
    return evaluations


def evaluate_one(user: User, contract: Contract, period: Period) -> ContractEvaluation:
    return evaluate(user, [(contract, period)])[0]


def _mean(moments: Moments, population: int | None) -> IndicatorEstimate:
    return mean_estimate_from_stats(moments.mean, moments.sd, moments.nobs, population=population, alpha=ALPHA)


def _estimate(indicator: IndicatorDefinition, contract: Contract, period: Period, own: ProviderFigures,
              aggregates: Aggregates) -> tuple[IndicatorEstimate, int]:
    population = contract.contracted_recipients
    kind = indicator.kind
    if kind == "satisfaction_rate":
        estimate = share_estimate_from_counts(own.satisfaction.successes, own.satisfaction.nobs,
                                              population=population, alpha=ALPHA)
    elif kind == "quality_index":
        estimate = _mean(own.score(COMPOSITE), population)
    elif kind == "dimension_score":
        estimate = _mean(own.score(f"dimension:{indicator.dimension_code}"), population)
    elif kind == "nps":
        ratings = own.recommend
        estimate = nps_estimate_from_counts(ratings.promoters, ratings.passives, ratings.detractors, alpha=ALPHA)
    elif kind in ITEM_KINDS:
        means = own.item_mean(_item_names(indicator))
        if kind == "item_top2":
            estimate = share_estimate_from_counts(means.top, means.nobs, population=population, alpha=ALPHA)
        else:
            estimate = _mean(means, population)
    elif kind == "response_rate":
        responses, invitations = aggregates.rates.get(period, {}).get(contract.provider_id, (0, 0))
        return rate_estimate(responses, invitations, alpha=ALPHA), min(responses, invitations)
    elif kind == "coverage":
        estimate = count_ratio(own.responses, population)
    else:  # administrative
        return entered_figure(aggregates.figures.get((contract.id, indicator.id, period.start))), 0
    return estimate, estimate.nobs


def _result(user: User, indicator: IndicatorDefinition, target: ContractTarget, estimate: IndicatorEstimate,
            responses: int) -> IndicatorResult:
    kind = indicator.kind
    low, high = estimate.low, estimate.high
    if estimate.nobs > 0 and np.isfinite(estimate.value) and not (np.isfinite(low) and np.isfinite(high)):
        low = high = estimate.value  # one response: no interval, and too few for a verdict anyway
    counted = kind in SURVEY_KINDS or kind == "response_rate"
    nobs = estimate.nobs if counted else None
    if not counted and estimate.empty:
        nobs = 0  # nothing entered or counted: no data
    verdict = indicator_verdict(estimate.value, low, high, target.target, direction=indicator.direction,
                                nobs=nobs, min_nobs=MIN_VERDICT_RESPONSES)
    suppressed = 0 < responses < minimum_responses() and not sees_small_numbers(user)
    return IndicatorResult(indicator, target, estimate, verdict, responses, suppressed)


# ------------------------------------------------------------------ the verdict in words

def verdict_sentence(result: IndicatorResult) -> str:
    """Why the verdict is what it is, in one sentence in the current language."""
    kind, unit = result.indicator.kind, result.unit
    reason = result.reason
    target = figure(result.target, unit)
    if reason == "small_numbers":
        minimum = minimum_responses()
        return ngettext("Fewer than %(num)s response: no figure and no verdict are shown (the rule on small "
                        "numbers).",
                        "Fewer than %(num)s responses: no figure and no verdict are shown (the rule on small "
                        "numbers).", minimum)
    if reason == "no_data":
        if kind == "administrative":
            return _("No figure has been entered for this period.")
        if kind == "response_rate":
            return _("No invitations were counted in this period, so there is no response rate.")
        return _("No responses in this period.")
    if reason == "too_few_responses":
        if kind == "response_rate":
            return _("Too few invitations counted (%(n)s of the %(needed)s needed) to judge.",
                     n=result.estimate.nobs, needed=MIN_VERDICT_RESPONSES)
        return _("Too few responses (%(n)s of the %(needed)s needed) to judge.", n=result.estimate.nobs,
                 needed=MIN_VERDICT_RESPONSES)
    lower = result.indicator.direction == "lower"
    if not result.estimate.sampled:
        value = figure(result.value, unit)
        if reason == "interval_above_target" and not lower:
            return _("The value (%(value)s) reaches the target of %(target)s.", value=value, target=target)
        if reason == "interval_below_target" and not lower:
            return _("The value (%(value)s) is below the target of %(target)s.", value=value, target=target)
        if reason == "interval_below_target":
            return _("The value (%(value)s) is at or below the target of %(target)s; lower is better.",
                     value=value, target=target)
        return _("The value (%(value)s) is above the target of %(target)s; lower is better.", value=value,
                 target=target)
    interval = interval_text(result.estimate.low, result.estimate.high, unit)
    level = level_text(1 - ALPHA)
    values = {"level": level, "interval": interval, "target": target}
    if reason == "interval_straddles_target":
        return _("The %(level)s interval (%(interval)s) straddles the target of %(target)s: not yet known.",
                 **values)
    touching = result.estimate.low == result.target if reason == "interval_above_target" else (
        result.estimate.high == result.target)
    if reason == "interval_above_target":
        if lower:
            return _("The whole %(level)s interval (%(interval)s) lies above the target of %(target)s; lower is "
                     "better.", **values)
        if touching:
            return _("The %(level)s interval (%(interval)s) does not go below the target of %(target)s.", **values)
        return _("The whole %(level)s interval (%(interval)s) lies above the target of %(target)s.", **values)
    if lower:
        if touching:
            return _("The %(level)s interval (%(interval)s) does not go above the target of %(target)s; lower is "
                     "better.", **values)
        return _("The whole %(level)s interval (%(interval)s) lies below the target of %(target)s; lower is "
                 "better.", **values)
    return _("The whole %(level)s interval (%(interval)s) lies below the target of %(target)s.", **values)
