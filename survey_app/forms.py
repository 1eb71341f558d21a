"""The base of the app's forms: they read what a browser sends, and nothing else."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_wtf import FlaskForm
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from wtforms.csrf.core import CSRFTokenField
from wtforms.fields import FileField, SelectMultipleField
from wtforms.validators import ValidationError


class BrowserForm(FlaskForm):
    """A Flask-WTF form whose fields read the submitted form fields, and files only in its file fields.

    Flask-WTF also hands every uploaded file to every field and reads a JSON body as the form: a file, or a
    JSON number or list, sent under a text field's name reached its validators as an object they cannot read
    (``len()`` of a file, a list unpacked: a server error instead of the field's message).
    """

    class Meta:
        def wrap_formdata(self, form, formdata):
            if formdata is None or hasattr(formdata, "getlist"):  # given by the view, e.g. ``request.args``
                return formdata
            if not form.is_submitted():
                return None
            files = MultiDict([(name, upload) for name, upload in request.files.items(multi=True)
                               if name in form and isinstance(form[name], FileField)])
            return CombinedMultiDict((files, request.form)) if files else request.form or None

    def validate(self, extra_validators=None) -> bool:
        """A field holding a NUL character is refused before any validator reads it: no keyboard types one, and
        PostgreSQL can neither store one nor look one up (a lookup with it failed with a server error)."""
        unreadable = [field for field in self if not isinstance(field, CSRFTokenField)
                      and any(isinstance(value, str) and "\x00" in value for value in field.raw_data or ())]
        for field in unreadable:
            field.errors = [self.unreadable_message()]
        return not unreadable and super().validate(extra_validators)

    def unreadable_message(self) -> str:
        return _("Some characters here could not be read. Please type this again.")


def stripped(value):
    """A WTForms filter: text without the spaces around it, so a field of only spaces counts as empty."""
    return value.strip() if isinstance(value, str) else value


# WTForms' own message, translated by its catalogue (not the app's: a literal here would be extracted into it).
NOT_A_VALID_CHOICE = "Not a valid choice."


class OfferedChoices(SelectMultipleField):
    """Several choices among those offered. A value not offered gets WTForms' "Not a valid choice." rather than its
    list of the values refused: that message is fuzzy, so untranslated, in WTForms' Russian catalogue (English on a
    Russian page)."""

    def pre_validate(self, form):
        try:
            super().pre_validate(form)
        except ValidationError:
            raise ValidationError(self.gettext(NOT_A_VALID_CHOICE)) from None
