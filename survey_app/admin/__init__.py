"""User administration for administrators: accounts, roles and scopes, unlocking, password resets."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from survey_app.access import USER_ADMINISTRATORS, roles_required
from survey_app.navigation import register_section

bp = Blueprint("admin", __name__, url_prefix="/staff/admin", template_folder="templates", static_folder="static")

register_section("admin.users", _l("Users"), USER_ADMINISTRATORS, order=90)


@bp.before_request
@roles_required(*USER_ADMINISTRATORS)
def require_administrator():
    """Every page of this section, its style sheet included, is for administrators only."""


from survey_app.admin import routes  # noqa: E402,F401
