"""Forms of the user administration: an account (new or existing), a password reset, an unlock."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp, ValidationError

from survey_app.admin.services import providers_by_code, split_codes
from survey_app.auth.passwords import MIN_PASSWORD_LENGTH
from survey_app.auth.services import OWN_ORGANISATION_ROLES
from survey_app.forms import BrowserForm, OfferedChoices, stripped
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.models import Provider, User
from survey_app.models.users import ROLES

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "evaluator": _l("Evaluator"),
    "monitor": _l("Monitor"),
    "provider_manager": _l("Provider manager"),
    "social_worker": _l("Social worker"),
}
# What an account's e-mail must look like: something@somewhere.tld, no spaces.
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
# The messages for ``AccountError.reason`` and the field each belongs to.
ACCOUNT_ERRORS = {
    "email_taken": ("email", _l("There is already an account with this e-mail address.")),
    "password_short": ("password", _l("The password must have at least %(min)d characters.",
                                      min=MIN_PASSWORD_LENGTH)),
    "organisation_needed": ("organisation", _l("A provider manager or social worker needs their own organisation.")),
    "unknown_role": ("role", _l("Choose a role.")),
    "last_admin": (None, _l("This is the last active administrator. Make another account an administrator "
                            "first.")),
    "own_account": (None, _l("You cannot change your own role or deactivate your own account.")),
}


class AccountForm(BrowserForm):
    """An account's details, role and scope. ``acting`` is the administrator (providers are looked up
    within what they may see)."""

    email = EmailField(_l("E-mail"), filters=[stripped], validators=[
        DataRequired(_l("Enter the e-mail address.")), Length(max=254),
        Regexp(EMAIL_PATTERN, message=_l("Enter an e-mail address like name@example.org.")),
    ])
    full_name = StringField(_l("Full name"), filters=[stripped],
                            validators=[DataRequired(_l("Enter the full name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=[SelectChoice(role, ROLE_LABELS[role]) for role in ROLES],
                       validators=[InputRequired(_l("Choose a role."))])
    organisation = StringField(_l("Own organisation (provider code)"), validators=[Optional(), Length(max=40)])
    regions = OfferedChoices(_l("Regions"), coerce=int, validate_choice=True)
    monitored = TextAreaField(_l("Providers assigned one by one (codes)"), validators=[Length(max=20000)])
    language = SelectField(_l("Interface language"), default="", choices=[
        SelectChoice("", _l("As the browser asks")),
        *(SelectChoice(code, name, render_kw={"lang": code}) for code, name in LANGUAGE_NAMES.items()),
    ])
    active = BooleanField(_l("Active: may sign in"), default=True)
    submit = SubmitField(_l("Save"))

    def __init__(self, acting: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.acting = acting
        self.own_provider: Provider | None = None
        self.monitored_providers: list[Provider] = []

    def validate_organisation(self, field) -> None:
        code = (field.data or "").strip()
        if self.role.data not in OWN_ORGANISATION_ROLES:
            return
        if not code:
            raise ValidationError(_l("A provider manager or social worker needs their own organisation."))
        found, _missing = providers_by_code(self.acting, [code])
        if not found:
            raise ValidationError(_l("No provider has the code %(code)s.", code=code))
        self.own_provider = found[0]

    def validate_monitored(self, field) -> None:
        if self.role.data != "monitor":
            return
        found, missing = providers_by_code(self.acting, split_codes(field.data))
        if missing:
            raise ValidationError(_l("No provider has these codes: %(codes)s.", codes=", ".join(missing)))
        self.monitored_providers = found


class NewAccountForm(AccountForm):
    password = PasswordField(_l("Initial password"), validators=[
        Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                           message=_l("The password must have at least %(min)d characters."))])
    submit = SubmitField(_l("Create account"))


class PasswordResetForm(BrowserForm):
    password = PasswordField(_l("New password"), validators=[
        Optional(), Length(min=MIN_PASSWORD_LENGTH, max=200,
                           message=_l("The password must have at least %(min)d characters."))])
    submit = SubmitField(_l("Set new password"))


class UnlockForm(BrowserForm):
    submit = SubmitField(_l("Unlock"))
