"""The portfolio of a funder or a region: every contract in scope with its verdicts, a funnel plot of the
contracts' providers and the budget per recipient beside satisfaction.

The funnel's limits are computed from every contract that matches the filters (the yardstick), its
points are only the contracts the user may see; below administrator no point or figure from fewer
than ``SAPA_MIN_RESPONSES`` responses is drawn or listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from analysis.funnel import FunnelResult, funnel_means, funnel_proportions
from analysis.indicators import IndicatorEstimate, share_estimate_from_counts
from survey_app.access import contract_filter
from survey_app.contracts.aggregation import COMPOSITE
from survey_app.contracts.indicators import (
    ALPHA,
    ContractEvaluation,
    Period,
    _kind_order,
    aggregate,
    contract_periods,
    evaluate,
)
from survey_app.contracts.registry import ContractFilters, _filtered
from survey_app.extensions import db
from survey_app.models import Contract, ContractTarget, IndicatorDefinition, User
from survey_app.models.base import today
from survey_app.scores.read import minimum_responses, sees_small_numbers

FUNNEL_MEASURES = ("satisfaction", "quality_index")
MIN_FUNNEL_CONTRACTS = 3


@dataclass(frozen=True)
class FunnelRow:
    contract: Contract
    nobs: int
    value: float  # percent or 0–100 score
    flag: str


@dataclass(frozen=True)
class SpendingPoint:
    contract: Contract
    budget_per_recipient: float
    estimate: IndicatorEstimate  # satisfaction rate, percent


@dataclass
class Portfolio:
    year: int
    evaluations: list[ContractEvaluation]
    indicators: list[IndicatorDefinition]  # the matrix's columns
    measure: str
    funnel: FunnelResult | None = None
    funnel_rows: list[FunnelRow] = field(default_factory=list)
    hidden_small: int = 0  # contracts in view left out of the funnel and spending charts (too few responses)
    spending: dict[str, list[SpendingPoint]] = field(default_factory=dict)  # by currency

    @property
    def totals(self) -> dict[str, int]:
        counted = {"achieved": 0, "not_achieved": 0, "not_yet_known": 0}
        for evaluation in self.evaluations:
            for status, count in evaluation.counts.items():
                counted[status] += count
        return counted


def portfolio_period(contract: Contract, year: int) -> Period:
    """The reporting period of a contract shown for a year: its latest that overlaps the year."""
    periods = [period for period in contract_periods(contract) if period.overlaps_year(year)]
    return periods[-1] if periods else contract_periods(contract)[-1]


def default_year(years: list[int]) -> int:
    return today().year if not years or today().year in years else years[0]


def portfolio(user: User, filters: ContractFilters, measure: str = "satisfaction") -> Portfolio:
    year = filters.year or today().year
    filters = replace(filters, year=year)
    everyone = list(db.session.scalars(
        _filtered(select(Contract), filters).order_by(Contract.number).options(
            selectinload(Contract.provider), selectinload(Contract.funder), selectinload(Contract.region),
            selectinload(Contract.targets).selectinload(ContractTarget.indicator))))
    visible_ids = set(db.session.scalars(
        _filtered(select(Contract.id).where(contract_filter(user)), filters)))
    pairs = [(contract, portfolio_period(contract, year)) for contract in everyone]
    aggregates = aggregate(pairs)
    mine = [pair for pair in pairs if pair[0].id in visible_ids]
    evaluations = evaluate(user, mine, aggregates)
    columns = {result.indicator.id: result.indicator for evaluation in evaluations for result in evaluation.results}
    indicators = sorted(columns.values(), key=lambda row: (_kind_order(row.kind), row.code))
    result = Portfolio(year, evaluations, indicators, measure if measure in FUNNEL_MEASURES else "satisfaction")
    small = minimum_responses()
    admin = sees_small_numbers(user)
    hidden: set[int] = set()

    # Funnel plot: every matching contract sets the limits, the visible ones are drawn.
    labels, successes, nobs, means, sds = [], [], [], [], []
    for contract, period in pairs:
        own = aggregates.of(contract, period)
        if result.measure == "satisfaction":
            counted, successful, mean, sd = own.satisfaction.nobs, own.satisfaction.successes, np.nan, np.nan
        else:
            composite = own.score(COMPOSITE)
            counted, successful, mean, sd = composite.nobs, 0, composite.mean, composite.sd
        if counted == 0:
            continue
        labels.append(contract.id)
        nobs.append(counted)
        successes.append(successful)
        means.append(mean)
        sds.append(sd if counted > 1 else np.nan)
    if len(labels) >= MIN_FUNNEL_CONTRACTS:
        try:
            if result.measure == "satisfaction":
                funnel = funnel_proportions(successes, nobs, provider=labels)
            else:
                n = np.asarray(nobs, dtype=float)
                s = np.asarray(sds, dtype=float)
                usable = np.isfinite(s) & (n > 1)
                pooled = float(np.sqrt(np.sum((n[usable] - 1) * s[usable] ** 2) / np.sum(n[usable] - 1)))
                funnel = funnel_means(means, nobs, sd=pooled, provider=labels)
        except ValueError:  # every share 0 or 100%, or no spread: no funnel to draw
            funnel = None
        if funnel is not None:
            by_id = {contract.id: contract for contract in everyone}
            points = funnel.providers
            keep = points["provider"].isin(visible_ids)
            too_few = points["nobs"] < small
            if not admin:
                hidden.update(int(i) for i in points.loc[keep & too_few, "provider"])
                keep &= ~too_few
            points = points[keep].reset_index(drop=True)
            scale = 100.0 if result.measure == "satisfaction" else 1.0
            result.funnel_rows = [
                FunnelRow(by_id[int(row.provider)], int(row.nobs), float(row.estimate) * scale, str(row.flag))
                for row in points.itertuples()
            ]
            # The figure names points by provider (its hover text), not by internal id.
            named = points.assign(provider=[by_id[int(i)].provider.name for i in points["provider"]])
            result.funnel = replace(funnel, providers=named)

    # Budget per contracted recipient beside the satisfaction rate, one chart per currency.
    for contract, period in mine:
        satisfaction = aggregates.of(contract, period).satisfaction
        estimate = share_estimate_from_counts(satisfaction.successes, satisfaction.nobs,
                                              population=contract.contracted_recipients, alpha=ALPHA)
        if estimate.empty:
            continue
        if estimate.nobs < small and not admin:
            hidden.add(contract.id)
            continue
        per_recipient = float(contract.budget) / contract.contracted_recipients
        result.spending.setdefault(contract.currency, []).append(SpendingPoint(contract, per_recipient, estimate))
    for points in result.spending.values():
        points.sort(key=lambda point: point.budget_per_recipient)
    result.hidden_small = len(hidden)
    return result
