"""Sign-in and password forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SubmitField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from survey_app.auth.passwords import MIN_PASSWORD_LENGTH
from survey_app.forms import BrowserForm


class LoginForm(BrowserForm):
    email = EmailField(_l("E-mail"), validators=[InputRequired(_l("Enter your e-mail address.")), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password.")),
                                                         Length(max=200)])
    submit = SubmitField(_l("Sign in"))


class PasswordChangeForm(BrowserForm):
    current = PasswordField(_l("Current password"), validators=[InputRequired(_l("Enter your current password."))])
    new = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(_l("Enter a new password.")),
            Length(min=MIN_PASSWORD_LENGTH, max=200,
                   message=_l("The new password must have at least %(min)d characters.")),
        ],
    )
    repeat = PasswordField(_l("Repeat the new password"),
                           validators=[EqualTo("new", message=_l("The two new passwords differ."))])
    submit = SubmitField(_l("Change password"))

    def validate_new(self, field):
        if field.data and field.data == self.current.data:
            raise ValidationError(_l("Choose a new password that differs from the current one."))
