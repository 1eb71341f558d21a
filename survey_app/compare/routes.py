"""Comparison pages (thin views: parse the request, call a service, render or send the file)."""

from __future__ import annotations

import re

from flask import Response, abort, render_template, request
from flask_login import current_user

from survey_app.compare import bp
from survey_app.compare.categories import LensRequest, category_lens
from survey_app.compare.files import MIMETYPES, table_csv, table_xlsx
from survey_app.compare.table import COLUMNS, NotFound, TableRequest, provider_table
from survey_app.models.base import today
from survey_app.scores.read import snapshot_status
from survey_app.staff.routes import page_helpers
from survey_app.staff.services import language

bp.context_processor(page_helpers)


@bp.get("/providers")
def providers():
    try:
        table = provider_table(current_user, TableRequest.from_args(request.args), language())
    except NotFound:
        abort(404)
    return render_template("compare/providers.html", table=table, columns=COLUMNS, status=snapshot_status())


@bp.get("/providers.<any(csv, xlsx):file_format>")
def providers_file(file_format: str):
    try:
        table = provider_table(current_user, TableRequest.from_args(request.args), language())
    except NotFound:
        abort(404)
    snapshot = snapshot_status().snapshot
    snapshot_at = (snapshot.finished_at or snapshot.started_at) if snapshot else None
    body = table_csv(table) if file_format == "csv" else table_xlsx(table, snapshot_at)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", table.campaign.code if table.campaign else "providers")
    return Response(body, mimetype=MIMETYPES[file_format], headers={
        "Content-Disposition": f'attachment; filename="sapa-providers-{stem}-{today():%Y%m%d}.{file_format}"',
        "Cache-Control": "no-store",
    })


@bp.get("/categories")
def categories():
    try:
        lens = category_lens(current_user, LensRequest.from_args(request.args), language())
    except NotFound:
        abort(404)
    return render_template("compare/categories.html", lens=lens, status=snapshot_status())
