"""The draft translations (tests/staff/drafts.py) cover every string of the staff pages, keep their
placeholders, and have the plural forms each language needs."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from tests.staff.drafts import DRAFTS

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
PLURAL_FORMS = {"ru": 3, "kk": 2}


def staff_messages() -> set:
    found = set()
    for method, pattern in (("python", "**.py"), ("jinja2", "**/templates/**.html")):
        for _filename, _lineno, message, _comments, _context in extract_from_dir(
                ROOT / "survey_app" / "staff", method_map=[(pattern, method)],
                keywords={"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None}):
            found.add(message)
    return found


def translated(language: str) -> set:
    with open(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po", "rb") as po:
        catalog = read_po(po)
    return {message.id for message in catalog if message.id and message.string and all(message.string)
            if not message.fuzzy}


def test_every_staff_string_has_a_draft_until_the_catalogues_have_it():
    messages = staff_messages()
    assert set(DRAFTS) <= messages, "a draft for a string the pages no longer use"
    for language in PLURAL_FORMS:
        assert messages - translated(language) <= set(DRAFTS), language


def test_drafts_keep_placeholders_and_plural_forms():
    for message, texts in DRAFTS.items():
        source = message if isinstance(message, str) else message[1]
        expected = set(PLACEHOLDER.findall(source))
        for language, text in texts.items():
            forms = (text,) if isinstance(text, str) else text
            if not isinstance(message, str):
                assert len(forms) == PLURAL_FORMS[language], (message, language)
            for form in forms:
                assert set(PLACEHOLDER.findall(form)) <= expected | {"num"}, (message, language)
                if isinstance(message, str):
                    assert set(PLACEHOLDER.findall(form)) == expected, (message, language)
