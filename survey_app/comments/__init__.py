"""Recipients' comments for staff: read and export them masked, and follow up safeguarding alerts.

The staff section "Comments" (``/staff/comments/``): the open answers (what is good, what to improve)
of the providers a user may see, filtered and paged, with personal data masked for everyone
(``masking``) and the rule on small numbers applied below administrator; a CSV file of the same.
Comments whose words may reveal abuse raise safeguarding alerts (``safeguarding`` holds the word
list, ``alerts`` raises them as responses are stored and in ``flask scan-comments``) for
administrators, evaluators and the provider's monitors, who acknowledge them with a note
(``/staff/comments/alerts/``). Who sees what is decided in ``survey_app.access``; the queries are in
``services``.
"""

from flask import Blueprint
from flask_babel import lazy_gettext as _l
from flask_login import login_required

from survey_app.comments.services import COMMENT_ROLES
from survey_app.navigation import register_section

# cli_group=None: ``flask scan-comments``, not ``flask comments scan-comments``.
bp = Blueprint("comments", __name__, url_prefix="/staff/comments", template_folder="templates",
               static_folder="static", cli_group=None)
register_section("comments.index", _l("Comments"), COMMENT_ROLES, order=30)


@bp.before_request
@login_required
def require_sign_in():
    """Every page needs a signed-in user; which providers and alerts each may see is decided in survey_app.access."""


from survey_app.comments import cli, routes  # noqa: E402,F401
