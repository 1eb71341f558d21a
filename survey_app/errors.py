"""Error pages in the user's language, never a stack trace."""

from __future__ import annotations

from flask import Flask, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from survey_app.extensions import db


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("The request could not be understood"), _("Please go back and try again.")),
        403: (_("Access denied"), _("You do not have permission to see this page.")),
        404: (_("Page not found"), _("The address may be mistyped, or the page no longer exists.")),
        405: (_("Not allowed"), _("This page cannot be used this way.")),
        413: (_("Too much data"), _("What you sent is too large. Please shorten it and try again.")),
        429: (_("Too many attempts"), _("Please wait a few minutes before trying again.")),
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
        return render_error(error.code or 500)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error")
        return render_error(500)
