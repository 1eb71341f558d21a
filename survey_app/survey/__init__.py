"""The public survey recipients answer: anonymous, multilingual, light, nothing lost or doubled."""

from flask import Blueprint

bp = Blueprint("survey", __name__, template_folder="templates")

from survey_app.survey import routes, submissions  # noqa: E402,F401
