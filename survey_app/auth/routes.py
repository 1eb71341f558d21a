"""Sign in, sign out, change password; a password chosen by an administrator must be replaced first."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from survey_app.auth import bp, throttle
from survey_app.auth.forms import LoginForm, PasswordChangeForm
from survey_app.auth.services import change_password, sign_in
from survey_app.errors import render_error
from survey_app.extensions import db

# What a user whose password was set by an administrator may still open before choosing their own.
_BEFORE_PASSWORD_CHANGE = ("auth.password", "auth.logout", "auth.login")


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site: never an open redirect to another host."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def staff_home_url() -> str:
    return url_for("staff.home")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(staff_home_url())
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = sign_in(form.email.data, form.password.data, request.remote_addr)
        db.session.commit()  # keep the failed-attempt counts and the purge, whatever the answer
        if result.limited:
            answer, status = render_error(429)
            return answer, status, {"Retry-After": str(throttle.retry_after_seconds())}
        if result.user is not None:
            language = session.get("lang")
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            if language:
                session["lang"] = language
            login_user(result.user)
            db.session.commit()
            if result.user.must_change_password:
                return redirect(url_for("auth.password"))
            return redirect(_safe_next(request.args.get("next")) or staff_home_url())
        if result.locked:
            form.form_errors.append(_("Too many wrong passwords. The account is locked for 15 minutes."))
        else:
            form.form_errors.append(_("The e-mail address or the password is wrong."))
        status = 200
    return render_template("auth/login.html", form=form), status


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    session.clear()
    flash(_("You have signed out."), "success")
    return redirect(url_for("main.home"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        user = current_user._get_current_object()
        if change_password(user, form.current.data, form.new.data):
            login_user(user)  # the session carries the new password's stamp; other sessions end
            flash(_("Your password has been changed."), "success")
            return redirect(staff_home_url())
        form.current.errors.append(_("The current password is wrong."))
    return render_template("auth/password.html", form=form, required=current_user.must_change_password)


@bp.before_app_request
def require_own_password():
    """Until a user replaces a password an administrator chose, staff pages lead to the change form and
    the API refuses."""
    if not current_user.is_authenticated or not current_user.must_change_password:
        return None
    endpoint = request.endpoint or ""
    if endpoint in _BEFORE_PASSWORD_CHANGE or endpoint == "static" or endpoint.endswith(".static"):
        return None
    if request.path.startswith("/staff/") or endpoint == "survey.assisted":
        return redirect(url_for("auth.password"))
    if request.path.startswith("/api/"):
        abort(403)  # a program cannot change the password: the person signs in on a page first
    return None
