"""Forms of the questionnaire pages for staff: workbook uploads and the publish button."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField
from wtforms.validators import StopValidation

from survey_app.forms import BrowserForm

#: An XLSForm or a translators' workbook is a few hundred kilobytes; 5 MB leaves room for pictures.
MAX_WORKBOOK_MB = 5


def workbook_size(form, field) -> None:
    """Refuse an empty file and one above :data:`MAX_WORKBOOK_MB` before anything reads it."""
    stream = field.data.stream
    size = stream.seek(0, 2)
    stream.seek(0)
    if size == 0:
        raise StopValidation(_l("The file is empty."))
    if size > MAX_WORKBOOK_MB * 1024 * 1024:
        raise StopValidation(_l("The file is larger than %(limit)s MB.", limit=MAX_WORKBOOK_MB))


def _workbook_field(label, description):
    return FileField(
        label,
        description=description,
        validators=[
            FileRequired(_l("Choose an Excel workbook (.xlsx).")),
            FileAllowed(["xlsx"], _l("The file must be an Excel workbook ending in .xlsx.")),
            workbook_size,
        ],
        render_kw={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
    )


class ImportForm(BrowserForm):
    workbook = _workbook_field(
        _l("XLSForm workbook"),
        _l("An .xlsx file with the sheets survey, choices, settings and dimensions, up to %(limit)s MB.",
           limit=MAX_WORKBOOK_MB),
    )
    submit = SubmitField(_l("Check and import as a draft"))


class TranslationUploadForm(BrowserForm):
    workbook = _workbook_field(
        _l("Translated texts"),
        _l("The workbook downloaded above, with the language columns filled in (.xlsx, up to %(limit)s MB).",
           limit=MAX_WORKBOOK_MB),
    )
    submit = SubmitField(_l("Upload the translations"))


class PublishForm(BrowserForm):
    submit = SubmitField(_l("Publish this version"))


def workbook_bytes(form: ImportForm | TranslationUploadForm) -> bytes:
    return form.workbook.data.read()
