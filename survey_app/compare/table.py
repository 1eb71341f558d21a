"""The provider comparison table: every provider in the user's scope in one wave, filtered, sorted, paged.

Scores come only from ``survey_app.scores.read`` (scope and the small-number rule are applied there);
the page, its CSV and XLSX files and the API's provider list all use :func:`provider_table`, so they
hold the same rows in the same order. Rows whose quality index rests on fewer than the minimum number
of responses (below administrator) carry no figure at all and always sort last.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from threading import Lock

from babel.numbers import get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import aliased
from werkzeug.datastructures import MultiDict

from survey_app.access import provider_filter
from survey_app.extensions import db
from survey_app.models import Campaign, CampaignProvider, Contract, Funder, Provider, Region, User
from survey_app.models.providers import (
    ORGANISATION_FORMS,
    SETTINGS,
    ServiceStandard,
    ServiceType,
    provider_service,
    provider_standard,
)
from survey_app.scores import read
from survey_app.scores.read import Estimate, ProviderFilters, ProviderScoreView
from survey_app.staff.services import COMPARISON_LABELS, ORG_FORM_LABELS, SETTING_LABELS

COMPARE_ROLES = ("admin", "evaluator", "monitor", "provider_manager")
COMPOSITE = "composite"
PAGE_SIZE = 50
SEARCH_LIMIT = 100  # characters of a name search


class NotFound(Exception):
    """A wave (or another object named in the request) that does not exist or is outside the scope."""


@dataclass(frozen=True)
class Column:
    key: str
    label: object  # lazy translated text
    numeric: bool  # numbers sort from the highest first at the first click


COLUMNS = (
    Column("name", _l("Provider"), False),
    Column("region", _l("Region"), False),
    Column("setting", _l("Setting"), False),
    Column("org_form", _l("Form"), False),
    Column("n", _l("Responses"), True),
    Column("raw", _l("Quality index"), True),
    Column("adjusted", _l("Adjusted"), True),
    Column("shrunken", _l("Stabilised"), True),
    Column("satisfaction", _l("Satisfied"), True),
    Column("nps", _l("NPS"), True),
    Column("comparison", _l("Comparison"), True),
    Column("grade", _l("Grade"), True),
    Column("reliability", _l("Reliability"), True),
)
COLUMN_KEYS = tuple(column.key for column in COLUMNS)
COMPARISON_ORDER = {"below": 0, "as_expected": 1, "above": 2}
# The table's short words for the comparison with the mean (the scorecard says it at length).
COMPARISON_WORDS = {"above": _l("Above"), "as_expected": _l("As expected"), "below": _l("Below")}
FILTER_NAMES = ("region", "setting", "org_form", "service_type", "standard", "funder")


# ------------------------------------------------------------------ the request


@dataclass(frozen=True)
class TableRequest:
    """What the page's GET form and its header links ask for (every part optional)."""

    campaign_id: int | None = None
    region: str = ""
    setting: str = ""
    org_form: str = ""
    service_type: str = ""
    standard: str = ""
    funder: str = ""
    search: str = ""
    sort: str = "name"
    descending: bool = False
    page: int = 1
    measure: str = COMPOSITE  # the API may ask for another (a dimension, satisfaction, NPS)

    @classmethod
    def from_args(cls, args: MultiDict) -> TableRequest:
        sort = args.get("sort", "name")
        if sort not in COLUMN_KEYS:
            sort = "name"
        order = args.get("order")
        numeric = next(column.numeric for column in COLUMNS if column.key == sort)
        descending = order == "desc" if order in ("asc", "desc") else numeric
        page = args.get("page", 1, type=int) or 1
        return cls(
            campaign_id=args.get("campaign", type=int),
            **{name: (args.get(name) or "").strip()[:80] for name in FILTER_NAMES},
            search=(args.get("q") or "").strip()[:SEARCH_LIMIT],
            sort=sort, descending=descending, page=max(1, page),
        )

    def filters(self) -> ProviderFilters:
        return ProviderFilters(region_code=self.region or None, setting=self.setting or None,
                               org_form=self.org_form or None, service_type=self.service_type or None,
                               standard=self.standard or None, funder_code=self.funder or None,
                               search=self.search or None)

    @property
    def filtered(self) -> bool:
        return any(getattr(self, name) for name in FILTER_NAMES) or bool(self.search)

    def arguments(self, **changes) -> dict:
        """Query arguments for a link to this table with some parts changed (defaults left out)."""
        chosen = replace(self, **changes)
        arguments = {"campaign": chosen.campaign_id, **{name: getattr(chosen, name) for name in FILTER_NAMES},
                     "q": chosen.search}
        if chosen.sort != "name" or chosen.descending:
            arguments["sort"] = chosen.sort
            arguments["order"] = "desc" if chosen.descending else "asc"
        if chosen.page > 1:
            arguments["page"] = chosen.page
        return {key: value for key, value in arguments.items() if value not in (None, "")}

    def sort_link(self, key: str) -> dict:
        """The header link of a column: the other direction when it is the sorted one, else its first."""
        numeric = next(column.numeric for column in COLUMNS if column.key == key)
        descending = not self.descending if key == self.sort else numeric
        return self.arguments(sort=key, descending=descending, page=1)

    def aria_sort(self, key: str) -> str | None:
        if key != self.sort:
            return None
        return "descending" if self.descending else "ascending"


# ------------------------------------------------------------------ filter choices


@dataclass(frozen=True)
class FilterChoices:
    """What each filter offers: only values found among the providers in scope in this wave."""

    region: list[tuple[str, str]] = field(default_factory=list)
    setting: list[tuple[str, str]] = field(default_factory=list)
    org_form: list[tuple[str, str]] = field(default_factory=list)
    service_type: list[tuple[str, str]] = field(default_factory=list)
    standard: list[tuple[str, str]] = field(default_factory=list)
    funder: list[tuple[str, str]] = field(default_factory=list)

    def offers(self, name: str, code: str) -> bool:
        return any(code == offered for offered, _label in getattr(self, name))


def _in_scope(user: User, campaign: Campaign):
    return select(CampaignProvider.provider_id).where(
        CampaignProvider.campaign_id == campaign.id, provider_filter(user, CampaignProvider.provider_id))


# Choices change only when providers, their services or contracts change: each worker keeps them for
# a minute per user, wave and language rather than running six queries on every page of the table.
CHOICES_SECONDS = 60
_choices: OrderedDict[tuple, tuple[float, FilterChoices]] = OrderedDict()
_choices_lock = Lock()


def filter_choices(user: User, campaign: Campaign, lang: str) -> FilterChoices:
    key = (user.id, user.role, campaign.id, lang)
    now = time.monotonic()
    with _choices_lock:
        cached = _choices.get(key)
        if cached is not None and now - cached[0] < CHOICES_SECONDS:
            return cached[1]
    choices = _filter_choices(user, campaign, lang)
    with _choices_lock:
        _choices[key] = (now, choices)
        _choices.move_to_end(key)
        while len(_choices) > 256:
            _choices.popitem(last=False)
    return choices


def _filter_choices(user: User, campaign: Campaign, lang: str) -> FilterChoices:
    providers = _in_scope(user, campaign).scalar_subquery()
    parent = aliased(Region)
    top = func.coalesce(parent.id, Region.id)
    top_ids = select(top).select_from(Provider).join(Region, Provider.region_id == Region.id).outerjoin(
        parent, Region.parent_id == parent.id).where(Provider.id.in_(providers)).distinct()
    regions = sorted(((row.code, row.name(lang)) for row in db.session.scalars(
        select(Region).where(Region.id.in_(top_ids)))), key=lambda pair: pair[1].casefold())
    present = db.session.execute(
        select(Provider.setting, Provider.org_form).where(Provider.id.in_(providers)).distinct()).all()
    settings = {setting for setting, _form in present}
    forms = {form for _setting, form in present}
    service_types = db.session.scalars(
        select(ServiceType).where(ServiceType.id.in_(select(provider_service.c.service_type_id).where(
            provider_service.c.provider_id.in_(providers)))).order_by(ServiceType.position, ServiceType.code))
    standards = db.session.scalars(
        select(ServiceStandard).where(ServiceStandard.id.in_(select(provider_standard.c.service_standard_id).where(
            provider_standard.c.provider_id.in_(providers)))).order_by(ServiceStandard.position,
                                                                         ServiceStandard.code))
    funders = db.session.scalars(select(Funder).where(Funder.id.in_(
        select(Contract.funder_id).where(Contract.provider_id.in_(providers)))))
    return FilterChoices(
        region=regions,
        setting=[(code, str(SETTING_LABELS[code])) for code in SETTINGS if code in settings],
        org_form=[(code, str(ORG_FORM_LABELS[code])) for code in ORGANISATION_FORMS if code in forms],
        service_type=[(row.code, row.name(lang)) for row in service_types],
        standard=[(row.code, row.name(lang)) for row in standards],
        funder=sorted(((row.code, row.name(lang)) for row in funders), key=lambda pair: pair[1].casefold()),
    )


# ------------------------------------------------------------------ numbers on the page


class NumberFormat:
    """Numbers the reader's way (decimal comma, thin group separator in kk/ru/uk), like the staff pages'
    ``number`` but with the locale's symbols looked up once: a page of the table has hundreds of cells."""

    def __init__(self, lang: str) -> None:
        self.decimal = get_decimal_symbol(lang)
        self.group = get_group_symbol(lang)
        self.minus = get_minus_sign_symbol(lang)

    def __call__(self, value: float | None, digits: int = 1) -> str:
        if value is None or not math.isfinite(value):
            return "—"
        text = f"{abs(value):,.{digits}f}".replace(",", "\0").replace(".", self.decimal).replace("\0", self.group)
        return self.minus + text if round(value, digits) < 0 else text


@dataclass(frozen=True)
class ShownScore:
    """One score cell as text: ``state`` is "shown", "missing" or "suppressed"."""

    state: str
    value: str = ""
    interval: str = ""


def shown_score(estimate: Estimate | None, numbers: NumberFormat, digits: int = 1, unit: str = "") -> ShownScore:
    if estimate is None or (estimate.value is None and not estimate.suppressed):
        return ShownScore("missing")
    if estimate.suppressed:
        return ShownScore("suppressed")
    interval = f"{numbers(estimate.low, digits)}–{numbers(estimate.high, digits)}" \
        if estimate.low is not None and estimate.high is not None else ""
    return ShownScore("shown", numbers(estimate.value, digits) + unit, interval)


@dataclass(frozen=True)
class ShownRow:
    """A row of the page with its cells as text (built for the rows of one page only)."""

    row: TableRow
    nobs: str
    raw: ShownScore
    adjusted: ShownScore
    shrunken: ShownScore
    satisfaction: ShownScore
    nps: ShownScore
    comparison: str | None  # above, as_expected, below
    comparison_label: str | None
    comparison_title: str | None
    grade: str
    reliability: str


def shown_rows(rows: list[TableRow], lang: str) -> list[ShownRow]:
    numbers = NumberFormat(lang)
    shown = []
    for row in rows:
        view = row.score
        shown.append(ShownRow(
            row, numbers(view.raw.nobs, 0), shown_score(view.raw, numbers), shown_score(view.adjusted, numbers),
            shown_score(view.shrunken, numbers), shown_score(row.satisfaction, numbers, 0, "%"),
            shown_score(row.nps, numbers, 0), view.comparison, row.comparison_label, row.comparison_title,
            _("%(grade)s of %(top)s", grade=view.grade, top=5) if view.grade else "—",
            numbers(view.reliability, 2) if view.reliability is not None else "—"))
    return shown


# ------------------------------------------------------------------ the rows


class TableRow:
    """A provider of the table: names and labels in the reader's language; its estimates (``score``,
    ``satisfaction``, ``nps``) are built from the stored values only when a page or a file shows them."""

    __slots__ = ("found", "region", "setting_label", "org_form_label", "sort_name")

    def __init__(self, found: read.ProviderTableRow, region: str, setting_label: str, org_form_label: str) -> None:
        self.found = found
        self.region = region
        self.setting_label = setting_label
        self.org_form_label = org_form_label
        self.sort_name = found.name.casefold()

    provider_id = property(lambda self: self.found.provider_id)
    code = property(lambda self: self.found.code)
    name = property(lambda self: self.found.name)
    setting = property(lambda self: self.found.setting)
    org_form = property(lambda self: self.found.org_form)

    @property
    def suppressed(self) -> bool:
        return self.found.hidden

    @property
    def nobs(self) -> int:
        return self.found.nobs

    @property
    def score(self) -> ProviderScoreView:
        """The measure of the table (the quality index on the page)."""
        return self.found.view

    @property
    def satisfaction(self) -> Estimate | None:
        return self.found.others.get("satisfaction")

    @property
    def nps(self) -> Estimate | None:
        return self.found.others.get("nps")

    @property
    def comparison_label(self) -> str | None:
        comparison = self.found.figure("comparison")
        return str(COMPARISON_WORDS[comparison]) if comparison in COMPARISON_WORDS else None

    @property
    def comparison_title(self) -> str | None:
        comparison = self.found.figure("comparison")
        return str(COMPARISON_LABELS[comparison]) if comparison in COMPARISON_LABELS else None


@dataclass
class ProviderTable:
    campaigns: list[Campaign]
    campaign: Campaign | None
    request: TableRequest
    choices: FilterChoices
    rows: list[TableRow]  # every row, filtered and sorted (the files hold all of them)
    page: int = 1
    page_size: int = PAGE_SIZE
    lang: str = "en"

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.page_size))

    @property
    def page_rows(self) -> list[TableRow]:
        start = (self.page - 1) * self.page_size
        return self.rows[start:start + self.page_size]

    @property
    def shown_page(self) -> list[ShownRow]:
        return shown_rows(self.page_rows, self.lang)

    @property
    def first(self) -> int:
        return (self.page - 1) * self.page_size + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return min(self.total, self.page * self.page_size)

    @property
    def suppressed(self) -> int:
        return sum(row.suppressed for row in self.rows)

    def page_links(self) -> list[int | None]:
        return page_numbers(self.page, self.pages)


def page_numbers(page: int, pages: int, around: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last and a few around the current one (None: a gap)."""
    shown = sorted({1, pages, *range(max(1, page - around), min(pages, page + around) + 1)})
    links: list[int | None] = []
    for number in shown:
        if links and number - (links[-1] or 0) > 1:
            links.append(None)
        links.append(number)
    return links


def pick_campaign(user: User, campaign_id: int | None) -> tuple[list[Campaign], Campaign | None]:
    """The waves with scores in the user's scope (newest first) and the one asked for, or the newest.

    Raises ``NotFound`` for a wave that does not exist or has no scores the user may see.
    """
    campaigns = read.campaigns_with_scores(user)
    if campaign_id is None:
        return campaigns, campaigns[0] if campaigns else None
    chosen = next((campaign for campaign in campaigns if campaign.id == campaign_id), None)
    if chosen is None:
        raise NotFound
    return campaigns, chosen


def _region_label(region, lang: str) -> str:
    return f"{region.name(lang)}, {region.parent.name(lang)}" if region.parent_id else region.name(lang)


def table_rows(user: User, campaign: Campaign, filters: ProviderFilters, lang: str,
               measure: str = COMPOSITE) -> list[TableRow]:
    """One row per provider in scope with a score of ``measure`` in this wave, in no particular order."""
    regions: dict[int, str] = {}
    settings = {code: str(label) for code, label in SETTING_LABELS.items()}
    forms = {code: str(label) for code, label in ORG_FORM_LABELS.items()}
    rows = []
    for found in read.provider_table(user, campaign.id, measure, ("satisfaction", "nps"), filters):
        region = found.region
        label = regions.get(region.id)
        if label is None:
            label = regions[region.id] = _region_label(region, lang)
        rows.append(TableRow(found, label, settings.get(found.setting, found.setting),
                             forms.get(found.org_form, found.org_form)))
    return rows


# Sort keys read the stored values (None when hidden), so sorting 2,000 rows builds no estimates.
_FIGURES = {"raw": "mean", "adjusted": "adjusted", "shrunken": "shrunken", "grade": "grade",
            "reliability": "reliability"}


def _sort_value(row: TableRow, key: str):
    if key == "n":
        return row.found.nobs
    if key in _FIGURES:
        return row.found.figure(_FIGURES[key])
    if key in ("satisfaction", "nps"):
        return row.found.other(key)
    if key == "comparison":
        return COMPARISON_ORDER.get(row.found.figure("comparison"))
    if key == "region":
        return row.region.casefold()
    if key == "setting":
        return row.setting_label.casefold()
    if key == "org_form":
        return row.org_form_label.casefold()
    return row.sort_name


def sorted_rows(rows: list[TableRow], key: str, descending: bool) -> list[TableRow]:
    """Rows by one column; rows without a value next and rows with too few responses last, whatever
    the direction; ties (and the last two groups) by name."""
    by_name = sorted(rows, key=lambda row: (row.sort_name, row.provider_id))
    valued, missing, hidden = [], [], []
    for row in by_name:
        if row.suppressed:
            hidden.append(row)
            continue
        value = _sort_value(row, key)
        (missing if value is None else valued).append((value, row))
    # A stable sort: equal values keep the name order (Python keeps it with reverse=True too).
    valued.sort(key=lambda pair: pair[0], reverse=descending)
    return [row for _value, row in valued] + [row for _value, row in missing] + hidden


def provider_table(user: User, request: TableRequest, lang: str, page_size: int | None = None) -> ProviderTable:
    """The comparison table the request asks for (``NotFound`` for a wave outside the scope).

    A filter value that the choices do not offer (a stale link, a region outside the scope) is
    dropped rather than applied, so the form always shows what was applied.
    """
    campaigns, campaign = pick_campaign(user, request.campaign_id)
    if campaign is None:
        return ProviderTable(campaigns, None, request, FilterChoices(), [], lang=lang)
    choices = filter_choices(user, campaign, lang)
    kept = {name: getattr(request, name) if choices.offers(name, getattr(request, name)) else ""
            for name in FILTER_NAMES if getattr(request, name)}
    request = replace(request, campaign_id=campaign.id, **kept)
    rows = sorted_rows(table_rows(user, campaign, request.filters(), lang, request.measure), request.sort,
                       request.descending)
    table = ProviderTable(campaigns, campaign, request, choices, rows, page_size=page_size or PAGE_SIZE, lang=lang)
    table.page = min(request.page, table.pages)
    return table


def applied_filters(table: ProviderTable) -> list[tuple[str, str]]:
    """The filters applied, as (what, value) in the reader's language (for the files' notes)."""
    labels = {"region": _("Region"), "setting": _("Setting"), "org_form": _("Form"),
              "service_type": _("Service type"), "standard": _("Service standard"), "funder": _("Funder")}
    applied = []
    for name in FILTER_NAMES:
        code = getattr(table.request, name)
        if code:
            applied.append((labels[name], dict(getattr(table.choices, name)).get(code, code)))
    if table.request.search:
        applied.append((_("Name or code contains"), table.request.search))
    return applied
