"""Staff side: dashboards, provider scorecards, comparison, category lens, comments."""

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("staff", __name__, url_prefix="/staff", template_folder="templates")


@bp.before_request
@login_required
def require_sign_in():
    """Every staff page needs a signed-in user; what each may see is decided in survey_app.access."""
    from flask import current_app

    from survey_app.scores.refresh import refresh_if_stale

    refresh_if_stale(current_app._get_current_object())


from survey_app.staff import routes  # noqa: E402,F401
