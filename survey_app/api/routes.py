"""API views (thin: check the caller, call a service, answer JSON)."""

from __future__ import annotations

from flask import current_app, jsonify, request
from flask_login import current_user

from survey_app.api import bp
from survey_app.api.errors import init_errors, json_error
from survey_app.api.services import campaigns_answer, groups_answer, provider_answer, providers_answer
from survey_app.compare.table import COMPARE_ROLES
from survey_app.staff.services import language

init_errors(bp)


@bp.before_request
def require_sign_in():
    """401 for an anonymous caller (no redirect: a script cannot follow a sign-in page), 403 for a role
    that does not compare providers."""
    from survey_app.scores.refresh import refresh_if_stale

    if not current_user.is_authenticated:
        return json_error(401)
    if current_user.role not in COMPARE_ROLES:
        return json_error(403)
    refresh_if_stale(current_app._get_current_object())
    return None


@bp.after_request
def private(answer):
    answer.headers.setdefault("Cache-Control", "private, no-store")
    return answer


@bp.get("/campaigns")
def campaigns():
    return jsonify(campaigns_answer(current_user))


@bp.get("/providers")
def providers():
    return jsonify(providers_answer(current_user, request.args, language()))


@bp.get("/providers/<int:provider_id>")
def provider(provider_id: int):
    return jsonify(provider_answer(current_user, provider_id, language()))


@bp.get("/groups")
def groups():
    return jsonify(groups_answer(current_user, request.args, language()))
