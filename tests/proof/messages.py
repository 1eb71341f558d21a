"""What a refusal says, and whether it says it in the page's language.

A refusal (a 4xx page) must tell the person what is wrong: the error summary and the messages next to
the fields of a form, the table of problems of an uploaded file, or the heading and sentence of an error
page (one whose content is that panel and no form: a form refused without a word fails). A JSON refusal
carries its ``message`` (and those of its ``errors``). Every such message, on any page that shows one,
must be in the page's language: in Kazakh, Russian or Ukrainian a message without a
Cyrillic letter is the English source text, which is a defect when the compiled catalogue has its
translation (the code bypassed gettext or translated in the wrong language) or when it is no catalogue
string at all (an English exception text shown as is). A source text whose translation is still empty
in the catalogue is the translators' open work, which ``tests/test_catalogues.py`` reports; it is
counted here, not failed.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from babel.messages.pofile import read_po
from babel.support import Translations

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
HTML_LANG = re.compile(r'<html lang="([^"]*)"')
TAG = re.compile(r"<[^>]+>")
SUMMARY = re.compile(r'<div class="error-summary".*?</div>', re.S)
ITEM = re.compile(r"<li[^>]*>(.*?)</li>", re.S)
SUMMARY_TITLE = re.compile(r"<h2[^>]*>(.*?)</h2>", re.S)
FIELD_MESSAGE = re.compile(r'class="error-message"[^>]*>(.*?)</(?:p|span|div)>', re.S)
# A file's problems: one table row each, what is wrong in the last cell (the others hold the file's own text).
PROBLEMS = re.compile(r'<table class="problems".*?<tbody>(.*?)</tbody>', re.S)
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
LAST_CELL = re.compile(r"<td[^>]*>((?:(?!<td).)*?)</td>\s*$", re.S)
MAIN = re.compile(r"<main[^>]*>(.*?)</main>", re.S)
FLASH = re.compile(r'^\s*(?:<p class="flash[^"]*"[^>]*>.*?</p>\s*)*', re.S)
ERROR_PANEL = re.compile(r'<div class="panel">\s*<h1[^>]*>(.*?)</h1>\s*<p>(.*?)</p>', re.S)
PLACEHOLDER = re.compile(r"%\((\w+)\)[sdif]|%[sdif]")
NON_ENGLISH = ("kk", "ru", "uk")


def _text(fragment: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def error_messages(page: str) -> list[str]:
    """The messages of a form or an upload that was refused: the error summary (its heading when it has no list),
    the messages beside the fields, what is wrong with each row of a file."""
    found = []
    for summary in SUMMARY.findall(page):
        found += ITEM.findall(summary) or SUMMARY_TITLE.findall(summary)
    found += FIELD_MESSAGE.findall(page)
    for rows in PROBLEMS.findall(page):
        found += [cell.group(1) for row in ROW.findall(rows) if (cell := LAST_CELL.search(row))]
    return [text for text in map(_text, found) if text]


def error_page_messages(page: str) -> list[str]:
    """The heading and sentence of an error page: its content is that panel, and it holds no form."""
    main = MAIN.search(page)
    if main is None or "<form" in main.group(1):
        return []
    content = main.group(1)[FLASH.match(main.group(1)).end():]
    panel = ERROR_PANEL.match(content)
    return [text for text in map(_text, panel.groups()) if text] if panel else []


def refusal_messages(page: str) -> list[str]:
    """What a refused page says, most specific first: the form's or file's messages, else the error page's."""
    return error_messages(page) or error_page_messages(page)


def json_messages(value) -> list[str]:
    """Every ``message`` of a JSON answer (a refusal's, and those of its list of errors)."""
    if isinstance(value, dict):
        found = [value["message"]] if isinstance(value.get("message"), str) else []
        return found + [text for key, item in value.items() if key != "message" for text in json_messages(item)]
    if isinstance(value, list):
        return [text for item in value for text in json_messages(item)]
    return []


def page_language(page: str) -> str | None:
    match = HTML_LANG.search(page)
    return match.group(1) if match else None


@cache
def _sources() -> tuple[tuple[str, re.Pattern], ...]:
    """Every source text of the interface, with a pattern that matches it once its placeholders are filled."""
    with (TRANSLATIONS / "messages.pot").open("rb") as handle:
        template = read_po(handle)
    sources = []
    for message in template:
        for text in (message.id if isinstance(message.id, (list, tuple)) else (message.id,)):
            if text:
                normalised = " ".join(text.split())
                pattern = ".+?".join(re.escape(part) for part in PLACEHOLDER.split(normalised)[::2])
                sources.append((text, re.compile(pattern, re.S)))
    return tuple(sources)


@cache
def _compiled(language: str) -> dict[str, str]:
    """Source text -> translation, as the running app has it (the compiled .mo, not the .po)."""
    catalogue = Translations.load(str(TRANSLATIONS), [language])
    return {key if isinstance(key, str) else key[0]: value for key, value in getattr(catalogue, "_catalog", {}).items()
            if key and value}


@dataclass
class LanguageCheck:
    """Counts of the messages checked, and the source texts still waiting for a translation."""

    checked: dict[str, int] = field(default_factory=lambda: dict.fromkeys(NON_ENGLISH, 0))
    untranslated_in_catalogue: set[tuple[str, str]] = field(default_factory=set)

    def problems(self, page: str, messages: list[str] | None = None) -> list[str]:
        """Why a page's messages (its refusal messages unless given) are not in its language (empty when they are)."""
        return self.problems_in(page_language(page), refusal_messages(page) if messages is None else messages)

    def problems_in(self, language: str | None, messages: list[str]) -> list[str]:
        """Why these messages, shown to someone reading ``language``, are not in it (empty when they are)."""
        if language not in NON_ENGLISH:
            return []
        problems = []
        for message in messages:
            self.checked[language] += 1
            if CYRILLIC.search(message):
                continue
            sources = [text for text, pattern in _sources() if pattern.fullmatch(message)]
            if not sources:
                problems.append(f"{message!r} is shown in English and is not a catalogue string")
            elif any(text in _compiled(language) for text in sources):
                problems.append(f"{message!r} has a {language} translation but is shown in English")
            else:
                self.untranslated_in_catalogue.update((language, text) for text in sources)
        return problems
