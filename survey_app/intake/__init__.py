"""Paper questionnaires keyed by staff, and responses imported from CSV or XLSX exports."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from survey_app.navigation import register_section

INTAKE_ROLES = ("admin", "monitor", "provider_manager", "social_worker")

# cli_group=None: ``flask import-responses``, not ``flask intake import-responses``.
bp = Blueprint("intake", __name__, url_prefix="/staff/intake", template_folder="templates",
               static_folder="static", cli_group=None)
register_section("intake.index", _l("Paper and imports"), INTAKE_ROLES, 40)

from survey_app.intake import cli, routes  # noqa: E402,F401
