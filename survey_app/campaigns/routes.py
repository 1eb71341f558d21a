"""Campaign pages for staff (thin views: parse, check access, call a service, render or print).

Every provider is looked up through ``survey_app.access``: one outside the user's scope is a 404,
exactly like one that does not exist.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.access import roles_required
from survey_app.campaigns import bp
from survey_app.campaigns.codes import format_one_time_code
from survey_app.campaigns.forms import IssueCodesForm
from survey_app.campaigns.printing import Poster, poster_pdf, poster_svg, qr_svg, slips_pdf
from survey_app.campaigns.services import (
    batch_ids,
    batch_token,
    campaign_summaries,
    code_counts,
    codes_to_print,
    issue_codes,
    participants_page,
    response_count,
    visible_campaign,
    visible_participant,
)
from survey_app.campaigns.texts import printed_texts
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.models import Campaign, CampaignProvider
from survey_app.models.base import today

# Who may issue and print one-time codes (a provider manager for their own organisation only).
CODE_ROLES = ("admin", "monitor", "provider_manager")
# Who may start an assisted interview (the survey.assisted view checks the same).
ASSISTED_ROLES = ("social_worker", "provider_manager", "monitor", "admin")
# Campaigns whose providers are listed on the first page itself, when the user sees only a few.
INLINE_PROVIDERS = 5


@dataclass(frozen=True)
class WaysIn:
    short: str
    short_label: str  # as people type it: without "https://"
    kiosk: str
    assisted: str
    code_page: str
    code_page_label: str


def public_url(endpoint: str, **values) -> str:
    """An absolute address for print: ``SAPA_PUBLIC_URL`` when set, else the host of this request."""
    base = current_app.config.get("SAPA_PUBLIC_URL")
    if not base:
        return url_for(endpoint, _external=True, **values)
    path = url_for(endpoint, **values)
    if request.script_root and path.startswith(request.script_root):
        path = path[len(request.script_root):]
    return base.rstrip("/") + path


def typed_form(url: str) -> str:
    return url.removeprefix("https://")


def ways_in(participant: CampaignProvider) -> WaysIn:
    short = public_url("survey.start", link_code=participant.link_code)
    code_page = public_url("survey.code")
    return WaysIn(
        short=short,
        short_label=typed_form(short),
        kiosk=public_url("survey.kiosk", link_code=participant.link_code),
        assisted=public_url("survey.assisted", link_code=participant.link_code),
        code_page=code_page,
        code_page_label=typed_form(code_page),
    )


def may_issue(chosen: Campaign) -> bool:
    """Codes may be printed ahead of a campaign's start, not after its end."""
    return chosen.closed_at is None and today() <= chosen.ends_on


def campaign_state(chosen: Campaign, on: date) -> str:
    if chosen.closed_at is not None:
        return "closed"
    if on < chosen.starts_on:
        return "upcoming"
    return "open" if on <= chosen.ends_on else "ended"


def _participant_or_404(campaign_id: int, provider_id: int) -> CampaignProvider:
    participant = visible_participant(current_user, campaign_id, provider_id)
    if participant is None:
        abort(404)
    return participant


def _file(data: bytes, mimetype: str, filename: str, private: bool = False) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    if private:  # live one-time codes: not for a shared cache or the browser's disk
        response.headers["Cache-Control"] = "no-store"
    return response


def _file_stem(participant: CampaignProvider, kind: str) -> str:
    raw = f"sapa-{kind}-{participant.campaign.code}-{participant.provider.code}"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", raw)


def _print_context(participant: CampaignProvider):
    links = ways_in(participant)
    texts, missing = printed_texts(participant.campaign.default_language, links.code_page_label)
    return links, texts, missing


@bp.context_processor
def campaign_helpers():
    return {"ways_in": ways_in, "campaign_state": campaign_state, "today": today(),
            "may_assist": getattr(current_user, "role", None) in ASSISTED_ROLES}


# ------------------------------------------------------------------ pages

@bp.get("/")
def index():
    summaries = campaign_summaries(current_user)
    inline = {
        summary.campaign.id: participants_page(current_user, summary.campaign, per_page=INLINE_PROVIDERS)
        for summary in summaries if summary.providers <= INLINE_PROVIDERS
    }
    return render_template("campaigns/index.html", summaries=summaries, inline=inline)


@bp.get("/<int:campaign_id>/")
def campaign(campaign_id: int):
    chosen = visible_campaign(current_user, campaign_id)
    if chosen is None:
        abort(404)
    search = (request.args.get("q") or "")[:100]
    page = participants_page(current_user, chosen, request.args.get("page", 1, type=int), search)
    return render_template("campaigns/campaign.html", campaign=chosen, page=page, search=search)


@bp.get("/<int:campaign_id>/providers/<int:provider_id>/")
def participant(campaign_id: int, provider_id: int):
    found = _participant_or_404(campaign_id, provider_id)
    form = IssueCodesForm(found.campaign, today()) if current_user.role in CODE_ROLES and may_issue(
        found.campaign) else None
    return _participant_page(found, form)


def _participant_page(found: CampaignProvider, form: IssueCodesForm | None, status: int = 200):
    on = today()
    links, _texts, missing = _print_context(found)
    counts, batches = code_counts(found, on)
    batch = request.args.get("batch", "")
    new_codes = len(codes_to_print(found, on, ids=batch_ids(batch))) if _valid_batch(batch) else 0
    return render_template(
        "campaigns/participant.html", participant=found, campaign=found.campaign, provider=found.provider,
        links=links, missing=[LANGUAGE_NAMES[language] for language in missing], responses=response_count(found),
        counts=counts, batches=batches, form=form, batch=batch if new_codes else "", new_codes=new_codes,
        may_print_codes=current_user.role in CODE_ROLES,
    ), status


def _valid_batch(token: str) -> bool:
    try:
        batch_ids(token)
    except ValueError:
        return False
    return True


@bp.post("/<int:campaign_id>/providers/<int:provider_id>/codes")
@roles_required(*CODE_ROLES)
def issue(campaign_id: int, provider_id: int):
    found = _participant_or_404(campaign_id, provider_id)
    form = IssueCodesForm(found.campaign, today())
    if not may_issue(found.campaign):
        form.form_errors.append(_("This campaign has ended, so no more codes can be issued for it."))
        return _participant_page(found, form, 422)
    if not form.validate_on_submit():
        return _participant_page(found, form, 422)
    codes = issue_codes(found, form.count.data, form.expires_on.data)
    flash(ngettext("%(num)d code issued. Print the slips below.", "%(num)d codes issued. Print the slips below.",
                   len(codes)), "success")
    return redirect(url_for("campaigns.participant", campaign_id=campaign_id, provider_id=provider_id,
                            batch=batch_token(codes), _anchor="slips"))


# ------------------------------------------------------------------ printed material

@bp.get("/<int:campaign_id>/providers/<int:provider_id>/qr.svg")
def qr(campaign_id: int, provider_id: int):
    found = _participant_or_404(campaign_id, provider_id)
    links = ways_in(found)
    return _file(qr_svg(links.short), "image/svg+xml", _file_stem(found, "qr") + ".svg")


def _poster(found: CampaignProvider) -> tuple[Poster, str]:
    links, texts, _missing = _print_context(found)
    poster = Poster(provider_name=found.provider.name, short_url=links.short, short_url_label=links.short_label,
                    texts=texts)
    return poster, f"Sapa · {found.provider.name}"


@bp.get("/<int:campaign_id>/providers/<int:provider_id>/poster.svg")
def poster_as_svg(campaign_id: int, provider_id: int):
    found = _participant_or_404(campaign_id, provider_id)
    poster, title = _poster(found)
    return _file(poster_svg(poster, title), "image/svg+xml", _file_stem(found, "poster") + ".svg")


@bp.get("/<int:campaign_id>/providers/<int:provider_id>/poster.pdf")
def poster_as_pdf(campaign_id: int, provider_id: int):
    found = _participant_or_404(campaign_id, provider_id)
    poster, title = _poster(found)
    return _file(poster_pdf(poster, title), "application/pdf", _file_stem(found, "poster") + ".pdf")


@bp.get("/<int:campaign_id>/providers/<int:provider_id>/slips.pdf")
@roles_required(*CODE_ROLES)
def slips(campaign_id: int, provider_id: int):
    """Slips for a batch just issued (``?batch=``) or for the unused codes of one day (``?issued=``)."""
    found = _participant_or_404(campaign_id, provider_id)
    on = today()
    try:
        if "batch" in request.args:
            codes = codes_to_print(found, on, ids=batch_ids(request.args["batch"]))
        elif "issued" in request.args:
            codes = codes_to_print(found, on, issued_on=_date(request.args["issued"]))
        else:
            abort(400)
    except ValueError:
        abort(400)
    if not codes:
        abort(404)
    links, texts, _missing = _print_context(found)
    title = _("Sapa · one-time codes · %(date)s", date=format_date(on))
    data = slips_pdf([format_one_time_code(code) for code in codes], links.code_page_label, texts, title)
    return _file(data, "application/pdf", _file_stem(found, "slips") + ".pdf", private=True)


def _date(text: str) -> date:
    return date.fromisoformat(text[:10])
