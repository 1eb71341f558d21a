"""The comment filters (a GET form: reading changes nothing) and the acknowledgment of an alert."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, ValidationError

from survey_app.access import sees_safeguarding
from survey_app.comments.services import CommentFilters, campaign_choices, provider_choices, question_choices
from survey_app.forms import BrowserForm
from survey_app.i18n import LANGUAGE_NAMES
from survey_app.models import User
from survey_app.models.safeguarding import MAX_NOTE_LENGTH

MAX_SEARCH = 100
# A search is run on the stored text, personal data included, so it must not be able to test whether
# a comment holds a given phone number, ID number or address: no digits, no "@".
NOT_SEARCHABLE = re.compile(r"[\d@]")


class ChoiceField(SelectField):
    """A select whose only valid values are those offered (ids in the user's scope)."""

    def pre_validate(self, form):
        if self.data and self.data not in {choice.value for choice in self.choices}:
            raise ValidationError(_("Choose one of the options shown."))


class CommentFilterForm(BrowserForm):
    class Meta:
        csrf = False  # a GET form

    campaign = ChoiceField(_l("Campaign"))
    provider = ChoiceField(_l("Provider"))
    question = ChoiceField(_l("Question"))
    language = ChoiceField(_l("Language of the answer"))
    safeguarding = BooleanField(_l("Only comments with a safeguarding alert"))
    q = StringField(_l("Words in the comment"), validators=[Length(max=MAX_SEARCH)])

    def offer(self, user: User, language: str) -> CommentFilterForm:
        """Fill the lists with what the user may see."""
        self.campaign.choices = [SelectChoice("", _("All campaigns"))] + [
            SelectChoice(str(campaign.id), campaign.name) for campaign in campaign_choices(user)]
        self.provider.choices = [SelectChoice("", _("All providers"))] + [
            SelectChoice(str(provider.id), provider.name) for provider in provider_choices(user)]
        self.question.choices = [SelectChoice("", _("All open questions"))] + [
            SelectChoice(name, label) for name, label in question_choices(user, language)]
        self.language.choices = [SelectChoice("", _("All languages"))] + [
            SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()]
        self.offers_safeguarding = sees_safeguarding(user)
        return self

    def validate_q(self, field):
        if field.data and NOT_SEARCHABLE.search(field.data):
            raise ValidationError(_("Search for words only: numbers and e-mail addresses cannot be searched, "
                                    "because they may be personal data."))

    def filters(self) -> CommentFilters:
        def number(field):
            return int(field.data) if field.data else None

        return CommentFilters(
            campaign_id=number(self.campaign),
            provider_id=number(self.provider),
            question=self.question.data or None,
            language=self.language.data or None,
            safeguarding_only=bool(self.safeguarding.data) and self.offers_safeguarding,
            search=(self.q.data or "").strip() or None,
        )


class AcknowledgeForm(BrowserForm):
    note = TextAreaField(_l("What was done"), validators=[
        DataRequired(_l("Write what was done, or why no follow-up is needed.")),
        Length(max=MAX_NOTE_LENGTH, message=_l("Write at most %(max)d characters.")),
    ])
