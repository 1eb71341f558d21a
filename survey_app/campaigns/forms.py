"""Issuing one-time codes for the slips."""

from __future__ import annotations

from datetime import date

from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SubmitField
from wtforms.validators import InputRequired, NumberRange, Optional, ValidationError

from survey_app.forms import BrowserForm
from survey_app.models import Campaign

MAX_CODES_PER_ISSUE = 500


class IssueCodesForm(BrowserForm):
    count = IntegerField(
        _l("How many codes"),
        validators=[
            InputRequired(_l("Enter how many codes to issue.")),
            NumberRange(min=1, max=MAX_CODES_PER_ISSUE,
                        message=_l("Issue between %(min)s and %(max)s codes at a time.")),
        ],
        default=40,
    )
    expires_on = DateField(_l("Valid until (optional)"), validators=[Optional()])
    submit = SubmitField(_l("Issue codes"))

    def __init__(self, campaign: Campaign, today: date, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.campaign = campaign
        self.today = today

    def validate_expires_on(self, field) -> None:
        if field.data is None:
            return
        if field.data > self.campaign.ends_on:
            raise ValidationError(_("The codes cannot be valid after the campaign ends on %(date)s.",
                                    date=format_date(self.campaign.ends_on)))
        if field.data < self.today:
            raise ValidationError(_("This date has already passed."))
