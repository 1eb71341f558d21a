"""Comparing providers and recipient categories: the comparison table (with its CSV and XLSX files)
and the recipient-category lens, under /staff (DESIGN §1's third gap, §6 subgroups).

Views are thin (``routes``); what a page shows is composed in ``table`` and ``categories`` from
``survey_app.scores.read`` (scope and the small-number rule applied there) and ``analysis``; the
files are written in ``files``. Every page needs a signed-in administrator, evaluator, monitor or
provider manager; each sees only the providers in their scope.
"""

from flask import Blueprint, abort
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from survey_app.compare.table import COMPARE_ROLES
from survey_app.navigation import register_section

bp = Blueprint("compare", __name__, url_prefix="/staff", template_folder="templates", static_folder="static",
               static_url_path="/compare/static")

register_section("compare.providers", _l("Providers"), COMPARE_ROLES, order=10)
register_section("compare.categories", _l("Recipient categories"), COMPARE_ROLES, order=11)


@bp.before_request
@login_required
def require_comparing_role():
    """A signed-in member of staff whose work is comparing providers; scope is decided in survey_app.access."""
    from flask import current_app

    from survey_app.scores.refresh import refresh_if_stale

    if current_user.role not in COMPARE_ROLES:
        abort(403)
    refresh_if_stale(current_app._get_current_object())


from survey_app.compare import routes  # noqa: E402,F401
