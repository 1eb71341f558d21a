"""Data export pages (thin views: parse the form, check access, plan the export, stream the file)."""

from __future__ import annotations

import re

from flask import Response, redirect, render_template, request, stream_with_context, url_for
from flask_login import current_user

from survey_app.access import roles_required
from survey_app.exports import bp
from survey_app.exports.formats import MIMETYPES, csv_chunks, export_to_temporary_file
from survey_app.exports.forms import ExportForm
from survey_app.exports.services import EXPORT_ROLES, ExportPlan, ExportRefused, export_notes, plan_export
from survey_app.i18n import select_locale
from survey_app.models.base import today


def _form() -> ExportForm:
    return ExportForm(formdata=request.args).offer(current_user, select_locale())


def _plan(form: ExportForm) -> ExportPlan:
    return plan_export(current_user, form.filters(), form.labels.data, form.file_format.data)


@bp.get("/")
@roles_required(*EXPORT_ROLES)
def index():
    form = _form()
    plan, problems = None, []
    # The form was sent when it carries a format (the radio group always sends one).
    if "file_format" in request.args and form.validate():
        try:
            plan = _plan(form)
        except ExportRefused as refusal:
            problems.append(str(refusal))
    return render_template(
        "exports/index.html", form=form, plan=plan, problems=problems,
        notes=export_notes(plan) if plan else [],
        download_url=url_for("exports.download", **request.args.to_dict()) if plan else None,
        administrator=current_user.role == "admin",
    )


@bp.get("/download")
@roles_required(*EXPORT_ROLES)
def download():
    form = _form()
    if not form.validate():
        return redirect(url_for("exports.index", **request.args.to_dict()))
    try:
        plan = _plan(form)
    except ExportRefused:
        # The page plans the same export again and says what to change.
        return redirect(url_for("exports.index", **request.args.to_dict()))
    return _file_response(plan)


def _file_name(plan: ExportPlan) -> str:
    stem = "-".join(plan.campaign_codes) if len(plan.campaign_codes) <= 2 else "responses"
    return f"sapa-{re.sub(r'[^A-Za-z0-9_.-]', '_', stem)}-{today():%Y%m%d}.{plan.file_format}"


def _file_response(plan: ExportPlan) -> Response:
    headers = {
        "Content-Disposition": f'attachment; filename="{_file_name(plan)}"',
        "Cache-Control": "no-store",
        "X-Accel-Buffering": "no",  # let a proxy pass the stream on as it comes
    }
    if plan.file_format == "csv":
        # Rows are read and sent a chunk at a time while the request's context stays open.
        return Response(stream_with_context(csv_chunks(plan)), mimetype=MIMETYPES["csv"], headers=headers)
    chunks, size = export_to_temporary_file(plan)
    headers["Content-Length"] = str(size)
    return Response(chunks, mimetype=MIMETYPES[plan.file_format], headers=headers, direct_passthrough=True)
