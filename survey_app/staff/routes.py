"""Staff pages (thin views: parse, check access, call a service, render)."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user

from survey_app.staff import bp
from survey_app.staff.assets import plotly_response, plotly_style_markers, plotly_version
from survey_app.staff.charts import level_text
from survey_app.staff.services import dashboard, language, minimum_responses, number, percent, scorecard


@bp.context_processor
def page_helpers():
    return {"plotly_version": plotly_version, "plotly_style_markers": plotly_style_markers, "number": number,
            "percent": percent, "level": level_text, "minimum_responses": minimum_responses}


@bp.get("/")
def home():
    return render_template("staff/home.html", dashboard=dashboard(current_user, language()))


@bp.get("/providers/<int:provider_id>")
def provider(provider_id: int):
    card = scorecard(current_user, provider_id, language(), campaign_id=request.args.get("wave", type=int))
    if card is None:
        abort(404)
    return render_template("staff/provider.html", card=card)


@bp.get("/assets/plotly.min.js")
def plotly_script():
    return plotly_response(request)
