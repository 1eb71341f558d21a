"""What the staff dashboard and the provider scorecard show, always within the user's scope.

Scores come only from the snapshot through ``survey_app.scores.read`` (scope and the small-number
rule applied there); campaign progress from SQL counts grouped by campaign and provider. Nothing
here loads responses.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache

import numpy as np
import pandas as pd
from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask import current_app, url_for
from flask_babel import format_date, format_percent, get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import and_, func, select

from analysis.change import MeanChange, mean_change, xbar_chart
from survey_app.access import can_see_provider, provider_filter
from survey_app.extensions import db
from survey_app.instruments.runtime import compiled_instrument
from survey_app.models import Campaign, CampaignProvider, Provider, RecipientCategory, Region, Response, User
from survey_app.models.base import today
from survey_app.scores import read
from survey_app.scores.read import Estimate, ProviderScoreView
from survey_app.staff import charts
from survey_app.staff.charts import Chart, level_text

COMPOSITE = "composite"
# Below these a provider's score gets a plain-words warning (and no grade: analysis.comparison).
FEW_RESPONSES = 30
LOW_RELIABILITY = 0.7
# Providers behind their target listed on the dashboard; the campaign page lists them all.
PROGRESS_ROWS = 8
CHANGE_ALPHA = 0.05

SETTING_LABELS = {
    "residential": _l("Residential care"),
    "day_care": _l("Day care (semi-residential)"),
    "home_care": _l("Home-based care"),
    "temporary_stay": _l("Temporary stay"),
    "specialised_centre": _l("Specialised centre"),
}
ORG_FORM_LABELS = {"state": _l("State institution"), "ngo": _l("Non-governmental organisation"),
                   "private": _l("Private provider")}
FLAG_LABELS = {"above": _l("Above the expected range"), "within": _l("Within the expected range"),
               "below": _l("Below the expected range")}
COMPARISON_LABELS = {"above": _l("Better than the overall mean"), "as_expected": _l("As expected"),
                     "below": _l("Worse than the overall mean")}
NOT_RATED_LABELS = {
    "too_few_responses": _l("No grade: too few responses to rank this provider reliably."),
    "low_reliability": _l("No grade: the score is not reliable enough to rank (reliability below 0.7)."),
    "too_few_rated_providers": _l("No grade: too few providers in this wave could be graded."),
    "no_estimate": _l("No grade: no adjusted score could be computed."),
}


def minimum_responses() -> int:
    return read.minimum_responses()


def language() -> str:
    from survey_app.i18n import select_locale

    return select_locale()


@lru_cache(maxsize=16)
def _number_symbols(locale: str) -> tuple[str, str, str]:
    return get_decimal_symbol(locale), get_group_symbol(locale), get_minus_sign_symbol(locale)


def number(value: float | None, digits: int = 1) -> str:
    """A number the reader's way (decimal comma, thin group separator in kk/ru/uk); "—" when missing.

    Equivalent to ``format_decimal(value, "#,##0.0")`` but cheap enough for tables of a few hundred
    providers.
    """
    if value is None or not np.isfinite(value):
        return "—"
    decimal, group, minus = _number_symbols(str(get_locale() or "en"))
    text = f"{abs(value):,.{digits}f}".replace(",", "\0").replace(".", decimal).replace("\0", group)
    return minus + text if round(value, digits) < 0 else text


def percent(value: float | None) -> str:
    if value is None or not np.isfinite(value):
        return "—"
    return format_percent(value, "#,##0%")


def wave_label(campaign: Campaign) -> str:
    return _("Wave %(number)s · %(month)s", number=campaign.wave, month=format_date(campaign.starts_on, "LLL yyyy"))


# ------------------------------------------------------------------ campaign progress


@dataclass(frozen=True)
class ProgressRow:
    provider_id: int
    provider_name: str
    responses: int
    target: int | None
    invitations: int | None

    @property
    def share_of_target(self) -> float | None:
        return self.responses / self.target if self.target else None

    @property
    def response_rate(self) -> float | None:
        return self.responses / self.invitations if self.invitations else None

    @property
    def reached(self) -> bool:
        return bool(self.target) and self.responses >= self.target


@dataclass(frozen=True)
class CampaignProgress:
    campaign: Campaign
    state: str  # open, ended, closed
    rows: list[ProgressRow]  # every provider in scope, furthest behind its target first

    @property
    def providers(self) -> int:
        return len(self.rows)

    @property
    def responses(self) -> int:
        return sum(row.responses for row in self.rows)

    @property
    def target(self) -> int:
        return sum(row.target or 0 for row in self.rows)

    @property
    def responses_towards_target(self) -> int:
        """Responses counted against the target: a provider's surplus does not make up another's gap."""
        return sum(min(row.responses, row.target) for row in self.rows if row.target)

    @property
    def reached(self) -> int:
        return sum(row.reached for row in self.rows)

    @property
    def with_invitations(self) -> list[ProgressRow]:
        return [row for row in self.rows if row.invitations]

    @property
    def response_rate(self) -> float | None:
        invited = self.with_invitations
        invitations = sum(row.invitations for row in invited)
        return sum(row.responses for row in invited) / invitations if invitations else None

    @property
    def behind(self) -> list[ProgressRow]:
        return [row for row in self.rows if row.target and not row.reached][:PROGRESS_ROWS]


def current_campaigns(user: User) -> list[Campaign]:
    """Per country, the newest campaign in which the user may see at least one provider."""
    visible = select(CampaignProvider.id).where(CampaignProvider.campaign_id == Campaign.id,
                                                provider_filter(user, CampaignProvider.provider_id)).exists()
    newest: dict[str, Campaign] = {}
    for campaign in db.session.scalars(select(Campaign).where(visible).order_by(Campaign.starts_on.desc(),
                                                                               Campaign.id.desc())):
        newest.setdefault(campaign.country, campaign)
    return list(newest.values())


def campaign_state(campaign: Campaign, on: date) -> str:
    if campaign.closed_at is not None:
        return "closed"
    if campaign.is_open(on):
        return "open"
    return "ended" if on > campaign.ends_on else "planned"


def campaign_progress(user: User, campaigns: list[Campaign]) -> list[CampaignProgress]:
    """Responses per provider against the sample needed, from counts grouped by campaign and provider."""
    if not campaigns:
        return []
    ids = [campaign.id for campaign in campaigns]
    counts = (
        select(Response.campaign_id, Response.provider_id, func.count().label("responses"))
        .where(Response.campaign_id.in_(ids), provider_filter(user, Response.provider_id))
        .group_by(Response.campaign_id, Response.provider_id)
        .subquery()
    )
    rows = db.session.execute(
        select(CampaignProvider.campaign_id, Provider.id, Provider.name, CampaignProvider.target_responses,
               CampaignProvider.invitations, func.coalesce(counts.c.responses, 0))
        .join(Provider, Provider.id == CampaignProvider.provider_id)
        .outerjoin(counts, and_(counts.c.campaign_id == CampaignProvider.campaign_id,
                                counts.c.provider_id == CampaignProvider.provider_id))
        .where(CampaignProvider.campaign_id.in_(ids), provider_filter(user, CampaignProvider.provider_id))
    ).all()
    grouped: dict[int, list[ProgressRow]] = {campaign_id: [] for campaign_id in ids}
    for campaign_id, provider_id, name, target, invitations, responses in rows:
        grouped[campaign_id].append(ProgressRow(provider_id, name, int(responses), target, invitations))
    on = today()
    result = []
    for campaign in campaigns:
        ordered = sorted(grouped[campaign.id], key=lambda row: (
            row.share_of_target if row.share_of_target is not None else float("inf"), row.provider_name))
        result.append(CampaignProgress(campaign, campaign_state(campaign, on), ordered))
    return result


# ------------------------------------------------------------------ quality: national, regions, funnel


@dataclass(frozen=True)
class GroupRow:
    key: str
    name: str
    composite: Estimate


@dataclass(frozen=True)
class FunnelRow:
    provider_id: int
    provider_name: str
    adjusted: Estimate
    flag: str | None


@dataclass(frozen=True)
class Quality:
    campaign: Campaign
    national: Estimate | None
    regions: list[GroupRow]
    regions_chart: Chart | None
    funnel_chart: Chart | None
    funnel_rows: list[FunnelRow]  # the providers drawn (in scope, and not too small below admin)
    funnel_target: float | None
    hidden_small: int  # providers in scope not drawn: too few responses to show


def scored_campaigns_by_country(user: User) -> dict[str, list[Campaign]]:
    """Campaigns with scores for providers in scope, newest first, per country."""
    grouped: dict[str, list[Campaign]] = {}
    for campaign in read.campaigns_with_scores(user):
        grouped.setdefault(campaign.country, []).append(campaign)
    return grouped


def region_names(codes, lang: str) -> dict[str, str]:
    regions = db.session.scalars(select(Region).where(Region.code.in_(list(codes))))
    return {region.code: region.name(lang) for region in regions}


def quality(user: User, campaign: Campaign, lang: str) -> Quality:
    national_rows = read.group_scores(user, campaign.id, "national")
    national = national_rows[0].estimate if national_rows else None
    regional = read.group_scores(user, campaign.id, "region")
    names = region_names([row.group_key for row in regional], lang)
    regions = sorted((GroupRow(row.group_key, names.get(row.group_key, row.group_key), row.estimate)
                      for row in regional), key=lambda row: row.name)
    shown = [row for row in regions if row.composite.shown and row.composite.low is not None
             and row.composite.high is not None]
    regions_chart = None
    if shown:
        frame = pd.DataFrame({"group": [row.name for row in shown],
                              "mean": [row.composite.value for row in shown],
                              "ci_low": [row.composite.low for row in shown],
                              "ci_high": [row.composite.high for row in shown],
                              "nobs": [row.composite.nobs for row in shown]})
        reference = national.value if national is not None and national.shown else None
        regions_chart = charts.groups_chart(f"regions-{campaign.id}", frame, lang, reference=reference)
    views = {view.provider_id: view for view in read.provider_scores(user, campaign.id, COMPOSITE)}
    result = read.funnel(user, campaign.id, COMPOSITE)
    funnel_rows: list[FunnelRow] = []
    funnel_chart = None
    if result is not None:
        drawn = [int(provider) for provider in result.providers["provider"]]
        funnel_rows = sorted(
            (FunnelRow(pid, views[pid].provider_name, views[pid].adjusted, views[pid].funnel_flag)
             for pid in drawn if pid in views),
            key=lambda row: ({"below": 0, "above": 1}.get(row.flag, 2), row.provider_name))
        if drawn:
            # Names over a few lines: a hover label wider than the chart would be cut off.
            named = result.providers.assign(provider=[
                charts.wrapped(views[pid].provider_name if pid in views else str(pid), charts.HOVER_WIDTH)
                for pid in drawn])
            funnel_chart = charts.funnel_chart(f"funnel-{campaign.id}", replace(result, providers=named), lang)
    hidden = sum(1 for view in views.values() if view.suppressed)
    return Quality(campaign, national, regions, regions_chart, funnel_chart, funnel_rows,
                   result.target if result is not None else None, hidden)


# ------------------------------------------------------------------ alerts


@dataclass(frozen=True)
class Alert:
    kind: str  # below, falling, safeguarding
    provider_id: int | None
    provider_name: str
    text: str
    campaign: Campaign | None = None
    url: str | None = None


def change_between(earlier: ProviderScoreView, later: ProviderScoreView) -> MeanChange | None:
    """Welch's change of the raw quality index between two waves, or None when it cannot be computed."""
    if earlier.suppressed or later.suppressed or earlier.sd is None or later.sd is None:
        return None
    if earlier.raw.value is None or later.raw.value is None or earlier.raw.nobs < 2 or later.raw.nobs < 2:
        return None
    try:
        return mean_change(earlier.raw.nobs, earlier.raw.value, earlier.sd, later.raw.nobs, later.raw.value,
                           later.sd, alpha=CHANGE_ALPHA)
    except ValueError:
        return None


def falling(change: MeanChange | None) -> bool:
    return change is not None and np.isfinite(change.high) and change.high < 0


def may_have_fallen(earlier: ProviderScoreView, later: ProviderScoreView) -> bool:
    """A cheap necessary condition for a significant fall, so Welch's test runs only where it can be.

    The interval's upper end is d + t·SE with t > 1.96 at 95%, so it can only be below zero when the
    mean fell by more than 1.9 standard errors.
    """
    if earlier.sd is None or later.sd is None or earlier.raw.value is None or later.raw.value is None:
        return False
    if earlier.raw.nobs < 2 or later.raw.nobs < 2:
        return False
    fall = earlier.raw.value - later.raw.value
    se = float(np.sqrt(earlier.sd ** 2 / earlier.raw.nobs + later.sd ** 2 / later.raw.nobs))
    return fall > 0 and (se == 0 or fall > 1.9 * se)


def score_alerts(user: User, campaigns: dict[str, list[Campaign]]) -> list[Alert]:
    """Providers below the funnel's 99.8% limit, and providers whose quality index fell significantly."""
    alerts: list[Alert] = []
    several = len(campaigns) > 1
    for waves in campaigns.values():
        latest = waves[0]
        views = read.provider_scores(user, latest.id, COMPOSITE)
        for view in views:
            if view.funnel_flag == "below":
                alerts.append(Alert("below", view.provider_id, view.provider_name, _(
                    "Adjusted quality index %(value)s (%(low)s–%(high)s), n = %(n)s",
                    value=number(view.adjusted.value), low=number(view.adjusted.low),
                    high=number(view.adjusted.high), n=view.adjusted.nobs), latest if several else None))
        if len(waves) < 2:
            continue
        earlier = {view.provider_id: view for view in read.provider_scores(user, waves[1].id, COMPOSITE)}
        for view in views:
            before = earlier.get(view.provider_id)
            change = change_between(before, view) if before and may_have_fallen(before, view) else None
            if falling(change):
                alerts.append(Alert("falling", view.provider_id, view.provider_name, _(
                    "%(points)s points since %(before)s (%(low)s to %(high)s)",
                    points=number(change.diff), before=wave_label(waves[1]), low=number(change.low),
                    high=number(change.high)), latest if several else None))
    return sorted(alerts, key=lambda alert: (alert.provider_name, alert.provider_id))


@dataclass(frozen=True)
class AlertGroup:
    kind: str
    title: str
    alerts: list[Alert]

    # The first few are listed; the rest behind "Show all".
    SHOWN = 5

    @property
    def first(self) -> list[Alert]:
        return self.alerts[:self.SHOWN]

    @property
    def rest(self) -> list[Alert]:
        return self.alerts[self.SHOWN:]


def alert_groups(alerts: list[Alert], safeguarding: list[Alert] | None) -> list[AlertGroup]:
    groups = []
    if safeguarding:
        groups.append(AlertGroup("safeguarding", _("Safeguarding"), safeguarding))
    for kind, title in (("below", _("Below the %(level)s limit of the funnel plot", level=level_text(0.998))),
                        ("falling", _("Falling since the previous wave"))):
        chosen = [alert for alert in alerts if alert.kind == kind]
        if chosen:
            groups.append(AlertGroup(kind, title, chosen))
    return groups


def comments_service():
    """The comments feature's services module, when that feature is installed (None otherwise)."""
    try:
        return importlib.import_module("survey_app.comments.services")
    except ModuleNotFoundError:
        return None


def safeguarding_alerts(user: User) -> list[Alert] | None:
    """Open safeguarding alerts from the comments service; None while that service does not exist."""
    service = comments_service()
    if service is None or not hasattr(service, "open_alerts"):
        return None
    alerts = []
    for item in service.open_alerts(user) or []:
        provider_id = getattr(item, "provider_id", None)
        provider = getattr(item, "provider", None)
        name = getattr(item, "provider_name", None) or getattr(provider, "name", None) or ""
        received = getattr(item, "received_on", None) or getattr(item, "submitted_on", None) \
            or getattr(item, "created_at", None)
        when = format_date(received, "medium") if isinstance(received, (date, datetime)) else ""
        text = _("A comment needs a safeguarding follow-up (received %(date)s).", date=when) if when \
            else _("A comment needs a safeguarding follow-up.")
        alerts.append(Alert("safeguarding", provider_id, name, text, url=getattr(item, "url", None)))
    return alerts


# ------------------------------------------------------------------ the dashboard


@dataclass(frozen=True)
class CountryBlock:
    """One country's current campaign (its progress) and newest scored wave (its quality)."""

    country: str
    progress: CampaignProgress | None
    quality: Quality | None


@dataclass(frozen=True)
class Dashboard:
    snapshot_at: datetime | None
    new_responses: int
    blocks: list[CountryBlock]
    alert_groups: list[AlertGroup]
    safeguarding_available: bool  # False while the comments feature (and its alerts) does not exist
    own_provider_id: int | None  # a provider manager's or social worker's organisation

    @property
    def alert_count(self) -> int:
        return sum(len(group.alerts) for group in self.alert_groups)


def dashboard(user: User, lang: str) -> Dashboard:
    status = read.snapshot_status()
    snapshot = status.snapshot
    scored = scored_campaigns_by_country(user)
    qualities = {country: quality(user, waves[0], lang) for country, waves in scored.items()}
    progress = {item.campaign.country: item for item in campaign_progress(user, current_campaigns(user))}
    blocks = [CountryBlock(country, progress.get(country), qualities.get(country))
              for country in sorted(set(qualities) | set(progress))]
    own = user.provider_id if getattr(user, "provider_id", None) and can_see_provider(user, user.provider_id) \
        else None
    safeguarding = safeguarding_alerts(user)
    return Dashboard(
        snapshot_at=(snapshot.finished_at or snapshot.started_at) if snapshot else None,
        new_responses=status.new_responses if snapshot else 0,
        blocks=blocks,
        alert_groups=alert_groups(score_alerts(user, scored), safeguarding),
        safeguarding_available=safeguarding is not None,
        own_provider_id=own,
    )


# ------------------------------------------------------------------ the provider scorecard


@dataclass(frozen=True)
class ProfileRow:
    measure: str
    label: str
    raw: Estimate
    adjusted: Estimate
    shrunken: Estimate
    reliability: float | None


@dataclass(frozen=True)
class TrendRow:
    campaign: Campaign
    label: str
    estimate: Estimate
    centre: float | None = None
    lcl: float | None = None
    ucl: float | None = None
    in_control: bool | None = None


@dataclass(frozen=True)
class CategoryRow:
    key: str
    name: str
    composite: Estimate | None
    satisfaction: Estimate | None


@dataclass(frozen=True)
class Band:
    comparison: str | None
    label: str
    grade: int | None
    reason: str | None
    flag: str | None
    flag_label: str | None


@dataclass
class Scorecard:
    provider: Provider
    campaign: Campaign | None
    waves: list[Campaign]
    composite: ProviderScoreView | None = None
    satisfaction: ProviderScoreView | None = None
    nps: ProviderScoreView | None = None
    band: Band | None = None
    warnings: list[str] = field(default_factory=list)
    profile: list[ProfileRow] = field(default_factory=list)
    profile_chart: Chart | None = None
    trend: list[TrendRow] = field(default_factory=list)
    trend_chart: Chart | None = None
    change: MeanChange | None = None
    change_waves: tuple[str, str] | None = None
    categories: list[CategoryRow] = field(default_factory=list)
    categories_chart: Chart | None = None
    setting_label: str = ""
    org_form_label: str = ""
    region_name: str = ""
    comments_url: str | None = None
    comments: list | None = None  # the wave's newest comments (masked); None: this user reads no comments
    safeguarding: list[Alert] | None = None

    @property
    def suppressed(self) -> bool:
        return self.composite is not None and self.composite.suppressed


def scorecard(user: User, provider_id: int, lang: str, campaign_id: int | None = None) -> Scorecard | None:
    """One provider's scores in one wave (the newest unless ``campaign_id``); None when out of scope."""
    views = read.provider_measures(user, provider_id)
    if not views and not can_see_provider(user, provider_id):
        return None
    provider = db.session.get(Provider, provider_id)
    campaign_ids = {view.campaign_id for view in views}
    waves = list(db.session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids))
                                    .order_by(Campaign.starts_on.desc(), Campaign.id.desc()))) if views else []
    chosen = next((wave for wave in waves if wave.id == campaign_id), waves[0] if waves else None)
    card = Scorecard(provider, chosen, waves,
                     setting_label=str(SETTING_LABELS.get(provider.setting, provider.setting)),
                     org_form_label=str(ORG_FORM_LABELS.get(provider.org_form, provider.org_form)),
                     region_name=_region_path(provider.region, lang))
    card.comments_url = _comments_url(user, provider_id)
    alerts = safeguarding_alerts(user)
    card.safeguarding = None if alerts is None else [alert for alert in alerts if alert.provider_id == provider_id]
    if chosen is None:
        return card
    card.comments = _latest_comments(user, provider_id, chosen, lang) if card.comments_url else None
    here = {view.measure: view for view in views if view.campaign_id == chosen.id}
    card.composite, card.satisfaction, card.nps = here.get(COMPOSITE), here.get("satisfaction"), here.get("nps")
    if card.composite is not None:
        card.band = _band(card.composite)
        card.warnings = _warnings(card.composite)
    card.profile = _profile(chosen, here, lang)
    card.profile_chart = _profile_chart(card.profile, lang)
    same_country = [wave for wave in reversed(waves) if wave.country == chosen.country
                    and wave.starts_on <= chosen.starts_on]
    by_wave = {view.campaign_id: view for view in views if view.measure == COMPOSITE}
    card.trend, card.trend_chart = _trend([wave for wave in same_country if wave.id in by_wave], by_wave, lang)
    if len(same_country) >= 2 and same_country[-2].id in by_wave and chosen.id in by_wave:
        card.change = change_between(by_wave[same_country[-2].id], by_wave[chosen.id])
        card.change_waves = (wave_label(same_country[-2]), wave_label(chosen))
    card.categories, card.categories_chart = _categories(user, chosen, provider_id, card.composite, lang)
    return card


def _region_path(region: Region, lang: str) -> str:
    return f"{region.name(lang)}, {region.parent.name(lang)}" if region.parent else region.name(lang)


def _comments_url(user: User, provider_id: int) -> str | None:
    """The comments feature's page for this provider, when it exists and the user may read comments."""
    service = comments_service()
    roles = getattr(service, "COMMENT_ROLES", None)
    if roles is not None and getattr(user, "role", None) not in roles:
        return None
    if "comments.provider" in current_app.view_functions:
        return url_for("comments.provider", provider_id=provider_id)
    return None


def _latest_comments(user: User, provider_id: int, campaign: Campaign, lang: str) -> list | None:
    """The newest comments about the provider in this wave, from the comments service (which masks them and
    applies scope and the small-number rule); None when that service offers none."""
    service = comments_service()
    if service is None or not hasattr(service, "latest_comments"):
        return None
    return service.latest_comments(user, provider_id, lang, campaign_id=campaign.id)


def _band(view: ProviderScoreView) -> Band:
    label = str(COMPARISON_LABELS[view.comparison]) if view.comparison else _("Not compared")
    reason = None
    if view.grade is None:
        reason = str(NOT_RATED_LABELS.get(view.not_rated_reason or "no_estimate", NOT_RATED_LABELS["no_estimate"]))
    flag_label = str(FLAG_LABELS[view.funnel_flag]) if view.funnel_flag else None
    return Band(view.comparison, label, view.grade, reason, view.funnel_flag, flag_label)


def _warnings(view: ProviderScoreView) -> list[str]:
    if view.suppressed or view.raw.value is None:
        return []
    warnings = []
    nobs = view.raw.nobs
    reliability = view.reliability
    if nobs < FEW_RESPONSES or (reliability is not None and reliability < LOW_RELIABILITY):
        margin = (view.raw.high - view.raw.low) / 2 if view.raw.high is not None and view.raw.low is not None \
            else None
        if margin is not None:
            warnings.append(ngettext(
                "This score rests on %(num)s response; treat differences of less than ±%(margin)s points as chance.",
                "This score rests on %(num)s responses; treat differences of less than ±%(margin)s points as chance.",
                nobs, margin=number(margin)))
    if reliability is not None and reliability < LOW_RELIABILITY:
        warnings.append(_(
            "Its reliability is %(reliability)s (0.7 is the usual floor): another sample of recipients could "
            "well place this provider elsewhere among its peers.", reliability=number(reliability, 2)))
    return warnings


def _profile(campaign: Campaign, here: dict[str, ProviderScoreView], lang: str) -> list[ProfileRow]:
    instrument = compiled_instrument(campaign.instrument_version)
    order = {code: index for index, code in enumerate(instrument.dimensions)}
    rows = []
    for measure, view in here.items():
        if not measure.startswith("dimension:"):
            continue
        code = measure.split(":", 1)[1]
        label = instrument.text(measure, lang) or code
        rows.append((order.get(code, len(order)), ProfileRow(measure, label, view.raw, view.adjusted,
                                                              view.shrunken, view.reliability)))
    return [row for _order, row in sorted(rows, key=lambda pair: (pair[0], pair[1].label))]


def _profile_chart(profile: list[ProfileRow], lang: str) -> Chart | None:
    records = []
    for row in profile:
        for kind in ("raw", "adjusted", "shrunken"):
            estimate = getattr(row, kind)
            if estimate.shown and estimate.low is not None and estimate.high is not None:
                records.append({"dimension": row.label, "kind": kind, "estimate": estimate.value,
                                "ci_low": estimate.low, "ci_high": estimate.high, "nobs": estimate.nobs})
    if not records:
        return None
    return charts.profile_chart("profile", pd.DataFrame(records), lang)


def _trend(waves: list[Campaign], by_wave: dict[int, ProviderScoreView], lang: str):
    """x̄-chart of the raw quality index over the waves (oldest first) with at least two answers."""
    rows = [TrendRow(wave, wave_label(wave), by_wave[wave.id].raw) for wave in waves]
    usable = [(row, by_wave[row.campaign.id]) for row in rows
              if row.estimate.shown and by_wave[row.campaign.id].sd is not None and row.estimate.nobs >= 1]
    if len(usable) < 2 or not any(view.raw.nobs >= 2 for _row, view in usable):
        return rows, None
    limits = xbar_chart([view.raw.nobs for _row, view in usable], [view.raw.value for _row, view in usable],
                        [view.sd if view.raw.nobs >= 2 else 0.0 for _row, view in usable],
                        labels=[row.label for row, _view in usable])
    by_label = {row["wave"]: row for row in limits.to_dict("records")}
    rows = [TrendRow(row.campaign, row.label, row.estimate, by_label[row.label]["centre"], by_label[row.label]["lcl"],
                     by_label[row.label]["ucl"], bool(by_label[row.label]["in_control"]))
            if row.label in by_label else row for row in rows]
    trend = pd.DataFrame({"wave": [row.label for row, _view in usable],
                          "mean": [view.raw.value for _row, view in usable],
                          "ci_low": [view.raw.low for _row, view in usable],
                          "ci_high": [view.raw.high for _row, view in usable]})
    return rows, charts.trend_chart("trend", trend, limits, lang)


def _categories(user: User, campaign: Campaign, provider_id: int, composite: ProviderScoreView | None, lang: str):
    groups = read.group_scores(user, campaign.id, "provider_category", (COMPOSITE, "satisfaction"), provider_id)
    if not groups:
        return [], None
    names = {row.code: row.name(lang) for row in db.session.scalars(
        select(RecipientCategory).where(RecipientCategory.code.in_({group.group_key for group in groups})))}
    positions = {row.code: row.position for row in db.session.scalars(
        select(RecipientCategory).where(RecipientCategory.code.in_(list(names))))}
    by_key: dict[str, dict[str, Estimate]] = {}
    for group in groups:
        by_key.setdefault(group.group_key, {})[group.measure] = group.estimate
    rows = sorted((CategoryRow(key, names.get(key, key), measures.get(COMPOSITE), measures.get("satisfaction"))
                   for key, measures in by_key.items()), key=lambda row: (positions.get(row.key, 0), row.name))
    shown = [row for row in rows if row.composite is not None and row.composite.shown
             and row.composite.low is not None and row.composite.high is not None]
    if not shown:
        return rows, None
    frame = pd.DataFrame({"group": [row.name for row in shown], "mean": [row.composite.value for row in shown],
                          "ci_low": [row.composite.low for row in shown],
                          "ci_high": [row.composite.high for row in shown],
                          "nobs": [row.composite.nobs for row in shown]})
    reference = composite.raw.value if composite is not None and composite.raw.shown else None
    return rows, charts.groups_chart("categories", frame, lang, reference=reference,
                                     reference_label=_("This provider’s quality index"))
