"""Forms of the contract pages: filters (GET), a contract with its documents, baselines and targets,
figures entered by hand, deletions (with a reason), the expert assessment, custom indicators, imports."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from flask_wtf.i18n import translations as wtforms_translations
from wtforms import (
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.contracts.registry import DOCUMENT_LABELS, MAX_RECIPIENTS
from survey_app.forms import BrowserForm, OfferedChoices, stripped
from survey_app.models.base import LANGUAGES
from survey_app.models.contracts import CURRENCIES, DIRECTIONS, DOCUMENT_KINDS
from survey_app.models.monitoring import CRITERIA, SCORE_MAX, SCORE_MIN

MAX_DOCUMENTS = 30
REASON_HINT = _l("Kept in the audit trail with the old and new values.")
CRITERION_LABELS = {
    "relevance": _l("Relevance"),
    "plan": _l("Fulfilment of the plan"),
    "result": _l("Result of the project"),
    "continuation": _l("Likelihood that the activity continues"),
    "impact": _l("Likelihood of a long-term positive social impact"),
}
CRITERION_HINTS = {
    "relevance": _l("Does the project answer a real, current need of its recipients and region?"),
    "plan": _l("Were the planned activities and services delivered as the contract and its technical "
               "specification say?"),
    "result": _l("Did the project reach the result stated in the tender documents? Read the survey evidence "
                 "beside."),
    "continuation": _l("Will the provider carry on the work when the contract ends (other funding, staff, "
                       "partners)?"),
    "impact": _l("Is a lasting improvement in recipients' lives likely?"),
}
SCORE_LABELS = {
    0: _l("0 — not met, or no evidence"),
    1: _l("1 — very weak"),
    2: _l("2 — weak"),
    3: _l("3 — satisfactory"),
    4: _l("4 — good"),
    5: _l("5 — excellent, fully met"),
}


class ChoiceField(SelectField):
    """A select whose only valid values are the ones offered (those in the user's scope)."""

    def pre_validate(self, form):
        if self.data and self.data not in {str(choice.value) for choice in self.choices}:
            raise ValidationError(_("Choose one of the options shown."))


class DateInput(StringField):
    """A date as YYYY-MM-DD (what the browser's date picker sends), with our message for anything else."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(*args, **kwargs)

    @property
    def date(self) -> date | None:
        return getattr(self, "_date", None)

    def process_data(self, value):
        super().process_data(value.isoformat() if isinstance(value, date) else value)

    def pre_validate(self, form):
        self._date = None
        if not self.data:
            return
        try:
            self._date = datetime.strptime(self.data.strip(), "%Y-%m-%d").date()
        except ValueError:
            raise ValidationError(_("Enter a date as year-month-day, for example 2026-03-31.")) from None


class NumberInput(StringField):
    """A number typed with a decimal point or comma (and spaces between thousands), our message otherwise."""

    def __init__(self, *args, minimum: float | None = None, maximum: int | None = None, whole: bool = False,
                 **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric" if whole else "decimal"})
        super().__init__(*args, **kwargs)
        self.minimum = minimum
        self.maximum = maximum
        self.whole = whole

    @property
    def number(self) -> Decimal | None:
        return getattr(self, "_number", None)

    def process_data(self, value):
        if isinstance(value, float):
            value = f"{value:.10g}"
        super().process_data(None if value is None else str(value))

    def pre_validate(self, form):
        self._number = None
        text = (self.data or "").strip()
        if not text:
            return
        cleaned = re.sub(r"[\s\u00a0\u202f]", "", text).replace(",", ".")
        try:
            number = Decimal(cleaned)
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or abs(number) >= Decimal("1e14"):
            raise ValidationError(_("Write a number, for example 12.5."))
        if self.whole and number != number.to_integral():
            raise ValidationError(_("Write a whole number."))
        if self.minimum is not None and number < Decimal(str(self.minimum)):
            raise ValidationError(_("The number must be at least %(min)s.", min=self.minimum))
        if self.maximum is not None and number > self.maximum:
            raise ValidationError(_("The number must be at most %(max)s.", max=self.maximum))
        self._number = number


class MultiCheckboxField(OfferedChoices):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# ------------------------------------------------------------------ filters

class FilterForm(BrowserForm):
    class Meta:
        csrf = False  # a GET form: filtering changes nothing

    funder = ChoiceField(_l("Funder"))
    region = ChoiceField(_l("Region"))
    provider = ChoiceField(_l("Provider"))
    year = ChoiceField(_l("Year"))

    def offer(self, choices, language: str, any_year: bool = True) -> FilterForm:
        self.funder.choices = [SelectChoice("", _("All funders"))] + [
            SelectChoice(funder.code, funder.name(language)) for funder in choices.funders]
        self.region.choices = [SelectChoice("", _("All regions"))] + [
            SelectChoice(region.code, region.name(language)) for region in choices.regions]
        self.provider.choices = [SelectChoice("", _("All providers"))] + [
            SelectChoice(str(provider.id), provider.name) for provider in choices.providers]
        years = [SelectChoice(str(year), str(year)) for year in choices.years]
        self.year.choices = ([SelectChoice("", _("Any year"))] if any_year else []) + years
        return self


# ------------------------------------------------------------------ contracts

class DocumentForm(Form):
    """One referenced document; a row left empty is ignored."""

    class Meta:
        def get_translations(self, form):
            """WTForms' own messages ("Not a valid choice.") in the page's language, as in a FlaskForm: a
            sub-form of a ``FormField`` is a plain ``Form``, which would give them in English."""
            return wtforms_translations

    kind = SelectField(_l("Kind of document"), choices=[
        SelectChoice(kind, DOCUMENT_LABELS[kind]) for kind in DOCUMENT_KINDS])
    number = StringField(_l("Document number"), filters=[stripped], validators=[Length(max=60)])
    dated = DateInput(_l("Date of the document"))

    def validate_number(self, field):
        if self.dated.data and not field.data:
            raise ValidationError(_("Write the document's number."))

    def validate_dated(self, field):
        if field.data and field.date is None:
            return  # the date field's own message
        if self.number.data and not field.data:
            raise ValidationError(_("Write the document's date."))

    @property
    def empty(self) -> bool:
        return not self.number.data and not self.dated.data


class ContractForm(BrowserForm):
    number = StringField(_l("Contract number"), filters=[stripped], validators=[
        DataRequired(_l("Write the contract number.")), Length(max=60)])
    title = StringField(_l("Title"), filters=[stripped], validators=[
        DataRequired(_l("Write the contract's title.")), Length(max=500)])
    funder = ChoiceField(_l("Funder"), validators=[InputRequired(_l("Choose the funder."))])
    provider = ChoiceField(_l("Provider"), validators=[InputRequired(_l("Choose the provider."))])
    region = ChoiceField(_l("Region"), validators=[InputRequired(_l("Choose the region."))])
    standard = ChoiceField(_l("Service standard"), validators=[Optional()])
    starts_on = DateInput(_l("Starts on"), validators=[InputRequired(_l("Write the first day of the contract."))])
    ends_on = DateInput(_l("Ends on"), validators=[InputRequired(_l("Write the last day of the contract."))])
    budget = NumberInput(_l("Budget"), minimum=0, validators=[InputRequired(_l("Write the budget."))])
    currency = SelectField(_l("Currency"), choices=[SelectChoice(code, code) for code in CURRENCIES])
    contracted_recipients = NumberInput(_l("Contracted number of recipients"), minimum=1, maximum=MAX_RECIPIENTS,
                                        whole=True,
                                        validators=[InputRequired(_l("Write the contracted number of recipients."))])
    services = MultiCheckboxField(_l("Services"), validate_choice=True)
    documents = FieldList(FormField(DocumentForm), label=_l("Documents"), min_entries=1, max_entries=MAX_DOCUMENTS)
    reason = TextAreaField(_l("Reason for the change"), filters=[stripped], validators=[Length(max=2000)])

    def validate_ends_on(self, field):
        if self.starts_on.date and field.date and field.date < self.starts_on.date:
            raise ValidationError(_("The contract ends before it starts."))


# ------------------------------------------------------------------ targets, figures, deletions

class TargetValuesForm(BrowserForm):
    """A target's baseline and target (its indicator and period identify it and do not change)."""

    baseline = NumberInput(_l("Baseline"), validators=[Optional()])
    target = NumberInput(_l("Target"), validators=[InputRequired(_l("Write the target."))])
    reason = TextAreaField(_l("Reason for the change"), filters=[stripped], validators=[Length(max=2000)])


class TargetForm(TargetValuesForm):
    indicator = ChoiceField(_l("Indicator"), validators=[InputRequired(_l("Choose the indicator."))])
    period_start = DateInput(_l("Period from"), validators=[InputRequired(_l("Write the first day of the period."))])
    period_end = DateInput(_l("Period to"), validators=[InputRequired(_l("Write the last day of the period."))])

    def validate_period_end(self, field):
        if self.period_start.date and field.date and field.date < self.period_start.date:
            raise ValidationError(_("The period ends before it starts."))


class FigureValueForm(BrowserForm):
    """A figure's value (its indicator and period identify it and do not change)."""

    value = NumberInput(_l("Value"), minimum=0, validators=[InputRequired(_l("Write the value."))])
    reason = TextAreaField(_l("Reason for the change"), filters=[stripped], validators=[Length(max=2000)])


class FigureForm(FigureValueForm):
    indicator = ChoiceField(_l("Indicator"), validators=[InputRequired(_l("Choose the indicator."))])
    period_start = DateInput(_l("Period from"), validators=[InputRequired(_l("Write the first day of the period."))])
    period_end = DateInput(_l("Period to"), validators=[InputRequired(_l("Write the last day of the period."))])

    def validate_period_end(self, field):
        if self.period_start.date and field.date and field.date < self.period_start.date:
            raise ValidationError(_("The period ends before it starts."))


class DeleteForm(BrowserForm):
    reason = TextAreaField(_l("Reason for deleting"), filters=[stripped], validators=[
        DataRequired(_l("Write the reason for deleting: it is kept in the audit trail.")), Length(max=2000)])


# ------------------------------------------------------------------ expert assessment

class AssessmentForm(BrowserForm):
    reason = TextAreaField(_l("Reason for the change"), filters=[stripped], validators=[Length(max=2000)])

    def criterion_fields(self):
        return [(criterion, self[f"{criterion}_score"], self[f"{criterion}_reasoning"]) for criterion in CRITERIA]

    def scores(self) -> dict[str, int]:
        return {criterion: self[f"{criterion}_score"].data for criterion in CRITERIA}

    def reasonings(self) -> dict[str, str]:
        return {criterion: self[f"{criterion}_reasoning"].data or "" for criterion in CRITERIA}


for _criterion in CRITERIA:
    setattr(AssessmentForm, f"{_criterion}_score", RadioField(
        CRITERION_LABELS[_criterion], coerce=int,
        choices=[SelectChoice(score, SCORE_LABELS[score]) for score in range(SCORE_MIN, SCORE_MAX + 1)],
        validators=[InputRequired(_l("Choose a score from 0 to 5."))]))
    setattr(AssessmentForm, f"{_criterion}_reasoning", TextAreaField(
        _l("Reasoning"), filters=[stripped], validators=[
            DataRequired(_l("Write the reasoning for this score.")), Length(max=4000)]))


# ------------------------------------------------------------------ custom indicators

# The units a figure entered by hand may have (the labels as in contracts.indicators.UNIT_LABELS).
HAND_UNIT_LABELS = {"per_100": _l("per 100 recipients"), "percent": _l("per cent (0–100%)"), "count": _l("count")}


class IndicatorForm(BrowserForm):
    code = StringField(_l("Code"), filters=[stripped], validators=[
        DataRequired(_l("Write a code.")), Length(max=60)])
    kind = SelectField(_l("What is computed"), choices=[
        SelectChoice("item_top2", _l("Share of recipients who agree (4–5) with the chosen items, per cent")),
        SelectChoice("item_mean", _l("Mean answer to the chosen items, 1–5")),
        SelectChoice("administrative", _l("A figure entered by hand for each period (for example staff turnover)")),
    ])
    items = MultiCheckboxField(_l("Items of the standard questionnaire"), validate_choice=True)
    # Read only for a figure entered by hand (the items' kinds have their own unit).
    unit = SelectField(_l("Unit of a figure entered by hand"), validate_choice=False, default="per_100", choices=[
        SelectChoice(unit, label) for unit, label in HAND_UNIT_LABELS.items()])
    direction = SelectField(_l("Direction"), choices=[
        SelectChoice(direction, {"higher": _l("Higher is better"), "lower": _l("Lower is better")}[direction])
        for direction in DIRECTIONS])

    def validate_code(self, field):
        if not re.fullmatch(r"[a-z][a-z0-9_]*", field.data or ""):
            raise ValidationError(_("Use small Latin letters, digits and _ only, starting with a letter."))

    def validate_unit(self, field):
        if self.kind.data == "administrative" and field.data not in HAND_UNIT_LABELS:
            raise ValidationError(_("Choose the unit."))

    def validate_items(self, field):
        if not field.data and self.kind.data != "administrative":
            raise ValidationError(_("Choose at least one item."))

    def names(self) -> dict[str, str]:
        return {language: self[f"name_{language}"].data for language in LANGUAGES}

    def methods(self) -> dict[str, str]:
        return {language: self[f"method_{language}"].data for language in LANGUAGES}


LANGUAGE_LABELS = {"kk": _l("in Kazakh"), "ru": _l("in Russian"), "uk": _l("in Ukrainian"), "en": _l("in English")}
for _language in LANGUAGES:
    setattr(IndicatorForm, f"name_{_language}", StringField(
        _l("Name %(language)s", language=LANGUAGE_LABELS[_language]), filters=[stripped],
        validators=[DataRequired(_l("Write the name in every language.")), Length(max=300)],
        render_kw={"lang": _language}))
    setattr(IndicatorForm, f"method_{_language}", TextAreaField(
        _l("Method %(language)s", language=LANGUAGE_LABELS[_language]), filters=[stripped],
        validators=[DataRequired(_l("Write how it is computed, in every language.")), Length(max=4000)],
        render_kw={"lang": _language}))


# ------------------------------------------------------------------ import

class ImportForm(BrowserForm):
    file = FileField(_l("File (XLSX or CSV)"))
    # After a dry run the same file travels back with the import button (the web tier keeps nothing).
    content = HiddenField()
    filename = HiddenField()


__all__ = ["AssessmentForm", "ContractForm", "DeleteForm", "DocumentForm", "FigureForm", "FigureValueForm",
           "FilterForm", "ImportForm", "IndicatorForm", "TargetForm", "TargetValuesForm"]
