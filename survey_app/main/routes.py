"""Home page and a health check for load balancers."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import text

from survey_app.extensions import db
from survey_app.main import bp
from survey_app.main.services import home_figures
from survey_app.survey.services import demo_participant


@bp.get("/")
def home():
    return render_template("main/home.html", figures=home_figures(), demo=demo_participant())


@bp.get("/healthz")
def health():
    db.session.execute(text("SELECT 1"))
    return {"status": "ok"}
