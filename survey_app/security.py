"""Sign-in plumbing and the security headers every answer carries."""

from __future__ import annotations

import hmac

from flask import Flask, request
from flask_babel import lazy_gettext as _l
from werkzeug.middleware.proxy_fix import ProxyFix

from survey_app.extensions import db, login_manager

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@login_manager.user_loader
def load_user(session_id: str):
    """The user a session names, if still active and still holding the password the session began with."""
    from survey_app.models import User

    user_id, _, stamp = session_id.partition(":")
    user = db.session.get(User, int(user_id)) if user_id.isdigit() else None
    if user is None or not user.active or not hmac.compare_digest(stamp, user.session_stamp):
        return None
    return user


def init_app(app: Flask) -> None:
    if app.config.get("SAPA_PROXY_COUNT"):
        # Behind N reverse proxies the client is the N-th address from the right of X-Forwarded-For;
        # without this every client would share the proxy's address (and its sign-in rate limit).
        hops = app.config["SAPA_PROXY_COUNT"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please sign in to see this page.")
    login_manager.session_protection = "strong"

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
        if app.config.get("SAPA_ENV") == "production":
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        if request.blueprint in ("survey", "admin") or request.endpoint in ("auth.login", "auth.password"):
            # Nothing a recipient or a sign-in page shows may stay in a shared device's cache.
            headers["Cache-Control"] = "no-store"
        return response
