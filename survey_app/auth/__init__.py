"""Staff sign-in, passwords and user accounts."""

from flask import Blueprint

bp = Blueprint("auth", __name__, url_prefix="/staff", template_folder="templates")

from survey_app.auth import routes  # noqa: E402,F401
