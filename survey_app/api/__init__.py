"""A small read-only JSON API, ``/api/v1``: waves, the comparison table's rows, one provider's measures
and group scores — for dashboards and scripts that need the figures the comparison pages show.

Sign-in is the staff session of the pages (no tokens); the same roles as the comparison pages
(administrator, evaluator, monitor, provider manager), the same scope and the same small-number rule:
a value hidden by the rule is ``null`` with ``"suppressed": true``, never the number. Every answer is
JSON, errors too (``{"error": {"status": 404, "message": "…"}}`` with the message in the user's
language); an anonymous request gets 401, not a redirect to the sign-in page. Only GET exists, so the
blueprint is exempt from CSRF protection (nothing here changes anything).

Routing errors (an unknown address under /api/v1, a method that is not GET) happen before any
blueprint is chosen, so the handlers for 404 and 405 are registered on the app: under /api/ they
answer JSON, elsewhere they leave the page to ``survey_app.errors``.
"""

from flask import Blueprint

from survey_app.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

from survey_app.api import routes  # noqa: E402,F401
