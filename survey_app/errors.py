"""Error pages in the user's language, never a stack trace."""

from __future__ import annotations

import sqlite3

from flask import Flask, current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from survey_app.extensions import db
from survey_app.i18n import request_language, use_language

# How long a client is asked to wait when the database cannot answer (PostgreSQL restarting takes seconds).
RETRY_AFTER_SECONDS = 30


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("The request could not be understood"), _("Please go back and try again.")),
        403: (_("Access denied"), _("You do not have permission to see this page.")),
        404: (_("Page not found"), _("The address may be mistyped, or the page no longer exists.")),
        405: (_("Not allowed"), _("This page cannot be used this way.")),
        413: (_("Too much data"), _("What you sent is too large. Please shorten it and try again.")),
        429: (_("Too many attempts"), _("Please wait a few minutes before trying again.")),
        503: (_("The system is briefly unavailable"),
              _("Nothing you did caused this. Please try again in a minute.")),
        500: (_("Something went wrong on our side"),
              _("Nothing you did caused this. Please try again in a few minutes.")),
    }


def render_error(status: int, title: str | None = None, message: str | None = None):
    default_title, default_message = _messages().get(status, _messages()[500])
    return (
        render_template("error.html", status=status, title=title or default_title,
                        message=message or default_message),
        status,
    )


def database_unavailable(error: BaseException | None) -> bool:
    """Whether the database could not answer for now — PostgreSQL stopped, restarting or refusing connections
    (psycopg raises ``OperationalError`` for those; a missing table is a ``ProgrammingError``), or SQLite still
    locked by another writer after its busy timeout — rather than a fault in the application."""
    if not isinstance(error, OperationalError):
        return False
    if isinstance(error.orig, sqlite3.OperationalError):
        return "locked" in str(error.orig) or "busy" in str(error.orig)
    return True


def prepare_for_unavailable_database() -> None:
    """Roll back, log, and fix the language without the signed-in user, whom reading needs the database; the
    page is then drawn as for someone not signed in (Flask-Login's ``current_user`` would read the user)."""
    db.session.rollback()
    current_app.logger.warning("Database unavailable: %s", request.path, exc_info=True)
    if "language" not in g:
        use_language(request_language(ask_user=False))
    if "_login_user" not in g:  # where Flask-Login keeps the request's user once read
        g._login_user = current_app.login_manager.anonymous_user()


def unavailable_answer():
    """503 with Retry-After: the request changed nothing (its transaction is rolled back), so the client may send
    it again as it was. The JSON submission endpoint gets JSON, everyone else the error page."""
    prepare_for_unavailable_database()
    if request.endpoint == "survey.submit_json":
        answer = {"status": "unavailable",
                  "message": _("Your answers could not be stored just now. Nothing was saved: please send them "
                               "again, with the same submission key, in a minute.")}, 503
    else:
        try:
            answer = render_error(503)
        except Exception:  # the page itself needed the database after all: the message without the page
            current_app.logger.exception("The unavailable page could not be drawn")
            title, message = _messages()[503]
            answer = f"{title}. {message}", 503, {"Content-Type": "text/plain; charset=utf-8"}
    response = current_app.make_response(answer)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return render_error(
            400,
            _("This form has expired"),
            _("For your safety, forms expire after a while. Please go back, reload the page and try again. "
              "Answers you already saved are kept."),
        )

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        # An exception after the view (the commit) reaches here as a 500 wrapping it.
        if database_unavailable(getattr(error, "original_exception", None)):
            return unavailable_answer()
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        if database_unavailable(error):
            return unavailable_answer()
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
