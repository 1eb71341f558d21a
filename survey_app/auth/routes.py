"""Sign in, sign out, change password."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from survey_app.auth import bp
from survey_app.auth.forms import LoginForm, PasswordChangeForm
from survey_app.auth.services import authenticate, change_password
from survey_app.extensions import db


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
        result = authenticate(form.email.data, form.password.data)
        if result.user is not None:
            language = session.get("lang")
            session.clear()  # a fresh session at sign-in: nothing carried over from before
            if language:
                session["lang"] = language
            login_user(result.user)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")) or staff_home_url())
        db.session.commit()  # keep the failed-attempt count
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
        if change_password(current_user, form.current.data, form.new.data):
            flash(_("Your password has been changed."), "success")
            return redirect(staff_home_url())
        form.current.errors.append(_("The current password is wrong."))
    return render_template("auth/password.html", form=form)
