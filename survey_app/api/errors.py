"""JSON errors for the API, with the message in the user's language."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from survey_app.extensions import db

API_PREFIX = "/api/"


class ApiError(Exception):
    """A refusal with a message for the caller (400 for a bad parameter, 404 for something not found)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _messages() -> dict[int, str]:
    return {
        400: _("The request could not be understood."),
        401: _("Please sign in to use the API."),
        403: _("You do not have permission to use the API."),
        404: _("Not found."),
        405: _("Only GET requests are allowed."),
        500: _("Something went wrong on our side. Please try again in a few minutes."),
        503: _("The system is briefly unavailable. Please try again in a minute."),
    }


def json_error(status: int, message: str | None = None):
    messages = _messages()
    answer = jsonify({"error": {"status": status, "message": message or messages.get(status, messages[500])}})
    answer.status_code = status
    answer.headers["Cache-Control"] = "no-store"
    if status == 401:
        answer.headers["WWW-Authenticate"] = 'Session realm="Sapa"'
    return answer


def init_errors(bp) -> None:
    @bp.errorhandler(ApiError)
    def refused(error: ApiError):
        return json_error(error.status, error.message)

    @bp.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return json_error(error.code or 500)

    @bp.errorhandler(Exception)
    def unexpected(error: Exception):
        from survey_app.errors import RETRY_AFTER_SECONDS, database_unavailable, prepare_for_unavailable_database

        if database_unavailable(error):
            prepare_for_unavailable_database()
            answer = json_error(503)
            answer.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            return answer
        db.session.rollback()
        current_app.logger.exception("Unhandled error in the API")
        return json_error(500)

    def routing_error(error: HTTPException):
        if request.path.startswith(API_PREFIX):
            answer = json_error(error.code)
            if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
                answer.headers["Allow"] = ", ".join(error.valid_methods)
            return answer
        from survey_app.errors import render_error

        return render_error(error.code)

    bp.app_errorhandler(404)(routing_error)
    bp.app_errorhandler(405)(routing_error)
