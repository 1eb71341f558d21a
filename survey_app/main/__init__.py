"""Public pages that are neither survey nor staff: the home page and health check."""

from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")

from survey_app.main import routes  # noqa: E402,F401
