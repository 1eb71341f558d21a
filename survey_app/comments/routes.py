"""Comment and safeguarding pages (thin views: parse, check access, call a service, render)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_login import current_user

from survey_app.access import SAFEGUARDING_ROLES, can_see_provider, roles_required
from survey_app.comments import bp
from survey_app.comments.forms import AcknowledgeForm, CommentFilterForm
from survey_app.comments.services import (
    COMMENT_ROLES,
    STATUS_LABELS,
    AlreadyAcknowledged,
    CommentFilters,
    acknowledge,
    alert_for,
    alert_view,
    alerts_page,
    all_comments,
    comments_page,
    open_alert_count,
)
from survey_app.i18n import select_locale
from survey_app.models.base import today

# A cell starting with one of these is a formula to a spreadsheet: a comment must never run as one.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _filter_form() -> CommentFilterForm:
    return CommentFilterForm(formdata=request.args).offer(current_user, select_locale())


def _page_number() -> int:
    return max(1, request.args.get("page", 1, type=int) or 1)


@bp.get("/")
@roles_required(*COMMENT_ROLES)
def index():
    form = _filter_form()
    valid = form.validate()
    filters = form.filters() if valid else CommentFilters()
    page = comments_page(current_user, filters, select_locale(), _page_number()) if valid else None
    arguments = {key: value for key, value in request.args.items() if key not in ("page", "lang") and value}
    return render_template("comments/index.html", form=form, page=page, arguments=arguments,
                           open_alerts=open_alert_count(current_user))


@bp.get("/comments.csv")
@roles_required(*COMMENT_ROLES)
def export():
    form = _filter_form()
    if not form.validate():
        return redirect(url_for("comments.index", **request.args.to_dict()))
    headers = {"Content-Disposition": f'attachment; filename="sapa-comments-{today():%Y%m%d}.csv"',
               "Cache-Control": "no-store"}
    return Response(stream_with_context(_csv(form.filters())), mimetype="text/csv", headers=headers)


def _cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(filters: CommentFilters) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    safeguarding = current_user.role in SAFEGUARDING_ROLES
    header = [_("Date"), _("Campaign"), _("Provider"), _("Question"), _("Language"), _("Comment")]
    writer.writerow(header + ([_("Safeguarding alert")] if safeguarding else []))
    yield "\ufeff".encode() + _drain(buffer)  # the byte order mark: Excel then reads UTF-8
    for number, comment in enumerate(all_comments(current_user, filters, select_locale()), start=1):
        row = [comment.submitted_on.isoformat(), _cell(comment.campaign_name), _cell(comment.provider_name),
               _cell(comment.question), comment.language, _cell(comment.text)]
        writer.writerow(row + ([_("yes") if comment.alert_id else ""] if safeguarding else []))
        if number % 500 == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data


@bp.get("/providers/<int:provider_id>")
@roles_required(*COMMENT_ROLES)
def provider(provider_id: int):
    """One provider's comments (the scorecard links here): the list, filtered to that provider."""
    if not can_see_provider(current_user, provider_id):
        abort(404)
    return redirect(url_for("comments.index", provider=provider_id))


@bp.get("/alerts/")
@roles_required(*SAFEGUARDING_ROLES)
def alerts():
    status = request.args.get("status", "open")
    if status not in ("open", "acknowledged", "all"):
        status = "open"
    page = alerts_page(current_user, status, _page_number())
    return render_template("comments/alerts.html", page=page, status=status, status_labels=STATUS_LABELS)


@bp.get("/alerts/<int:alert_id>")
@roles_required(*SAFEGUARDING_ROLES)
def alert(alert_id: int):
    found = alert_for(current_user, alert_id)
    if found is None:
        abort(404)
    return render_template("comments/alert.html", view=alert_view(current_user, found, select_locale()),
                           form=AcknowledgeForm(), status_labels=STATUS_LABELS)


@bp.post("/alerts/<int:alert_id>")
@roles_required(*SAFEGUARDING_ROLES)
def acknowledge_alert(alert_id: int):
    found = alert_for(current_user, alert_id)
    if found is None:
        abort(404)
    form = AcknowledgeForm()
    if not form.validate():
        return render_template("comments/alert.html", view=alert_view(current_user, found, select_locale()),
                               form=form, status_labels=STATUS_LABELS), 422
    try:
        acknowledge(current_user, found, form.note.data)
    except AlreadyAcknowledged:
        flash(_("Someone acknowledged this alert already; their note is shown below."), "error")
    else:
        flash(_("Alert acknowledged; your note is saved with it."), "success")
    return redirect(url_for("comments.alert", alert_id=alert_id))
