"""The wording printed on posters and slips, in all four languages at once, whatever the interface language.

The text comes from the interface catalogues (a translator fills them), read with ``force_locale``
language by language. A language whose catalogue does not have the text yet is left off the print
and named, so a poster never shows English under the heading "Қазақша".
"""

from __future__ import annotations

from flask import current_app
from flask_babel import force_locale, gettext

from survey_app.campaigns.printing import LanguageText
from survey_app.i18n import LANGUAGE_NAMES

SOURCE_LANGUAGE = "en"  # the language the messages are written in


def print_languages(first_language: str) -> list[str]:
    """The campaign's language first (Kazakh in Kazakhstan, Ukrainian in Ukraine), then the others."""
    languages = list(current_app.config["LANGUAGES"])
    return [first_language] + [language for language in languages if language != first_language]


def _wording(language: str, code_address: str) -> LanguageText:
    with force_locale(language):
        return LanguageText(
            language=language,
            language_name=LANGUAGE_NAMES[language],
            headline=gettext("Tell us how well you are served"),
            details=gettext("Anonymous, about 10 minutes. Your services never depend on your answers."),
            code_line=gettext("Or type the code from your slip at %(address)s", address=code_address),
            slip_line=gettext("Anonymous survey about your services. Enter the code at:"),
        )


def printed_texts(first_language: str, code_address: str) -> tuple[tuple[LanguageText, ...], list[str]]:
    """The wording in every language that has it, first language first, and the languages that lack it."""
    source = _wording(SOURCE_LANGUAGE, code_address)
    texts, missing = [], []
    for language in print_languages(first_language):
        wording = source if language == SOURCE_LANGUAGE else _wording(language, code_address)
        untranslated = language != SOURCE_LANGUAGE and any(
            getattr(wording, part) == getattr(source, part) for part in ("headline", "details", "code_line",
                                                                        "slip_line")
        )
        if untranslated:
            missing.append(language)
        else:
            texts.append(wording)
    return tuple(texts), missing
