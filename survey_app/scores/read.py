"""What staff pages read from the score snapshot — always within the user's scope and with the
small-number rule applied (DESIGN §6): below administrator, no figure from fewer than
``SAPA_MIN_RESPONSES`` responses is returned at all, only the fact that there are too few.

Pages, exports and API answers read scores only through this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pandas as pd
from flask import current_app
from sqlalchemy import and_, select
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
                 provider_id: int | None = None) -> list[GroupScoreView]:
    """Scores of groups of respondents (national, region, category, setting …).

    The ``region`` lens is limited to the regions a user may see (a monitor's own regions; a
    provider manager's own region); the ``provider_category`` lens to providers in scope.
    National and other nationwide lenses are benchmarks and open to every signed-in user.
    """
    snapshot = latest_snapshot()
    if snapshot is None:
        return []
    conditions = [GroupScore.snapshot_id == snapshot.id, GroupScore.campaign_id == campaign_id,
                  GroupScore.lens == lens, GroupScore.measure.in_(measures)]
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
