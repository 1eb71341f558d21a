"""One WTForms form per questionnaire page, built from the instrument; every message translated."""

from __future__ import annotations

from flask_babel import gettext as _
from wtforms import Field, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from survey_app.forms import BrowserForm
from survey_app.instruments.runtime import CompiledInstrument, Question
from survey_app.responses.validation import MAX_TEXT_ANSWER, UNREADABLE, unreadable_answer

CONTROL_FIELDS = {"csrf_token", "action", "switch_lang"}


class ChoiceQuestion(RadioField):
    """A radio group whose only valid values are the instrument's options."""

    def pre_validate(self, form):
        if self.data is not None and self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_("Please choose one of the answers shown."))


class MultipleChoiceQuestion(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or []):
            raise ValidationError(_("Please choose among the answers shown."))


class NumberQuestion(StringField):
    """A number typed as text (inputmode numeric), so bad input gets our message, not the browser's."""

    def __init__(self, *args, integer: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.integer = integer

    def pre_validate(self, form):
        if not self.data:
            self.data = None
            return
        text = self.data.strip().replace(",", ".")
        try:
            value = int(text) if self.integer else float(text)
        except ValueError:
            raise ValidationError(
                _("Please enter a whole number.") if self.integer else _("Please enter a number.")
            ) from None
        if abs(value) > 1e9:
            raise ValidationError(_("This number is too large."))
        self.data = str(value)


class TextQuestion(TextAreaField):
    def pre_validate(self, form):
        if self.data is None:
            return
        self.data = self.data.strip()
        if len(self.data) > MAX_TEXT_ANSWER:
            raise ValidationError(
                _("Please shorten your answer to %(limit)s characters (it has %(length)s).",
                  limit=MAX_TEXT_ANSWER, length=len(self.data))
            )
        if UNREADABLE.search(self.data):
            raise ValidationError(unreadable_answer())


def page_form(instrument: CompiledInstrument, questions: list[Question], language: str, proxy: bool,
              answers: dict, formdata=None) -> BrowserForm:
    """The form for one page, filled with the answers kept so far."""

    class PageForm(BrowserForm):
        def unreadable_message(self) -> str:
            return unreadable_answer()

    for question in questions:
        setattr(PageForm, question.name, _field(instrument, question, language, proxy))
    data = {question.name: answers.get(question.name) for question in questions}
    return PageForm(formdata=formdata, data=data) if formdata is not None else PageForm(formdata=None, data=data)


def _field(instrument: CompiledInstrument, question: Question, language: str, proxy: bool) -> Field:
    label = instrument.label(question, language, proxy)
    hint = instrument.text(f"hint:{question.name}", language)
    # SelectChoice, not (value, label) tuples: WTForms 3.3 deprecates tuples and 3.4 removes them.
    options = [SelectChoice(option.name, instrument.option_label(question, option, language))
               for option in question.options]
    kwargs = {"label": label, "description": hint or ""}
    if question.type == "select_one":
        return ChoiceQuestion(choices=options, validate_choice=False, **kwargs)
    if question.type == "select_multiple":
        return MultipleChoiceQuestion(choices=options, validate_choice=False, **kwargs)
    if question.type in ("integer", "range"):
        return NumberQuestion(integer=True, **kwargs)
    if question.type == "decimal":
        return NumberQuestion(integer=False, **kwargs)
    if question.type == "text":
        return TextQuestion(**kwargs)
    return Field(**kwargs)  # a note: shown, never answered


def unknown_fields(formdata, questions: list[Question]) -> set[str]:
    """Names posted that are neither a question on this page nor a control of the form."""
    known = {question.name for question in questions} | CONTROL_FIELDS
    return {name for name in formdata.keys() if name not in known}


def check_page(form: BrowserForm, instrument: CompiledInstrument, questions: list[Question], language: str,
               values: dict) -> bool:
    """Required questions and the instrument's constraints, with its own messages where it has them."""
    valid = True
    for question in questions:
        if question.type == "note":
            continue
        field = form[question.name]
        value = field.data
        if question.required and value in (None, "", []):
            field.errors = list(field.errors) + [
                instrument.text(f"required_message:{question.name}", language)
                or _("Please answer this question.")
            ]
            valid = False
            continue
        if question.constraint is not None and value not in (None, "", []):
            current = float(value) if question.type in ("integer", "decimal", "range") else value
            if not question.constraint.is_true({**values, question.name: current}, current):
                field.errors = list(field.errors) + [
                    instrument.text(f"constraint_message:{question.name}", language)
                    or _("This answer is not possible. Please check it.")
                ]
                valid = False
    return valid


def answers_from(form: BrowserForm, questions: list[Question]) -> dict[str, object]:
    """The page's answers as kept in the draft (fields with errors are not kept)."""
    answers = {}
    for question in questions:
        if question.type == "note":
            continue
        field = form[question.name]
        answers[question.name] = None if field.errors else field.data
    return answers
