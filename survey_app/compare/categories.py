"""The recipient-category lens (DESIGN §1, the third gap): how each category of recipients rates the
services, nationally and by region, whether the differences exceed chance, and each provider's score
for one category.

Scores come from ``survey_app.scores.read`` (scope and the small-number rule applied there): the
national figures from the ``category`` lens, a region's from the ``provider_category`` lens pooled
over the providers in scope (``read.groups_by_region``), the providers' from ``provider_category``.
The tests are ``analysis.subgroups`` on exactly the group rows the page shows: Welch's ANOVA on the
quality index, Pearson's chi-square on the share satisfied, and pairwise Welch and two-proportion
tests adjusted by Holm or Benjamini–Hochberg. A category hidden by the small-number rule takes no
part in any test (its figures would leak through the test otherwise).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from analysis.subgroups import (
    ChiSquareResult,
    WelchAnovaResult,
    chi2_proportions,
    pairwise_proportions,
    pairwise_welch,
    welch_anova,
)
from survey_app.compare.table import NotFound, page_numbers, pick_campaign
from survey_app.extensions import db
from survey_app.models import Campaign, Provider, RecipientCategory, Region, User
from survey_app.scores import read
from survey_app.scores.read import Estimate
from survey_app.staff import charts
from survey_app.staff.charts import Chart
from survey_app.staff.services import number

COMPOSITE = "composite"
SATISFACTION = "satisfaction"
MEASURES = (COMPOSITE, SATISFACTION)
NATIONAL = "national"
ALPHA = 0.05
METHODS = {"holm": _l("Holm"), "fdr_bh": _l("Benjamini–Hochberg")}
ADJUSTED = {"holm": _l("after Holm’s adjustment"), "fdr_bh": _l("after the Benjamini–Hochberg adjustment")}
PAGE_SIZE = 50
COUNTRY_NAMES = {"KZ": _l("Kazakhstan"), "UA": _l("Ukraine")}

__all__ = ["CategoryLens", "LensRequest", "NotFound", "category_lens", "compare_categories"]


@dataclass(frozen=True)
class LensRequest:
    campaign_id: int | None = None
    area: str = NATIONAL  # the country, or an oblast or city code
    method: str = "holm"
    category: str = ""  # the category followed across providers
    page: int = 1

    @classmethod
    def from_args(cls, args: MultiDict) -> LensRequest:
        method = args.get("method", "holm")
        return cls(
            campaign_id=args.get("campaign", type=int),
            area=(args.get("area") or NATIONAL).strip()[:80],
            method=method if method in METHODS else "holm",
            category=(args.get("category") or "").strip()[:80],
            page=max(1, args.get("page", 1, type=int) or 1),
        )

    def arguments(self, **changes) -> dict:
        values = {"campaign": self.campaign_id, "area": self.area, "method": self.method,
                  "category": self.category, "page": self.page, **changes}
        defaults = {"area": NATIONAL, "method": "holm", "category": "", "page": 1}
        return {key: value for key, value in values.items()
                if value not in (None, "") and defaults.get(key) != value}


@dataclass(frozen=True)
class CategoryScores:
    key: str
    name: str
    composite: Estimate | None
    satisfaction: Estimate | None
    composite_sd: float | None = None  # for the tests; None when not shown
    satisfied: int | None = None  # the count of satisfied answers behind the share; None when not shown


@dataclass(frozen=True)
class OverallTest:
    kind: str  # "welch" (quality index) or "chi2" (share satisfied)
    result: WelchAnovaResult | ChiSquareResult
    groups: tuple[str, ...]  # the categories tested (names)
    text: str
    warning: str | None = None

    @property
    def significant(self) -> bool:
        return self.result.pvalue < ALPHA


@dataclass(frozen=True)
class PairTest:
    first: str  # names, in the order of the categories
    second: str
    difference: float  # first − second: points of the index, or percentage points
    low: float | None
    high: float | None
    pvalue: float | None
    adjusted: float | None
    text: str | None  # a plain-words reading when the adjusted p-value is below the level

    @property
    def significant(self) -> bool:
        return self.adjusted is not None and self.adjusted < ALPHA


@dataclass(frozen=True)
class Comparison:
    overall: OverallTest | None
    pairs: list[PairTest]
    left_out: list[str]  # categories shown in the table but not tested (too few answers or no spread)


@dataclass(frozen=True)
class RegionRow:
    code: str
    name: str
    cells: dict[str, tuple[Estimate | None, Estimate | None]]  # category → (quality index, share satisfied)


@dataclass(frozen=True)
class ProviderCategoryRow:
    provider_id: int
    name: str
    region: str
    composite: Estimate | None
    satisfaction: Estimate | None

    @property
    def suppressed(self) -> bool:
        return self.composite is not None and self.composite.suppressed


@dataclass
class CategoryLens:
    campaigns: list[Campaign]
    campaign: Campaign | None
    request: LensRequest
    areas: list[tuple[str, str]] = field(default_factory=list)
    area_name: str = ""
    rows: list[CategoryScores] = field(default_factory=list)
    overall_composite: Estimate | None = None
    overall_satisfaction: Estimate | None = None
    composite_chart: Chart | None = None
    satisfaction_chart: Chart | None = None
    composite_tests: Comparison | None = None
    satisfaction_tests: Comparison | None = None
    region_categories: list[tuple[str, str]] = field(default_factory=list)
    regions: list[RegionRow] = field(default_factory=list)
    sees_everything: bool = True
    categories: list[tuple[str, str]] = field(default_factory=list)  # offered for the provider view
    category_name: str = ""
    providers: list[ProviderCategoryRow] = field(default_factory=list)
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def method_name(self) -> str:
        return str(METHODS[self.request.method])

    @property
    def readings(self) -> list[str]:
        """Plain-words readings of every pair that differs by more than chance, smallest p first."""
        pairs = [pair for tests in (self.composite_tests, self.satisfaction_tests) if tests
                 for pair in tests.pairs if pair.significant and pair.text]
        return [pair.text for pair in sorted(pairs, key=lambda pair: pair.adjusted)]

    @property
    def pages(self) -> int:
        return max(1, math.ceil(len(self.providers) / self.page_size))

    def page_links(self) -> list[int | None]:
        return page_numbers(self.page, self.pages)

    @property
    def page_providers(self) -> list[ProviderCategoryRow]:
        start = (self.page - 1) * self.page_size
        return self.providers[start:start + self.page_size]


# ------------------------------------------------------------------ the words


def p_text(pvalue: float) -> str:
    if pvalue < 0.001:
        return _("p < %(value)s", value=number(0.001, 3))
    return _("p = %(value)s", value=number(pvalue, 3))


def mid_sentence(name: str) -> str:
    """A category's name inside a sentence: "people with disabilities" (an acronym keeps its capitals)."""
    if len(name) > 1 and name[1].isupper():
        return name
    return name[:1].lower() + name[1:]


def _composite_reading(lower: str, higher: str, points: float, adjusted: float, method: str) -> str:
    return _("%(lower)s rate services %(points)s points lower than %(higher)s (%(p)s %(adjustment)s).",
             lower=lower, higher=mid_sentence(higher), points=number(points), p=p_text(adjusted),
             adjustment=ADJUSTED[method])


def _satisfaction_reading(lower: str, higher: str, points: float, adjusted: float, method: str) -> str:
    return _("Among %(lower)s, %(points)s percentage points fewer are satisfied than among %(higher)s "
             "(%(p)s %(adjustment)s).", lower=mid_sentence(lower), higher=mid_sentence(higher),
             points=number(points, 0), p=p_text(adjusted), adjustment=ADJUSTED[method])


# ------------------------------------------------------------------ the tests


def _finite(value) -> float | None:
    return float(value) if value is not None and np.isfinite(value) else None


def compare_categories(rows: list[CategoryScores], measure: str, method: str) -> Comparison:
    """The overall test and the adjusted pairwise tests over the categories shown, from their n, mean
    and sd (quality index) or counts (share satisfied) — ``analysis.subgroups`` on the page's rows."""
    if measure == COMPOSITE:
        usable = [row for row in rows if row.composite is not None and row.composite.shown
                  and row.composite.nobs >= 2 and row.composite_sd is not None and row.composite_sd > 0]
        shown = [row for row in rows if row.composite is not None and row.composite.shown]
    else:
        usable = [row for row in rows if row.satisfaction is not None and row.satisfaction.shown
                  and row.satisfied is not None and row.satisfaction.nobs > 0]
        shown = [row for row in rows if row.satisfaction is not None and row.satisfaction.shown]
    left_out = [row.name for row in shown if row not in usable]
    if len(usable) < 2:
        return Comparison(None, [], left_out)
    names = {row.key: row.name for row in usable}
    keys = [row.key for row in usable]
    nobs = np.array([row.composite.nobs if measure == COMPOSITE else row.satisfaction.nobs for row in usable],
                    dtype=float)
    if measure == COMPOSITE:
        means = np.array([row.composite.value for row in usable], dtype=float)
        sds = np.array([row.composite_sd for row in usable], dtype=float)
        result = welch_anova(nobs, means, sds)
        pairs = pairwise_welch(nobs, means, sds, labels=keys, alpha=ALPHA, method=method)
        overall = OverallTest("welch", result, tuple(names.values()), _overall_text("welch", result))
        scale = 1.0
    else:
        successes = np.array([row.satisfied for row in usable], dtype=float)
        pooled = successes.sum() / nobs.sum()
        overall = None
        if 0 < pooled < 1:
            result = chi2_proportions(successes, nobs)
            warning = _("Some expected counts are below 5, so this p-value is only approximate.") \
                if result.min_expected < 5 else None
            overall = OverallTest("chi2", result, tuple(names.values()), _overall_text("chi2", result), warning)
        pairs = pairwise_proportions(successes, nobs, labels=keys, alpha=ALPHA, method=method)
        scale = 100.0  # shares → percentage points
    tests = []
    for record in pairs.to_dict("records"):
        first, second = names[record["group_a"]], names[record["group_b"]]
        difference = float(record["diff"]) * scale
        adjusted = _finite(record["pvalue_adjusted"])
        text = None
        if adjusted is not None and adjusted < ALPHA:
            lower, higher = (first, second) if difference < 0 else (second, first)
            reading = _composite_reading if measure == COMPOSITE else _satisfaction_reading
            text = reading(lower, higher, abs(difference), adjusted, method)
        low, high = _finite(record["ci_low"]), _finite(record["ci_high"])
        tests.append(PairTest(first, second, difference, low * scale if low is not None else None,
                              high * scale if high is not None else None, _finite(record["pvalue"]), adjusted,
                              text))
    return Comparison(overall, tests, left_out)


def _overall_text(kind: str, result) -> str:
    if kind == "welch":
        details = _("Welch’s F = %(statistic)s with %(df1)s and %(df2)s degrees of freedom, %(p)s",
                    statistic=number(result.statistic, 2), df1=number(result.df_num, 0),
                    df2=number(result.df_denom, 1), p=p_text(result.pvalue))
        if result.pvalue < ALPHA:
            return _("The quality index differs between the categories by more than chance (%(details)s).",
                     details=details)
        return _("The differences in the quality index between the categories are within chance (%(details)s).",
                 details=details)
    details = _("chi-square = %(statistic)s with %(df)s degrees of freedom, %(p)s",
                statistic=number(result.statistic, 2), df=result.df, p=p_text(result.pvalue))
    if result.pvalue < ALPHA:
        return _("The share of satisfied recipients differs between the categories by more than chance "
                 "(%(details)s).", details=details)
    return _("The differences in the share of satisfied recipients between the categories are within chance "
             "(%(details)s).", details=details)


# ------------------------------------------------------------------ the page


def _categories(lang: str) -> dict[str, tuple[int, str]]:
    return {row.code: (row.position, row.name(lang)) for row in db.session.scalars(select(RecipientCategory))}


def _order(categories: dict[str, tuple[int, str]], key: str):
    position, name = categories.get(key, (10_000, key))
    return position, name.casefold()


def _successes(estimate: Estimate | None) -> int | None:
    if estimate is None or not estimate.shown:
        return None
    return int(round(estimate.value * estimate.nobs / 100))


def _national_rows(user: User, campaign: Campaign, categories) -> list[CategoryScores]:
    by_key: dict[str, dict] = {}
    for group in read.group_scores(user, campaign.id, "category", MEASURES):
        by_key.setdefault(group.group_key, {})[group.measure] = group
    rows = []
    for key in sorted(by_key, key=lambda key: _order(categories, key)):
        composite, satisfaction = by_key[key].get(COMPOSITE), by_key[key].get(SATISFACTION)
        rows.append(CategoryScores(
            key, categories.get(key, (0, key))[1], composite.estimate if composite else None,
            satisfaction.estimate if satisfaction else None, composite.sd if composite else None,
            _successes(satisfaction.estimate) if satisfaction else None))
    return rows


def _region_rows(pooled: list[read.RegionGroupView], area: str, categories) -> list[CategoryScores]:
    by_key: dict[str, dict] = {}
    for group in pooled:
        if group.region_code == area:
            by_key.setdefault(group.group_key, {})[group.measure] = group
    rows = []
    for key in sorted(by_key, key=lambda key: _order(categories, key)):
        composite, satisfaction = by_key[key].get(COMPOSITE), by_key[key].get(SATISFACTION)
        rows.append(CategoryScores(
            key, categories.get(key, (0, key))[1], composite.estimate if composite else None,
            satisfaction.estimate if satisfaction else None, composite.sd if composite else None,
            satisfaction.successes if satisfaction else None))
    return rows


def _overall(user: User, campaign: Campaign, area: str) -> tuple[Estimate | None, Estimate | None]:
    lens, key = ("national", None) if area == NATIONAL else ("region", area)
    found = {group.measure: group.estimate for group in read.group_scores(user, campaign.id, lens, MEASURES,
                                                                          group_key=key)}
    return found.get(COMPOSITE), found.get(SATISFACTION)


def _charts(lens: CategoryLens, lang: str) -> None:
    campaign, area = lens.campaign, lens.request.area
    composite = [row for row in lens.rows if row.composite is not None and row.composite.shown
                 and row.composite.low is not None and row.composite.high is not None]
    if composite:
        frame = pd.DataFrame({"group": [row.name for row in composite],
                              "mean": [row.composite.value for row in composite],
                              "ci_low": [row.composite.low for row in composite],
                              "ci_high": [row.composite.high for row in composite],
                              "nobs": [row.composite.nobs for row in composite]})
        reference = lens.overall_composite.value if lens.overall_composite is not None \
            and lens.overall_composite.shown else None
        lens.composite_chart = charts.groups_chart(f"categories-index-{campaign.id}-{area}", frame, lang,
                                                   reference=reference)
    satisfaction = [row for row in lens.rows if row.satisfaction is not None and row.satisfaction.shown
                    and row.satisfaction.low is not None and row.satisfaction.high is not None]
    if satisfaction:
        frame = pd.DataFrame({"group": [row.name for row in satisfaction],
                              "share": [row.satisfaction.value / 100 for row in satisfaction],
                              "ci_low": [row.satisfaction.low / 100 for row in satisfaction],
                              "ci_high": [row.satisfaction.high / 100 for row in satisfaction],
                              "nobs": [row.satisfaction.nobs for row in satisfaction]})
        reference = lens.overall_satisfaction.value / 100 if lens.overall_satisfaction is not None \
            and lens.overall_satisfaction.shown else None
        lens.satisfaction_chart = charts.groups_chart(f"categories-satisfied-{campaign.id}-{area}", frame, lang,
                                                      reference=reference)


def _by_region(lens: CategoryLens, pooled: list[read.RegionGroupView], categories, lang: str) -> None:
    names = {row.code: row.name(lang) for row in db.session.scalars(
        select(Region).where(Region.code.in_({group.region_code for group in pooled})))}
    cells: dict[str, dict[str, dict[str, Estimate]]] = {}
    for group in pooled:
        cells.setdefault(group.region_code, {}).setdefault(group.group_key, {})[group.measure] = group.estimate
    present = sorted({group.group_key for group in pooled}, key=lambda key: _order(categories, key))
    lens.region_categories = [(key, categories.get(key, (0, key))[1]) for key in present]
    lens.regions = sorted(
        (RegionRow(code, names.get(code, code), {key: (measures.get(COMPOSITE), measures.get(SATISFACTION))
                                                  for key, measures in by_category.items()})
         for code, by_category in cells.items()), key=lambda row: row.name.casefold())
    country = lens.campaign.country
    lens.areas = [(NATIONAL, str(COUNTRY_NAMES.get(country, country)))] + [(row.code, row.name) for row in lens.regions]


def _across_providers(user: User, lens: CategoryLens, categories, lang: str) -> None:
    """Each provider's scores for one category (in the chosen region, if one is chosen)."""
    key = lens.request.category
    groups = read.group_scores(user, lens.campaign.id, "provider_category", MEASURES, group_key=key)
    by_provider: dict[int, dict[str, Estimate]] = {}
    for group in groups:
        by_provider.setdefault(group.provider_id, {})[group.measure] = group.estimate
    if not by_provider:
        return
    lens.category_name = categories.get(key, (0, key))[1]
    rows = db.session.execute(
        select(Provider.id, Provider.name, Region).join(Region, Provider.region_id == Region.id)
        .where(Provider.id.in_(list(by_provider)))).all()
    providers = []
    for provider_id, name, region in rows:
        top = region.parent or region
        if lens.request.area != NATIONAL and top.code != lens.request.area:
            continue
        label = f"{region.name(lang)}, {top.name(lang)}" if region.parent_id else region.name(lang)
        measures = by_provider[provider_id]
        providers.append(ProviderCategoryRow(provider_id, name, label, measures.get(COMPOSITE),
                                             measures.get(SATISFACTION)))

    def order(row: ProviderCategoryRow):
        value = row.composite.value if row.composite is not None and row.composite.shown else None
        return (row.suppressed, value is None, -(value or 0.0), row.name.casefold())

    lens.providers = sorted(providers, key=order)
    lens.page = min(lens.request.page, lens.pages)


def category_lens(user: User, request: LensRequest, lang: str) -> CategoryLens:
    """The category lens the request asks for (``NotFound`` for a wave outside the scope)."""
    campaigns, campaign = pick_campaign(user, request.campaign_id)
    lens = CategoryLens(campaigns, campaign, request, sees_everything=user.role in ("admin", "evaluator"))
    if campaign is None:
        return lens
    categories = _categories(lang)
    pooled = read.groups_by_region(user, campaign.id, "provider_category", MEASURES)
    _by_region(lens, pooled, categories, lang)
    area = request.area if any(code == request.area for code, _name in lens.areas) else NATIONAL
    lens.area_name = dict(lens.areas)[area]
    lens.rows = _national_rows(user, campaign, categories) if area == NATIONAL \
        else _region_rows(pooled, area, categories)
    offered = [(row.key, row.name) for row in lens.rows] or lens.region_categories
    lens.categories = offered
    category = request.category if any(key == request.category for key, _name in offered) \
        else (offered[0][0] if offered else "")
    lens.request = request = LensRequest(campaign.id, area, request.method, category, request.page)
    lens.overall_composite, lens.overall_satisfaction = _overall(user, campaign, area)
    lens.composite_tests = compare_categories(lens.rows, COMPOSITE, request.method)
    lens.satisfaction_tests = compare_categories(lens.rows, SATISFACTION, request.method)
    _charts(lens, lang)
    if category:
        _across_providers(user, lens, categories, lang)
    return lens
