"""The export form: filters, format and the language of the labels; sent by GET (it changes nothing)."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import format_number
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import RadioField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from survey_app.exports.services import (
    SAV_MAX_ROWS,
    ExportFilters,
    campaign_choices,
    provider_choices,
    region_choices,
)
from survey_app.forms import BrowserForm
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.models import User


class ChoiceField(SelectField):
    """A select whose only valid values are the ones offered (ids in the user's scope)."""

    def pre_validate(self, form):
        if self.data and self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_("Choose one of the options shown."))


class FormatField(RadioField):
    def pre_validate(self, form):
        if self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_("Choose one of the options shown."))


class DateInput(StringField):
    """A date as YYYY-MM-DD (the browser's date picker sends that), with our message for anything else."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    @property
    def date(self) -> date | None:
        return getattr(self, "_date", None)

    def pre_validate(self, form):
        self._date = None
        if not self.data:
            return
        try:
            self._date = datetime.strptime(self.data.strip(), "%Y-%m-%d").date()
        except ValueError:
            raise ValidationError(_("Enter a date as year-month-day, for example 2026-03-31.")) from None


class ExportForm(BrowserForm):
    class Meta:
        csrf = False  # a GET form: downloading changes nothing

    campaign = ChoiceField(_l("Campaign"))
    provider = ChoiceField(_l("Provider"))
    region = ChoiceField(_l("Region"))
    submitted_from = DateInput(_l("Submitted from"))
    submitted_to = DateInput(_l("Submitted to"))
    file_format = FormatField(_l("File format"), default="csv")
    labels = ChoiceField(_l("Language of the labels"))

    def offer(self, user: User, language: str) -> ExportForm:
        """Fill the lists with what the user may see; the labels default to the interface language."""
        self.campaign.choices = [SelectChoice("", _("All campaigns"))] + [
            SelectChoice(str(campaign.id), f"{campaign.code} · {campaign.name}") for campaign in campaign_choices(user)
        ]
        self.provider.choices = [SelectChoice("", _("All providers"))] + [
            SelectChoice(str(provider.id), f"{provider.name} ({provider.code})") for provider in provider_choices(user)
        ]
        self.region.choices = [SelectChoice("", _("All regions"))] + [
            SelectChoice(str(region.id), region.name(language)) for region in region_choices(user, language)
        ]
        self.file_format.choices = [
            SelectChoice("csv", _("CSV (UTF-8): any size, the fastest; for Excel, R, Python")),
            SelectChoice("xlsx", _("Excel (XLSX): with a sheet describing every column; large files take minutes")),
            SelectChoice("sav", _("SPSS (.sav): with variable and value labels; at most %(max)s responses",
                                  max=format_number(SAV_MAX_ROWS))),
        ]
        self.labels.choices = [SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
        if not self.labels.data:
            self.labels.data = language
        return self

    def validate_submitted_to(self, field):
        if self.submitted_from.date and field.date and field.date < self.submitted_from.date:
            raise ValidationError(_("The end of the period comes before its start."))

    def filters(self) -> ExportFilters:
        def number(field):
            return int(field.data) if field.data else None

        return ExportFilters(
            campaign_id=number(self.campaign),
            provider_id=number(self.provider),
            region_id=number(self.region),
            submitted_from=self.submitted_from.date,
            submitted_to=self.submitted_to.date,
        )
