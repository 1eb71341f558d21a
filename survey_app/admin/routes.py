"""User administration pages (thin views: parse, call a service, render). Administrators only: the
blueprint's ``require_administrator`` guards every view.

A password the server generates is shown once, in the answer to the POST that made it: never in a
flash message (the session cookie is signed, not encrypted) and never in a page that can be reloaded.
"""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from survey_app.admin import bp
from survey_app.admin.forms import (
    ACCOUNT_ERRORS,
    ROLE_LABELS,
    AccountForm,
    NewAccountForm,
    PasswordResetForm,
    UnlockForm,
)
from survey_app.admin.services import find_user, provider_options, region_choices, regions_by_id, users_page
from survey_app.auth.services import (
    AccountError,
    create_user,
    generate_password,
    is_locked,
    set_password,
    unlock,
    update_user,
)
from survey_app.models import User
from survey_app.models.users import ROLES


@bp.context_processor
def administration_helpers():
    return {"role_labels": ROLE_LABELS, "is_locked": is_locked, "language": get_locale().language}


def _user_or_404(user_id: int) -> User:
    user = find_user(user_id)
    if user is None:
        abort(404)
    return user


def _with_choices(form: AccountForm) -> AccountForm:
    language = get_locale().language
    form.regions.choices = [
        SelectChoice(region.id, region.name(language))
        for choice in region_choices(language) for region in (choice.region, *choice.hromadas)
    ]
    return form


def _account_error(form, error: AccountError) -> None:
    field_name, message = ACCOUNT_ERRORS.get(error.reason, (None, str(error)))
    field = getattr(form, field_name, None) if field_name else None
    if field is not None:
        field.errors = [*field.errors, message]
    else:
        form.form_errors.append(message)


def _render_account(form: AccountForm, user: User | None, status: int = 200):
    return render_template(
        "admin/account.html", form=form, user=user, regions=region_choices(get_locale().language),
        providers=provider_options(current_user), unlock_form=UnlockForm(),
    ), status


@bp.get("/users/")
def users():
    search = (request.args.get("q") or "")[:100]
    role = request.args.get("role") if request.args.get("role") in ROLES else ""
    page = users_page(request.args.get("page", 1, type=int), search, role)
    return render_template("admin/users.html", page=page, search=search, role=role, roles=ROLES)


@bp.route("/users/new", methods=["GET", "POST"])
def new_user():
    form = _with_choices(NewAccountForm(current_user))
    if not form.validate_on_submit():
        return _render_account(form, None, 422 if form.is_submitted() else 200)
    generated = not form.password.data
    password = form.password.data or generate_password()
    try:
        user = create_user(
            form.email.data, form.full_name.data, password, form.role.data, provider=form.own_provider,
            regions=regions_by_id(form.regions.data), providers=form.monitored_providers,
            language=form.language.data or None, must_change_password=True, active=form.active.data,
        )
    except AccountError as error:
        _account_error(form, error)
        return _render_account(form, None, 422)
    if generated:
        return render_template("admin/password_shown.html", user=user, password=password, created=True)
    flash(_("The account for %(email)s is created. The password must be changed at the first sign-in.",
            email=user.email), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/", methods=["GET", "POST"])
def edit_user(user_id: int):
    user = _user_or_404(user_id)
    form = _with_choices(AccountForm(current_user, obj=user if request.method == "GET" else None))
    if request.method == "GET":
        form.organisation.data = user.provider.code if user.provider else ""
        form.regions.data = [region.id for region in user.regions]
        form.monitored.data = "\n".join(provider.code for provider in user.providers)
        form.language.data = user.language or ""
    if not form.validate_on_submit():
        return _render_account(form, user, 422 if form.is_submitted() else 200)
    try:
        update_user(
            user, current_user, email=form.email.data, full_name=form.full_name.data, role=form.role.data,
            provider=form.own_provider, regions=regions_by_id(form.regions.data),
            providers=form.monitored_providers, language=form.language.data or None, active=form.active.data,
        )
    except AccountError as error:
        _account_error(form, error)
        return _render_account(form, user, 422)
    flash(_("The account of %(name)s is saved.", name=user.full_name), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.post("/users/<int:user_id>/unlock")
def unlock_user(user_id: int):
    user = _user_or_404(user_id)
    if not UnlockForm().validate_on_submit():
        abort(400)
    unlock(user)
    flash(_("The account of %(name)s is unlocked.", name=user.full_name), "success")
    return redirect(url_for(".edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/password", methods=["GET", "POST"])
def reset_password(user_id: int):
    user = _user_or_404(user_id)
    if user.id == current_user.id:  # one's own password: with the current one, on the usual page
        return redirect(url_for("auth.password"))
    form = PasswordResetForm()
    if not form.validate_on_submit():
        return render_template("admin/password_reset.html", form=form, user=user), 422 if form.is_submitted() else 200
    password = form.password.data or generate_password()
    try:
        set_password(user, password, must_change_password=True)
    except AccountError as error:  # blanks only: the form's Optional() let them through unchecked
        _account_error(form, error)
        return render_template("admin/password_reset.html", form=form, user=user), 422
    if not form.password.data:
        return render_template("admin/password_shown.html", user=user, password=password, created=False)
    flash(_("The password of %(name)s is changed. It must be changed again at the next sign-in.",
            name=user.full_name), "success")
    return redirect(url_for(".edit_user", user_id=user.id))
