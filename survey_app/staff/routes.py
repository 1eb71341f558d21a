"""Staff pages (thin views: parse, check access, call a service, render)."""

from __future__ import annotations

from flask import render_template
from flask_login import current_user

from survey_app.staff import bp
from survey_app.staff.services import home_overview


@bp.get("/")
def home():
    return render_template("staff/home.html", overview=home_overview(current_user))
