"""Data exports: responses as CSV, Excel or SPSS files, within the user's scope and the rule on small numbers.

The staff section "Data exports" and the command ``flask export-responses`` (administrator's rights,
for large exports); the queries are in ``services``, the file formats in ``formats``.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from survey_app.exports.services import EXPORT_ROLES
from survey_app.navigation import register_section

# cli_group=None: the command is ``flask export-responses``, not ``flask exports export-responses``.
bp = Blueprint("exports", __name__, url_prefix="/staff/exports", template_folder="templates", cli_group=None)

register_section("exports.index", _l("Data exports"), EXPORT_ROLES, order=80)


@bp.before_request
@login_required
def require_sign_in():
    """Every page needs a signed-in user; which providers each may see is decided in survey_app.access."""


from survey_app.exports import cli, routes  # noqa: E402,F401
