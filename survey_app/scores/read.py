"""What staff pages read from the score snapshot — always within the user's scope and with the
small-number rule applied (DESIGN §6): below administrator, no figure from fewer than
``SAPA_MIN_RESPONSES`` responses is returned at all, only the fact that there are too few.

Pages, exports and API answers read scores only through this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd
from flask import current_app
from sqlalchemy import and_, func, select
from sqlalchemy.orm import aliased

from analysis.funnel import FunnelResult
from survey_app.access import provider_filter
from survey_app.extensions import db
from survey_app.models import Campaign, Provider, Region, User
from survey_app.models.scores import GroupScore, ProviderScore, ScoreSnapshot
from survey_app.scores.compute import SHARE_MEASURES, adjusted_funnel
from survey_app.scores.refresh import latest_snapshot, new_responses_since


def minimum_responses() -> int:
    return int(current_app.config["SAPA_MIN_RESPONSES"])


def sees_small_numbers(user: User) -> bool:
    """Only administrators see figures from fewer than the minimum number of responses."""
    return getattr(user, "role", None) == "admin"


@dataclass(frozen=True)
class Estimate:
    """A value with its interval; ``suppressed`` when there are too few responses to show it."""

    nobs: int
    value: float | None
    low: float | None
    high: float | None
    suppressed: bool = False

    @property
    def shown(self) -> bool:
        return not self.suppressed and self.value is not None


def estimate(user: User, nobs: int | None, value, low, high) -> Estimate:
    nobs = int(nobs or 0)
    if nobs < minimum_responses() and not sees_small_numbers(user):
        return Estimate(nobs, None, None, None, suppressed=True)
    return Estimate(nobs, value, low, high)


@dataclass(frozen=True)
class ProviderScoreView:
    provider_id: int
    provider_code: str
    provider_name: str
    region_code: str
    region: object  # the Region row (its name in each language)
    setting: str
    org_form: str
    campaign_id: int
    measure: str
    raw: Estimate
    adjusted: Estimate
    shrunken: Estimate
    reliability: float | None
    funnel_flag: str | None
    comparison: str | None
    grade: int | None
    not_rated_reason: str | None
    sd: float | None = None  # of the raw scores, for changes between waves and control charts

    @property
    def suppressed(self) -> bool:
        return self.raw.suppressed


@dataclass(frozen=True)
class SnapshotStatus:
    snapshot: ScoreSnapshot | None
    new_responses: int


def snapshot_status() -> SnapshotStatus:
    snapshot = latest_snapshot()
    return SnapshotStatus(snapshot, new_responses_since(snapshot))


def campaigns_with_scores(user: User) -> list[Campaign]:
    """Campaigns (waves) that have scores for providers this user may see, newest first."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return []
    ids = select(ProviderScore.campaign_id).where(
        ProviderScore.snapshot_id == snapshot.id, provider_filter(user, ProviderScore.provider_id)
    ).distinct()
    return list(db.session.scalars(
        select(Campaign).where(Campaign.id.in_(ids)).order_by(Campaign.starts_on.desc(), Campaign.code)
    ))


def _view(user: User, score: ProviderScore, provider: Provider, region: Region) -> ProviderScoreView:
    suppressed = score.nobs < minimum_responses() and not sees_small_numbers(user)
    return ProviderScoreView(
        provider_id=provider.id, provider_code=provider.code, provider_name=provider.name,
        region_code=region.code, region=region, setting=provider.setting, org_form=provider.org_form,
        campaign_id=score.campaign_id, measure=score.measure,
        raw=estimate(user, score.nobs, score.mean, score.ci_low, score.ci_high),
        adjusted=estimate(user, score.nobs, score.adjusted, score.adjusted_low, score.adjusted_high),
        shrunken=estimate(user, score.nobs, score.shrunken, score.shrunken_low, score.shrunken_high),
        reliability=None if suppressed else score.reliability,
        funnel_flag=None if suppressed else score.funnel_flag,
        comparison=None if suppressed else score.comparison,
        grade=None if suppressed else score.grade,
        not_rated_reason="too_few_responses" if suppressed else score.not_rated_reason,
        sd=None if suppressed else score.sd,
    )


@dataclass
class ProviderFilters:
    """Filters of the comparison table (every one optional)."""

    region_code: str | None = None  # an oblast or city; includes its hromadas
    setting: str | None = None
    org_form: str | None = None
    service_type: str | None = None
    standard: str | None = None
    funder_code: str | None = None
    search: str | None = None
    extra: dict = field(default_factory=dict)


def provider_scores(user: User, campaign_id: int, measure: str = "composite",
                    filters: ProviderFilters | None = None) -> list[ProviderScoreView]:
    """One measure for every provider the user may see in a campaign (the comparison table)."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return []
    filters = filters or ProviderFilters()
    parent = aliased(Region)
    query = (
        select(ProviderScore, Provider, Region)
        .join(Provider, ProviderScore.provider_id == Provider.id)
        .join(Region, Provider.region_id == Region.id)
        .outerjoin(parent, Region.parent_id == parent.id)
        .where(ProviderScore.snapshot_id == snapshot.id, ProviderScore.campaign_id == campaign_id,
               ProviderScore.measure == measure, provider_filter(user, ProviderScore.provider_id))
    )
    query = _filtered(query, filters, parent)
    rows = db.session.execute(query.order_by(Provider.name)).all()
    return [_view(user, score, provider, region) for score, provider, region in rows]


@dataclass(frozen=True)
class RegionName:
    """A region's names without its ORM row (for tables of thousands of providers); reads like a Region."""

    id: int
    code: str
    names: tuple[str, str, str, str]  # kk, ru, uk, en
    parent: RegionName | None = None

    @property
    def parent_id(self) -> int | None:
        return self.parent.id if self.parent else None

    def name(self, language: str) -> str:
        index = ("kk", "ru", "uk", "en").index(language) if language in ("kk", "ru", "uk", "en") else 3
        return self.names[index] or self.names[3]


_SCORE_COLUMNS = ("nobs", "mean", "sd", "ci_low", "ci_high", "adjusted", "adjusted_low", "adjusted_high", "shrunken",
                  "shrunken_low", "shrunken_high", "reliability", "funnel_flag", "comparison", "grade",
                  "not_rated_reason")
_AT = {name: index for index, name in enumerate(_SCORE_COLUMNS)}
_LANGUAGES = ("kk", "ru", "uk", "en")


class ProviderTableRow:
    """One provider of the comparison table, kept as the plain values read, with the small-number rule
    applied: ``figure`` and ``other`` give a sortable number (None when hidden or missing); the full
    ``view`` and the ``others``' estimates are built only when asked for (a page shows 50 of 2,000)."""

    __slots__ = ("provider_id", "code", "name", "setting", "org_form", "region", "campaign_id", "measure", "hidden",
                 "_score", "_others", "_shown_others", "_view", "_estimates")

    def __init__(self, provider_id, code, name, setting, org_form, region, campaign_id, measure, score, others,
                 hidden, shown_others):
        self.provider_id, self.code, self.name = provider_id, code, name
        self.setting, self.org_form, self.region = setting, org_form, region
        self.campaign_id, self.measure, self.hidden = campaign_id, measure, hidden
        self._score = score  # the values of _SCORE_COLUMNS
        self._others = others  # measure → (nobs, mean, low, high) or None
        self._shown_others = shown_others  # measures whose own n is large enough
        self._view = None
        self._estimates = None

    @property
    def nobs(self) -> int:
        return int(self._score[0] or 0)

    def figure(self, column: str):
        """A stored value of the measure (``mean``, ``adjusted``, ``grade`` …); None when hidden."""
        return None if self.hidden else self._score[_AT[column]]

    def other(self, measure: str) -> float | None:
        """Another measure's raw value; None when the provider has none or too few answers to show it."""
        values = self._others.get(measure)
        return values[1] if values is not None and measure in self._shown_others else None

    @property
    def view(self) -> ProviderScoreView:
        if self._view is None:
            score, hidden = dict(zip(_SCORE_COLUMNS, self._score, strict=True)), self.hidden
            nobs = self.nobs
            self._view = ProviderScoreView(
                provider_id=self.provider_id, provider_code=self.code, provider_name=self.name,
                region_code=self.region.code, region=self.region, setting=self.setting, org_form=self.org_form,
                campaign_id=self.campaign_id, measure=self.measure,
                raw=_estimate(hidden, nobs, score["mean"], score["ci_low"], score["ci_high"]),
                adjusted=_estimate(hidden, nobs, score["adjusted"], score["adjusted_low"], score["adjusted_high"]),
                shrunken=_estimate(hidden, nobs, score["shrunken"], score["shrunken_low"], score["shrunken_high"]),
                reliability=None if hidden else score["reliability"],
                funnel_flag=None if hidden else score["funnel_flag"],
                comparison=None if hidden else score["comparison"],
                grade=None if hidden else score["grade"],
                not_rated_reason="too_few_responses" if hidden else score["not_rated_reason"],
                sd=None if hidden else score["sd"],
            )
        return self._view

    @property
    def others(self) -> dict[str, Estimate]:
        """Measure → raw estimate (absent when the provider has no score for it)."""
        if self._estimates is None:
            self._estimates = {
                measure: _estimate(measure not in self._shown_others, int(values[0]), *values[1:])
                for measure, values in self._others.items() if values is not None
            }
        return self._estimates


def _estimate(hidden: bool, nobs: int, value, low, high) -> Estimate:
    if hidden:
        return Estimate(nobs, None, None, None, suppressed=True)
    return Estimate(nobs, value, low, high)


def region_names(region_ids) -> dict[int, RegionName]:
    """Regions by id with their names and their oblast's, for rows that carry only a region id."""
    parent = aliased(Region)
    rows = db.session.execute(
        select(Region.id, Region.code, *(getattr(Region, f"name_{lang}") for lang in _LANGUAGES),
               parent.id, parent.code, *(getattr(parent, f"name_{lang}") for lang in _LANGUAGES))
        .outerjoin(parent, Region.parent_id == parent.id).where(Region.id.in_(list(region_ids)))
    ).all()
    names = {}
    for row in rows:
        above = RegionName(row[6], row[7], tuple(row[8:12])) if row[6] is not None else None
        names[row[0]] = RegionName(row[0], row[1], tuple(row[2:6]), above)
    return names


# Built once: an alias's column collection costs more to set up than the table's whole query.
_PARENT = aliased(Region, name="parent_region")
_OTHER_SCORES = [ProviderScore.__table__.alias(f"other_score_{index}") for index in range(4)]


def provider_table(user: User, campaign_id: int, measure: str = "composite", others: tuple[str, ...] = (),
                   filters: ProviderFilters | None = None) -> list[ProviderTableRow]:
    """``provider_scores`` for the comparison table: one query of plain columns for every provider in
    scope, with the raw estimates of ``others`` (satisfaction, NPS) alongside; same scope, filters and
    small-number rule. Reads a few thousand providers without building ORM objects, and builds a
    row's estimates only when they are shown."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return []
    filters = filters or ProviderFilters()
    parent = _PARENT
    extra = _OTHER_SCORES[:len(others)]
    columns = [Provider.id, Provider.code, Provider.name, Provider.setting, Provider.org_form, Provider.region_id,
               *(getattr(ProviderScore, name) for name in _SCORE_COLUMNS)]
    for alias in extra:
        columns += [alias.c.nobs, alias.c.mean, alias.c.ci_low, alias.c.ci_high]
    query = (
        select(*columns)
        .join(Provider, ProviderScore.provider_id == Provider.id)
        .join(Region, Provider.region_id == Region.id)
        .outerjoin(parent, Region.parent_id == parent.id)
        .where(ProviderScore.snapshot_id == snapshot.id, ProviderScore.campaign_id == campaign_id,
               ProviderScore.measure == measure, provider_filter(user, ProviderScore.provider_id))
    )
    for alias, other in zip(extra, others, strict=True):
        query = query.outerjoin(alias, and_(alias.c.snapshot_id == ProviderScore.snapshot_id,
                                            alias.c.campaign_id == ProviderScore.campaign_id,
                                            alias.c.provider_id == ProviderScore.provider_id,
                                            alias.c.measure == other))
    found = db.session.execute(_filtered(query, filters, parent)).all()
    regions = region_names({row[5] for row in found})
    minimum = 0 if sees_small_numbers(user) else minimum_responses()
    width = len(_SCORE_COLUMNS)
    rows = []
    for row in found:
        score = row[6:6 + width]
        extras = {}
        shown = set()
        for index, other in enumerate(others):
            values = row[6 + width + 4 * index:10 + width + 4 * index]
            if values[0] is None:
                extras[other] = None
                continue
            extras[other] = values
            if values[0] >= minimum:
                shown.add(other)
        rows.append(ProviderTableRow(row[0], row[1], row[2], row[3], row[4], regions[row[5]], campaign_id, measure,
                                     score, extras, (score[0] or 0) < minimum, shown))
    return rows


def _filtered(query, filters: ProviderFilters, parent):
    from survey_app.models import Contract, Funder, ServiceStandard, ServiceType
    from survey_app.models.providers import provider_service, provider_standard

    if filters.region_code:
        query = query.where((Region.code == filters.region_code) | (parent.code == filters.region_code))
    if filters.setting:
        query = query.where(Provider.setting == filters.setting)
    if filters.org_form:
        query = query.where(Provider.org_form == filters.org_form)
    if filters.service_type:
        query = query.where(Provider.id.in_(
            select(provider_service.c.provider_id)
            .join(ServiceType, ServiceType.id == provider_service.c.service_type_id)
            .where(ServiceType.code == filters.service_type)))
    if filters.standard:
        query = query.where(Provider.id.in_(
            select(provider_standard.c.provider_id)
            .join(ServiceStandard, ServiceStandard.id == provider_standard.c.service_standard_id)
            .where(ServiceStandard.code == filters.standard)))
    if filters.funder_code:
        query = query.where(Provider.id.in_(
            select(Contract.provider_id).join(Funder, Funder.id == Contract.funder_id)
            .where(Funder.code == filters.funder_code)))
    if filters.search:
        pattern = f"%{filters.search.strip()}%"
        query = query.where(Provider.name.ilike(pattern) | Provider.code.ilike(pattern))
    return query


def provider_measures(user: User, provider_id: int) -> list[ProviderScoreView]:
    """Every measure of one provider in every campaign (the scorecard); empty when out of scope."""
    snapshot = latest_snapshot()
    if snapshot is None:
        return []
    rows = db.session.execute(
        select(ProviderScore, Provider, Region)
        .join(Provider, ProviderScore.provider_id == Provider.id)
        .join(Region, Provider.region_id == Region.id)
        .where(ProviderScore.snapshot_id == snapshot.id, ProviderScore.provider_id == provider_id,
               provider_filter(user, ProviderScore.provider_id))
    ).all()
    return [_view(user, score, provider, region) for score, provider, region in rows]


@dataclass(frozen=True)
class GroupScoreView:
    campaign_id: int
    lens: str
    group_key: str
    provider_id: int | None
    measure: str
    estimate: Estimate
    sd: float | None


def group_scores(user: User, campaign_id: int, lens: str, measures: tuple[str, ...] = ("composite",),
                 provider_id: int | None = None, group_key: str | None = None) -> list[GroupScoreView]:
    """Scores of groups of respondents (national, region, category, setting …).

    The ``region`` lens is limited to the regions a user may see (a monitor's own regions; a
    provider manager's own region); the ``provider_category`` lens to providers in scope.
    National and other nationwide lenses are benchmarks and open to every signed-in user.
    ``group_key`` keeps one group (one recipient category across providers, for example).
    """
    snapshot = latest_snapshot()
    if snapshot is None:
        return []
    conditions = [GroupScore.snapshot_id == snapshot.id, GroupScore.campaign_id == campaign_id,
                  GroupScore.lens == lens, GroupScore.measure.in_(measures)]
    if group_key is not None:
        conditions.append(GroupScore.group_key == group_key)
    if lens == "provider_category":
        conditions.append(provider_filter(user, GroupScore.provider_id))
        if provider_id is not None:
            conditions.append(GroupScore.provider_id == provider_id)
    if lens == "region" and getattr(user, "role", None) not in ("admin", "evaluator"):
        conditions.append(GroupScore.group_key.in_(visible_region_codes(user)))
    rows = db.session.scalars(select(GroupScore).where(and_(*conditions)).order_by(GroupScore.group_key))
    return [
        GroupScoreView(row.campaign_id, row.lens, row.group_key, row.provider_id, row.measure,
                       estimate(user, row.nobs, row.mean, row.ci_low, row.ci_high),
                       row.sd if (row.nobs >= minimum_responses() or sees_small_numbers(user)) else None)
        for row in rows
    ]


@dataclass(frozen=True)
class RegionGroupView:
    """A group of respondents in one oblast or city, pooled over the providers in the user's scope."""

    campaign_id: int
    region_code: str
    group_key: str
    measure: str
    estimate: Estimate
    sd: float | None
    successes: int | None  # a share's count of "yes" answers behind the percentage (None when not shown)


def groups_by_region(user: User, campaign_id: int, lens: str = "provider_category",
                     measures: tuple[str, ...] = ("composite", "satisfaction")) -> list[RegionGroupView]:
    """Groups of a per-provider lens (recipient categories) by oblast or city, within the user's scope.

    Every respondent belongs to one provider and every provider to one region, so the region's
    figure for a category pools its providers' cells exactly: from each cell's n, mean and sd the
    moments T = Σ n·ȳ and Q = Σ ((n − 1)·s² + n·ȳ²) are
    summed in SQL and turned into a mean with its t interval by ``analysis.aggregates.mean_estimates``
    (shares: the count of "yes" answers, with a Wilson interval). Only providers the user may see are
    pooled; the small-number rule applies to the pooled count.
    """
    from analysis.aggregates import mean_estimates
    from analysis.intervals import wilson_interval

    snapshot = latest_snapshot()
    if snapshot is None or lens != "provider_category":
        return []
    parent = aliased(Region)
    region_code = func.coalesce(parent.code, Region.code)
    sd = func.coalesce(GroupScore.sd, 0.0)
    rows = db.session.execute(
        select(region_code, GroupScore.group_key, GroupScore.measure, func.sum(GroupScore.nobs),
               func.sum(GroupScore.nobs * GroupScore.mean),
               func.sum((GroupScore.nobs - 1) * sd * sd + GroupScore.nobs * GroupScore.mean * GroupScore.mean),
               func.sum(func.round(GroupScore.nobs * GroupScore.mean / 100.0)))
        .join(Provider, Provider.id == GroupScore.provider_id)
        .join(Region, Provider.region_id == Region.id)
        .outerjoin(parent, Region.parent_id == parent.id)
        .where(GroupScore.snapshot_id == snapshot.id, GroupScore.campaign_id == campaign_id,
               GroupScore.lens == lens, GroupScore.measure.in_(measures), GroupScore.mean.is_not(None),
               GroupScore.nobs > 0, provider_filter(user, GroupScore.provider_id))
        .group_by(region_code, GroupScore.group_key, GroupScore.measure)
        .order_by(region_code, GroupScore.group_key, GroupScore.measure)
    ).all()
    if not rows:
        return []
    moments = pd.DataFrame(rows, columns=["region", "group", "measure", "nobs", "total", "total_sq", "successes"])
    moments = moments.astype({"nobs": int, "total": float, "total_sq": float, "successes": float})
    estimates = mean_estimates(moments[["region", "group", "measure", "nobs", "total", "total_sq"]])
    shares = moments["measure"].isin(SHARE_MEASURES).to_numpy()
    low = estimates["ci_low"].to_numpy(dtype=float, copy=True)
    high = estimates["ci_high"].to_numpy(dtype=float, copy=True)
    if shares.any():
        share = wilson_interval(moments.loc[shares, "successes"].to_numpy(), moments.loc[shares, "nobs"].to_numpy())
        low[shares], high[shares] = np.asarray(share.low) * 100, np.asarray(share.high) * 100
    views = []
    for index, row in enumerate(estimates.itertuples(index=False)):
        shown = row.nobs >= minimum_responses() or sees_small_numbers(user)
        views.append(RegionGroupView(
            campaign_id, row.region, row.group, row.measure,
            estimate(user, row.nobs, _finite(row.mean), _finite(low[index]), _finite(high[index])),
            _finite(row.sd) if shown else None,
            int(moments["successes"].iat[index]) if shown and shares[index] else None))
    return views


def _finite(value) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def visible_region_codes(user: User) -> list[str]:
    """Oblast/city codes of the providers a user may see."""
    parent = aliased(Region)
    rows = db.session.execute(
        select(Region.code, parent.code).select_from(Provider)
        .join(Region, Provider.region_id == Region.id)
        .outerjoin(parent, Region.parent_id == parent.id)
        .where(provider_filter(user)).distinct()
    ).all()
    return sorted({parent_code or code for code, parent_code in rows})


def funnel(user: User, campaign_id: int, measure: str = "composite") -> FunnelResult | None:
    """The funnel plot of a mean measure: limits and target from every provider, points only in scope.

    The limits are those the stored flags were computed with (``scores.compute.adjusted_funnel``
    over all providers of the campaign), so a monitor sees the national yardstick; ``providers``
    holds only the providers the user may see, and below administrator none with fewer than the
    minimum number of responses. Its ``provider`` column is the provider id. None when the
    campaign has too few adjusted providers for a funnel.
    """
    if measure in SHARE_MEASURES or measure == "nps":
        raise ValueError("The funnel of a share is not drawn from the snapshot; use a mean measure.")
    snapshot = latest_snapshot()
    if snapshot is None:
        return None
    rows = db.session.execute(
        select(ProviderScore.provider_id, ProviderScore.nobs, ProviderScore.sd, ProviderScore.adjusted)
        .where(ProviderScore.snapshot_id == snapshot.id, ProviderScore.campaign_id == campaign_id,
               ProviderScore.measure == measure)
        .order_by(ProviderScore.provider_id)
    ).all()
    table = pd.DataFrame(rows, columns=["provider_id", "nobs", "sd", "adjusted"]).set_index("provider_id")
    result = adjusted_funnel(table.astype(float)) if len(table) else None
    if result is None:
        return None
    visible = set(db.session.scalars(
        select(Provider.id).where(Provider.id.in_([int(i) for i in table.index]), provider_filter(user))))
    points = result.providers[result.providers["provider"].isin(visible)]
    if not sees_small_numbers(user):
        points = points[points["nobs"] >= minimum_responses()]
    return replace(result, providers=points.reset_index(drop=True))


def latest_snapshot_id() -> int | None:
    return db.session.scalar(
        select(ScoreSnapshot.id).where(ScoreSnapshot.status == "done").order_by(ScoreSnapshot.id.desc()).limit(1)
    )
