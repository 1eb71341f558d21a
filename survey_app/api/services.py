"""What the API answers, as plain dicts ready for JSON: the comparison table's rows (the same service
as the page, ``survey_app.compare.table``), one provider's measures and group scores, all through
``survey_app.scores.read`` (scope and the small-number rule applied there)."""

from __future__ import annotations

import math
from dataclasses import replace

from flask import url_for
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from survey_app.access import can_see_provider
from survey_app.api.errors import ApiError
from survey_app.compare.table import (
    COLUMN_KEYS,
    FILTER_NAMES,
    NotFound,
    ProviderTable,
    TableRequest,
    TableRow,
    pick_campaign,
    provider_table,
)
from survey_app.exports.services import MODE_LABELS
from survey_app.extensions import db
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.models import Campaign, Dimension, Provider, RecipientCategory, Region, User
from survey_app.models.providers import ServiceStandard, ServiceType
from survey_app.models.scores import LENSES
from survey_app.scores import read
from survey_app.scores.read import Estimate, ProviderScoreView
from survey_app.staff.services import COMPARISON_LABELS, ORG_FORM_LABELS, SETTING_LABELS

PLAIN_MEASURES = ("composite", "satisfaction", "nps")
DEFAULT_PER_PAGE = 100
MAX_PER_PAGE = 1000


# ------------------------------------------------------------------ parameters


def integer(args: MultiDict, name: str, default: int | None = None, low: int = 1, high: int | None = None):
    text = args.get(name)
    if text in (None, ""):
        return default
    try:
        value = int(text)
    except ValueError:
        raise ApiError(400, _("%(name)s must be a whole number.", name=name)) from None
    if value < low or (high is not None and value > high):
        raise ApiError(400, _("%(name)s must be between %(low)s and %(high)s.", name=name, low=low,
                              high=high if high is not None else "∞"))
    return value


def measure(args: MultiDict) -> str:
    chosen = args.get("measure") or "composite"
    if chosen in PLAIN_MEASURES:
        return chosen
    if chosen.startswith("dimension:") and db.session.scalar(
            select(Dimension.id).where(Dimension.code == chosen.split(":", 1)[1]).limit(1)) is not None:
        return chosen
    raise ApiError(400, _("Unknown measure %(measure)s: use composite, satisfaction, nps or dimension:<code>.",
                          measure=chosen))


def campaign(user: User, args: MultiDict) -> Campaign | None:
    try:
        return pick_campaign(user, integer(args, "campaign"))[1]
    except NotFound:
        raise ApiError(404, _("There are no scores in your view for this wave.")) from None


# ------------------------------------------------------------------ shapes


def campaign_json(row: Campaign) -> dict:
    return {"id": row.id, "code": row.code, "name": row.name, "country": row.country, "wave": row.wave,
            "starts_on": row.starts_on.isoformat(), "ends_on": row.ends_on.isoformat()}


def estimate_json(estimate: Estimate | None, with_nobs: bool = True) -> dict | None:
    """A value with its interval; all null with ``suppressed`` when the small-number rule hides it."""
    if estimate is None:
        return None
    shown = not estimate.suppressed
    answer = {"value": _finite(estimate.value) if shown else None, "low": _finite(estimate.low) if shown else None,
              "high": _finite(estimate.high) if shown else None, "suppressed": estimate.suppressed}
    if with_nobs:
        answer["nobs"] = estimate.nobs if shown else None
    return answer


def _finite(value) -> float | None:
    return float(value) if value is not None and math.isfinite(value) else None


def _labelled(code: str, labels: dict) -> dict:
    return {"code": code, "name": str(labels[code]) if code in labels else code}


def score_json(view: ProviderScoreView) -> dict:
    hidden = view.suppressed
    return {
        "measure": view.measure,
        "suppressed": hidden,
        "nobs": None if hidden else view.raw.nobs,
        "raw": estimate_json(view.raw, with_nobs=False),
        "adjusted": estimate_json(view.adjusted, with_nobs=False),
        "shrunken": estimate_json(view.shrunken, with_nobs=False),
        "reliability": _finite(view.reliability),
        "comparison": view.comparison,
        "comparison_label": str(COMPARISON_LABELS[view.comparison]) if view.comparison in COMPARISON_LABELS
        else None,
        "grade": view.grade,
        "funnel_flag": view.funnel_flag,
    }


def row_json(row: TableRow, campaign_id: int) -> dict:
    region = row.score.region
    return {
        "id": row.provider_id,
        "code": row.code,
        "name": row.name,
        "region": {"code": region.code, "name": row.region},
        "setting": {"code": row.setting, "name": row.setting_label},
        "org_form": {"code": row.org_form, "name": row.org_form_label},
        **score_json(row.score),
        "satisfaction": estimate_json(row.satisfaction) if not row.suppressed else _hidden(row.satisfaction),
        "nps": estimate_json(row.nps) if not row.suppressed else _hidden(row.nps),
        "url": url_for("staff.provider", provider_id=row.provider_id, wave=campaign_id),
    }


def _hidden(estimate: Estimate | None) -> dict | None:
    """The row's other figures are hidden with its quality index (the page shows none of them)."""
    if estimate is None:
        return None
    return {"value": None, "low": None, "high": None, "suppressed": True, "nobs": None}


# ------------------------------------------------------------------ answers


def campaigns_answer(user: User) -> dict:
    return {"campaigns": [campaign_json(row) for row in read.campaigns_with_scores(user)]}


def providers_answer(user: User, args: MultiDict, lang: str) -> dict:
    sort = args.get("sort", "name")
    if sort not in COLUMN_KEYS:
        raise ApiError(400, _("Unknown sort %(sort)s: use one of %(columns)s.", sort=sort,
                              columns=", ".join(COLUMN_KEYS)))
    if args.get("order") not in (None, "", "asc", "desc"):
        raise ApiError(400, _("order must be asc or desc."))
    per_page = integer(args, "per_page", DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
    integer(args, "campaign")
    integer(args, "page", 1)
    chosen = measure(args)
    request = replace(TableRequest.from_args(args), measure=chosen)
    try:
        table: ProviderTable = provider_table(user, request, lang, page_size=per_page)
    except NotFound:
        raise ApiError(404, _("There are no scores in your view for this wave.")) from None
    if table.campaign is None:
        return {"campaign": None, "measure": chosen, "total": 0, "page": 1, "pages": 1, "per_page": per_page,
                "minimum_responses": read.minimum_responses(), "filters": {}, "providers": []}
    applied = table.request
    return {
        "campaign": campaign_json(table.campaign),
        "measure": chosen,
        "sort": applied.sort,
        "order": "desc" if applied.descending else "asc",
        "filters": {name: getattr(applied, name) for name in FILTER_NAMES if getattr(applied, name)}
        | ({"q": applied.search} if applied.search else {}),
        "total": table.total,
        "page": table.page,
        "pages": table.pages,
        "per_page": per_page,
        "minimum_responses": read.minimum_responses(),
        "providers": [row_json(row, table.campaign.id) for row in table.page_rows],
    }


def provider_answer(user: User, provider_id: int, lang: str) -> dict:
    views = read.provider_measures(user, provider_id)
    if not views and not can_see_provider(user, provider_id):
        raise ApiError(404, _("There is no such provider in your view."))
    provider = db.session.get(Provider, provider_id)
    region = provider.region
    waves = {row.id: row for row in db.session.scalars(
        select(Campaign).where(Campaign.id.in_({view.campaign_id for view in views})))}
    by_wave: dict[int, dict[str, dict]] = {}
    for view in sorted(views, key=lambda view: view.measure):
        by_wave.setdefault(view.campaign_id, {})[view.measure] = score_json(view)
    ordered = sorted(by_wave, key=lambda wave: (waves[wave].starts_on, wave), reverse=True)
    return {
        "provider": {
            "id": provider.id, "code": provider.code, "name": provider.name,
            "region": {"code": region.code, "name": region.name(lang)},
            "setting": _labelled(provider.setting, SETTING_LABELS),
            "org_form": _labelled(provider.org_form, ORG_FORM_LABELS),
            "url": url_for("staff.provider", provider_id=provider.id),
        },
        "minimum_responses": read.minimum_responses(),
        "campaigns": [{"campaign": campaign_json(waves[wave]), "measures": by_wave[wave]} for wave in ordered],
    }


def group_names(lens: str, keys: set[str], lang: str) -> dict[str, str]:
    models = {"region": Region, "category": RecipientCategory, "provider_category": RecipientCategory,
              "service_type": ServiceType, "standard": ServiceStandard}
    if lens in models:
        model = models[lens]
        return {row.code: row.name(lang) for row in db.session.scalars(select(model).where(model.code.in_(keys)))}
    labels = {"setting": SETTING_LABELS, "org_form": ORG_FORM_LABELS, "language": LANGUAGE_NAMES,
              "mode": MODE_LABELS, "national": {"all": _("All recipients")}}.get(lens, {})
    return {key: str(labels[key]) for key in keys if key in labels}


def groups_answer(user: User, args: MultiDict, lang: str) -> dict:
    lens = args.get("lens") or "national"
    if lens not in LENSES:
        raise ApiError(400, _("Unknown lens %(lens)s: use one of %(lenses)s.", lens=lens, lenses=", ".join(LENSES)))
    chosen = measure(args)
    wave = campaign(user, args)
    if wave is None:
        return {"campaign": None, "lens": lens, "measure": chosen, "groups": []}
    groups = read.group_scores(user, wave.id, lens, (chosen,))
    names = group_names(lens, {group.group_key for group in groups}, lang)
    providers = {}
    if lens == "provider_category":
        providers = dict(db.session.execute(select(Provider.id, Provider.name).where(
            Provider.id.in_({group.provider_id for group in groups}))).all())
    return {
        "campaign": campaign_json(wave),
        "lens": lens,
        "measure": chosen,
        "minimum_responses": read.minimum_responses(),
        "groups": [
            {"key": group.group_key, "name": names.get(group.group_key, group.group_key),
             **({"provider": {"id": group.provider_id, "name": providers.get(group.provider_id)}}
                if lens == "provider_category" else {}),
             **estimate_json(group.estimate)}
            for group in groups
        ],
    }
