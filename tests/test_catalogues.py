"""The interface catalogues (kk, ru, uk, en): complete, not fuzzy, placeholders intact, the right
number of plural forms, every string of the code present, and every catalogue compiles.

No app is needed: the strings are extracted from the source with Babel's API the way
``make translations-update`` runs ``pybabel extract`` (mapping from ``babel.cfg``, the default
keywords plus the ``-k`` keywords of the Makefile's extract command).
"""

from __future__ import annotations

import gettext
import io
import re
import shlex
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import denormalize, read_po

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations"
# Language -> number of plural forms its header must declare (and every plural entry must have).
NPLURALS = {"kk": 2, "ru": 3, "uk": 3, "en": 2}
LANGUAGES = sorted(NPLURALS)

# A printf conversion: %(name)s, %d, %5.2f … (``%%`` is matched too, then ignored).
CONVERSION = re.compile(
    r"%(?:\((?P<name>[^)]*)\))?[#0\- +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<type>[diouxXeEfFgGcrsa%])"
)


def po_path(language: str) -> Path:
    return TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"


def relative(path: Path) -> str:
    return str(path.relative_to(ROOT))


@cache
def catalogue(language: str) -> Catalog:
    with po_path(language).open("rb") as fileobj:
        return read_po(fileobj, locale=language)


def entries(language: str) -> list[Message]:
    return [message for message in catalogue(language) if message.id]


def label(message: Message) -> str:
    """How a failure names an entry: its msgid (singular / plural) and context, if any."""
    text = " / ".join(message.id) if isinstance(message.id, (list, tuple)) else message.id
    return f"{text!r}" + (f" (context {message.context!r})" if message.context else "")


def placeholders(text: str) -> tuple[Counter, tuple[str, ...]]:
    """Named conversions counted by name and type; unnamed ones in their order."""
    named: Counter = Counter()
    unnamed = []
    for match in CONVERSION.finditer(text):
        if match["type"] == "%":
            continue
        if match["name"] is not None:
            named[f"%({match['name']}){match['type']}"] += 1
        else:
            unnamed.append(f"%{match['type']}")
    return named, tuple(unnamed)


def describe(found: tuple[Counter, tuple[str, ...]]) -> str:
    named, unnamed = found
    return ", ".join(sorted(named.elements()) + list(unnamed)) or "none"


def extract_command() -> tuple[Path, list[str]]:
    """The mapping file and the extra keywords of the ``pybabel extract`` line of the Makefile."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    match = re.search(r"pybabel extract (.+)", makefile)
    assert match, "Makefile: no `pybabel extract` command found (target translations-update)"
    args = shlex.split(match.group(1))
    mapping, keywords = None, []
    for flag, value in zip(args, args[1:], strict=False):
        if flag in ("-F", "--mapping-file"):
            mapping = value
        elif flag in ("-k", "--keyword", "--keywords"):
            keywords.extend(value.split())
    assert mapping, "Makefile: the `pybabel extract` command has no -F mapping file"
    assert "--no-default-keywords" not in args, "Makefile: update this test for --no-default-keywords"
    return ROOT / mapping, keywords


@cache
def source_messages() -> dict[tuple[str | None, object], list[str]]:
    """(context, msgid) -> where it occurs, for every translatable string in the code and templates."""
    mapping, extra_keywords = extract_command()
    with mapping.open(encoding="utf-8") as fileobj:
        method_map, options_map = parse_mapping_cfg(fileobj, filename=str(mapping))
    keywords = DEFAULT_KEYWORDS.copy()
    keywords.update(parse_keywords(extra_keywords))
    found: dict[tuple[str | None, object], list[str]] = {}
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        msgid = tuple(message) if isinstance(message, (list, tuple)) else message
        found.setdefault((context, msgid), []).append(f"{filename}:{lineno}")
    return found


def catalogue_key(message: Message) -> tuple[str | None, object]:
    msgid = tuple(message.id) if isinstance(message.id, (list, tuple)) else message.id
    return message.context, msgid


def test_extraction_finds_the_code_strings():
    """Guards the guard: if extraction found nothing, the comparison below would prove nothing."""
    found = source_messages()
    assert (None, "Quick exit") in found, "extraction did not find _('Quick exit') in the templates"
    assert (None, "The expression is empty.") in found, "extraction did not find the _l() strings"
    assert any(isinstance(msgid, tuple) for _context, msgid in found), "extraction found no ngettext()"


@pytest.mark.parametrize("language", LANGUAGES)
def test_header_declares_the_plural_forms(language):
    cat = catalogue(language)
    assert cat.num_plurals == NPLURALS[language], (
        f"{relative(po_path(language))}: the header declares nplurals={cat.num_plurals} "
        f"(Plural-Forms: {cat.plural_forms!r}), expected {NPLURALS[language]}"
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_entry_is_translated_and_not_fuzzy(language):
    cat = catalogue(language)
    problems = []
    if cat.fuzzy:
        problems.append("the header is marked fuzzy (pybabel compile would skip the whole catalogue)")
    for message in entries(language):
        if message.fuzzy:
            problems.append(f"fuzzy: {label(message)}")
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not strings or any(not (text or "").strip() for text in strings):
            problems.append(f"untranslated: {label(message)}")
    assert not problems, f"{relative(po_path(language))}:\n  " + "\n  ".join(problems)


def plural_forms_in_file(path: Path) -> list[tuple[str, list[int]]]:
    """(msgid, indices of its ``msgstr[N]`` lines) for every plural entry, read from the file itself:
    Babel's reader pads missing forms and drops extra ones, so it cannot show a wrong count."""
    found = []
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8")):
        lines = [line for line in block.splitlines() if not line.startswith("#")]
        if not any(line.startswith("msgid_plural ") for line in lines):
            continue
        text = "\n".join(lines)
        msgid = re.search(r"^msgid (.*?)^msgid_plural ", text, re.MULTILINE | re.DOTALL)
        singular = denormalize(msgid.group(1).strip()) if msgid else text.splitlines()[0]
        found.append((singular, [int(index) for index in re.findall(r"^msgstr\[(\d+)\]", text, re.MULTILINE)]))
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_entries_have_as_many_forms_as_the_header(language):
    expected = list(range(catalogue(language).num_plurals))
    in_file = plural_forms_in_file(po_path(language))
    problems = [
        f"{singular!r} has msgstr{indices}, expected msgstr[0]…msgstr[{expected[-1]}] (nplurals={len(expected)})"
        for singular, indices in in_file
        if indices != expected
    ]
    problems += [
        f"{label(message)} is singular in the source but has plural forms here"
        for message in entries(language)
        if not message.pluralizable and isinstance(message.string, (list, tuple))
    ]
    plural_ids = sum(1 for message in entries(language) if message.pluralizable)
    assert len(in_file) == plural_ids, (
        f"{relative(po_path(language))}: found {len(in_file)} plural entries in the file, Babel reads {plural_ids}"
    )
    assert not problems, f"{relative(po_path(language))}:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_match_the_msgid(language):
    problems = []
    for message in entries(language):
        if message.pluralizable:
            source = message.id[1]  # every form is compared with msgid_plural
            forms = message.string if isinstance(message.string, (list, tuple)) else [message.string]
            targets = [(f"msgstr[{index}]", text) for index, text in enumerate(forms)]
        else:
            source = message.id
            targets = [("msgstr", message.string)]
        expected = placeholders(source)
        for where, text in targets:
            if not text:
                continue  # reported as untranslated
            found = placeholders(text)
            if found != expected:
                problems.append(
                    f"{label(message)} {where}: has {describe(found)}, the msgid has {describe(expected)}"
                )
    assert not problems, f"{relative(po_path(language))}:\n  " + "\n  ".join(problems)


def test_english_catalogue_repeats_the_source():
    problems = []
    for message in entries("en"):
        expected = list(message.id) if message.pluralizable else message.id
        actual = list(message.string) if isinstance(message.string, (list, tuple)) else message.string
        if actual != expected:
            problems.append(f"{label(message)}: msgstr is {actual!r}")
    assert not problems, f"{relative(po_path('en'))}: msgstr must equal msgid:\n  " + "\n  ".join(problems)


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_has_every_string_of_the_code(language):
    present = {catalogue_key(message) for message in entries(language)}
    missing = {key: where for key, where in source_messages().items() if key not in present}
    lines = [
        f"{' / '.join(msgid) if isinstance(msgid, tuple) else msgid!r}"
        + (f" (context {context!r})" if context else "")
        + f"  [{', '.join(where[:3])}{' …' if len(where) > 3 else ''}]"
        for (context, msgid), where in sorted(missing.items(), key=lambda item: str(item[0][1]))
    ]
    assert not missing, (
        f"{relative(po_path(language))} misses {len(missing)} msgid(s) found in the code "
        f"(run `make translations-update`, then translate them):\n  " + "\n  ".join(lines)
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalogue_compiles(language):
    cat = catalogue(language)
    errors = [
        f"{label(message)}: {'; '.join(str(error) for error in message_errors)}"
        for message, message_errors in cat.check()
    ]
    assert not errors, f"{relative(po_path(language))}: Babel's checks fail:\n  " + "\n  ".join(errors)
    buffer = io.BytesIO()
    write_mo(buffer, cat)
    buffer.seek(0)
    compiled = gettext.GNUTranslations(buffer)
    for message in entries(language):
        if message.pluralizable:
            singular, plural = message.id
            for n in (1, 2, 5):
                text = compiled.ngettext(singular, plural, n)
                assert text in message.string, (
                    f"{relative(po_path(language))}: compiled ngettext({singular!r}, n={n}) gave {text!r}"
                )
        elif not message.context:
            assert compiled.gettext(message.id) == message.string, (
                f"{relative(po_path(language))}: compiled catalogue lost {label(message)}"
            )
