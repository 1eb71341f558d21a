"""Campaigns (waves), their participating providers, short links and one-time codes.

The blueprint is the staff section "Campaigns": each provider's ways in (short link, kiosk and
assisted-interview links, QR code, poster) and the printed slips with one-time codes.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from survey_app.navigation import register_section

bp = Blueprint("campaigns", __name__, url_prefix="/staff/campaigns", template_folder="templates")

register_section("campaigns.index", _l("Campaigns"),
                 ("admin", "evaluator", "monitor", "provider_manager", "social_worker"), order=20)


@bp.before_request
@login_required
def require_sign_in():
    """Every page needs a signed-in user; which providers each may see is decided in survey_app.access."""


from survey_app.campaigns import routes  # noqa: E402,F401
