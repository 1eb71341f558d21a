"""Forms of the intake pages; answers are checked by ``intake.answers``, the rest here."""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from survey_app.forms import BrowserForm, stripped
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.instruments.runtime import Question
from survey_app.models.base import LANGUAGES

MAX_SERIAL = 99_999
# Question fields are named "q_<question name>", so no question can clash with the form's own fields.
QUESTION_PREFIX = "q_"


def language_choices() -> list[SelectChoice]:
    return [SelectChoice(code, LANGUAGE_NAMES[code]) for code in LANGUAGES]


class BatchForm(BrowserForm):
    provider = SelectField(_l("Provider"), coerce=int, validators=[InputRequired(_l("Choose the provider."))])
    number = StringField(_l("Batch number"), filters=[stripped], validators=[
        DataRequired(_l("Write the batch number, as written on the bundle.")),
        Length(max=40, message=_l("At most %(max)d characters.")),
    ])
    collected_on = DateField(_l("Date the questionnaires were collected"), validators=[
        InputRequired(_l("Write the date the questionnaires were collected."))
    ])
    double_keying = BooleanField(_l("Double keying: every form is keyed by two different people"))

    def __init__(self, participants, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider.choices = [_provider_choice(participant) for participant in participants]


class SerialField(StringField):
    """The number written on the paper form; typed, so bad input gets our message."""

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        text = (self.data or "").strip()
        # ASCII digits only: str.isdigit() also takes "²", and int() refuses it (and more than 4,300 digits) with an
        # English message that was shown on the page.
        self.data = int(text) if re.fullmatch(r"[0-9]{1,12}", text) else text or None

    def pre_validate(self, form):
        if self.data is None:
            raise ValidationError(_l("Write the number written on the paper form."))
        if not isinstance(self.data, int) or not 1 <= self.data <= MAX_SERIAL:
            raise ValidationError(_l("The form number is a whole number from 1 to %(max)s.", max=MAX_SERIAL))


class KeyingForm(BrowserForm):
    serial = SerialField(_l("Form number"))
    language = SelectField(_l("Language of the paper form"), choices=language_choices(),
                           validators=[InputRequired()])

    def typed_answers(self, questions: list[Question]) -> dict[str, str]:
        return {question.name: self[QUESTION_PREFIX + question.name].data or "" for question in questions}


def keying_form(questions: list[Question], formdata=None, **data) -> KeyingForm:
    """The keying form for these questions (one text field each)."""

    class PaperKeyingForm(KeyingForm):
        pass

    for question in questions:
        setattr(PaperKeyingForm, QUESTION_PREFIX + question.name, StringField(question.name))
    return PaperKeyingForm(formdata=formdata, data=data) if formdata is not None else PaperKeyingForm(
        formdata=None, data=data)


class ImportForm(BrowserForm):
    provider = SelectField(_l("Provider"), coerce=int, validators=[Optional()])
    language = SelectField(_l("Language of the questionnaires"), choices=language_choices(),
                           validators=[InputRequired()])
    file = FileField(_l("File (CSV or XLSX)"))
    # After a dry run the same file travels back with the commit button (the web tier keeps nothing).
    content = HiddenField()
    filename = HiddenField()

    def __init__(self, participants, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider.choices = [SelectChoice(0, _l("From the column “provider_code” of the file"))] + [
            _provider_choice(participant) for participant in participants
        ]


def _provider_choice(participant) -> SelectChoice:
    return SelectChoice(participant.provider_id, f"{participant.provider.name} ({participant.provider.code})")
