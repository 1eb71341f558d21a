"""Parse, validate and export XLSForm instruments, and pass their texts to and from translators.

Pure Python (openpyxl): no Flask app and no database. The layout is XLSForm's, with Sapa's extra
columns (``proxy_label``, ``dimension``, ``reverse``, ``profile``) and a ``dimensions`` sheet:

``survey``
    ``type, name, label::English (en) …, hint::…, proxy_label::…, required, required_message::…,
    relevant, constraint, constraint_message::…, appearance, calculation, [parameters], dimension,
    reverse, profile``
``choices``
    ``list_name, name, label::…``
``settings``
    ``form_title, form_title::…, form_id, version, default_language``
``dimensions``
    ``name, label::…``

A text column is ``<base>::<Language name> (<code>)``; the code in parentheses decides the language
(kk, ru, uk or en). A plain ``label`` (or ``hint``, ``form_title`` …) is the default language's text
where that language has no column of its own (or leaves the cell empty).

Texts are kept in one dictionary keyed by ``(key, language)`` with keys ``title``, ``label:<item>``,
``hint:<item>``, ``proxy_label:<item>``, ``required_message:<item>``, ``constraint_message:<item>``,
``choice:<list>:<choice>`` and ``dimension:<code>``. Only non-empty texts are stored.

Every problem in a workbook is collected before :class:`XLSFormError` is raised, so an author sees
them all at once; each :class:`Problem` names the sheet, row and column and has a translated message.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l
from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from survey_app.instruments import expressions

__all__ = [
    "COLUMN_LANGUAGES",
    "ITEM_TYPES",
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "PROFILE_FIELDS",
    "ChoiceDef",
    "FormDefinition",
    "ItemDef",
    "Problem",
    "XLSFormError",
    "apply_translations",
    "completeness",
    "export_translations",
    "export_xlsform",
    "missing_texts",
    "parse_xlsform",
]

#: Supported languages, in the order used for ``FormDefinition.languages`` (the app's order).
LANGUAGES = ("kk", "ru", "uk", "en")
#: Order of the language columns in exported sheets.
COLUMN_LANGUAGES = ("en", "ru", "kk", "uk")
#: Language names in their own script, used in column headers.
LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "kk": "Қазақша", "uk": "Українська"}

ITEM_TYPES = (
    "select_one",
    "select_multiple",
    "integer",
    "decimal",
    "range",
    "text",
    "note",
    "calculate",
    "begin_group",
)
#: Types a respondent sees as a question or note: each needs a label in every language.
LABELLED_TYPES = ("select_one", "select_multiple", "integer", "decimal", "range", "text", "note")
PROFILE_FIELDS = ("age_band", "sex", "recipient_category", "self_rated_health", "assistance")

SURVEY_TEXTS = ("label", "hint", "proxy_label", "required_message", "constraint_message")
_SURVEY_PLAIN = (
    "type",
    "name",
    "required",
    "relevant",
    "constraint",
    "appearance",
    "calculation",
    "parameters",
    "dimension",
    "reverse",
    "profile",
)
_SHEETS = {
    "survey": (_SURVEY_PLAIN, SURVEY_TEXTS),
    "choices": (("list_name", "name"), ("label",)),
    "settings": (("form_id", "version", "default_language"), ("form_title",)),
    "dimensions": (("name",), ("label",)),
}
_COLUMN_ALIASES = {"list name": "list_name"}
_RANGE_PARAMETERS = ("start", "end", "step")

_NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_CHOICE_NAME_RE = re.compile(r"-[0-9]+|[A-Za-z0-9_][A-Za-z0-9_.-]*")
_INTEGER_RE = re.compile(r"-?[0-9]+")
_NUMBER_RE = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_TEXT_COLUMN_RE = re.compile(r"(?P<base>[^:]+?)\s*::\s*(?P<language>.*?)\s*")
_LANGUAGE_RE = re.compile(r"(?P<name>.*?)\s*\(\s*(?P<code>[A-Za-z_-]+)\s*\)")
# What openpyxl raises for a file that is not an .xlsx workbook.
_NOT_A_WORKBOOK = (
    zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError
)
_TRUE = {"yes", "true", "true()", "1"}
_FALSE = {"", "no", "false", "false()", "0"}


# --------------------------------------------------------------------------- definitions


@dataclass(frozen=True)
class ChoiceDef:
    """One option of a choice list; ``score`` is ``int(name)`` for an integer name, else ``None``."""

    name: str
    score: int | None = None
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class ItemDef:
    """One row of the survey sheet (``end group`` rows are not items).

    ``type`` is one of :data:`ITEM_TYPES`; ``group`` is the innermost enclosing group (``None`` at
    the top level, so for a top-level group itself); ``row`` is the sheet row (not compared).
    """

    name: str
    type: str
    list_name: str | None = None
    group: str | None = None
    dimension: str | None = None
    reverse: bool = False
    required: bool = False
    relevant: str | None = None
    constraint: str | None = None
    calculation: str | None = None
    appearance: str | None = None
    parameters: dict[str, str] = field(default_factory=dict)
    profile: str | None = None
    row: int = field(default=0, compare=False)


@dataclass(frozen=True)
class FormDefinition:
    """A parsed, valid instrument version. ``texts`` maps ``(key, language)`` to a non-empty text."""

    form_id: str
    version: int
    default_language: str
    languages: tuple[str, ...]
    items: tuple[ItemDef, ...]
    choice_lists: dict[str, tuple[ChoiceDef, ...]]
    dimensions: tuple[str, ...]
    texts: dict[tuple[str, str], str]

    def text(self, key: str, language: str) -> str | None:
        """The text for ``key`` in ``language`` (no fallback), or ``None``."""
        return self.texts.get((key, language))

    def item(self, name: str) -> ItemDef | None:
        return next((item for item in self.items if item.name == name), None)


# --------------------------------------------------------------------------- problems


def _detail(code: str, p: dict):
    """The translated sentence for one problem code (``p`` holds every placeholder)."""
    messages = {
        "unreadable_file": lambda: _l("The file cannot be read as an Excel workbook (.xlsx)."),
        "missing_sheet": lambda: _l("The workbook has no sheet “%(sheet)s”.", **p),
        "missing_column": lambda: _l("The column “%(column)s” is missing.", **p),
        "duplicate_column": lambda: _l("This column appears more than once.", **p),
        "unknown_column": lambda: _l("This column is not supported; remove or rename it.", **p),
        "unsupported_language": lambda: _l(
            "The language “%(language)s” is not supported; use kk, ru, uk or en, written in "
            "parentheses, for example “label::Қазақша (kk)”.",
            **p,
        ),
        "missing_language": lambda: _l(
            "English texts are required: add the column “%(column)s” and fill it in.", **p
        ),
        "missing_translation": lambda: _l("The text in %(language)s is missing.", **p),
        "missing_type": lambda: _l("The type is empty.", **p),
        "unknown_type": lambda: _l("“%(type)s” is not a known question type.", **p),
        "missing_choice_list": lambda: _l(
            "“%(type)s” must be followed by the name of a choice list, for example “%(type)s agree5”.",
            **p,
        ),
        "unknown_choice_list": lambda: _l(
            "There is no choice list “%(list_name)s” in the choices sheet.", **p
        ),
        "missing_name": lambda: _l("The name is empty.", **p),
        "bad_name": lambda: _l(
            "“%(name)s” is not a valid name: use Latin letters, digits and underscores, "
            "starting with a letter.",
            **p,
        ),
        "duplicate_name": lambda: _l("The name “%(name)s” is already used in row %(first_row)s.", **p),
        "duplicate_choice": lambda: _l(
            "The choice “%(name)s” is already in the list “%(list_name)s” (row %(first_row)s).", **p
        ),
        "duplicate_dimension": lambda: _l(
            "The dimension “%(name)s” is already listed in row %(first_row)s.", **p
        ),
        "bad_expression": lambda: _l(
            "The expression cannot be read at character %(position)s: %(error)s", **p
        ),
        "unknown_reference": lambda: _l(
            "The expression refers to %(reference)s, which is not a question in this form.", **p
        ),
        "current_outside_constraint": lambda: _l(
            "“.” (the answer being checked) can only be used in a constraint.", **p
        ),
        "missing_calculation": lambda: _l("A calculate row needs a calculation.", **p),
        "unknown_dimension": lambda: _l(
            "“%(dimension)s” is not listed in the dimensions sheet.", **p
        ),
        "dimension_not_scale": lambda: _l(
            "Only a scored question (a choice list with numbered choices, or a range) can belong "
            "to a dimension.",
            **p,
        ),
        "reverse_not_scale": lambda: _l(
            "Only a scored question (a choice list with numbered choices, or a range) can be "
            "reverse-scored.",
            **p,
        ),
        "bad_boolean": lambda: _l("“%(value)s” is not “yes” or “no”.", **p),
        "unknown_profile": lambda: _l(
            "“%(profile)s” is not a profile field; use age_band, sex, recipient_category, "
            "self_rated_health or assistance.",
            **p,
        ),
        "duplicate_profile": lambda: _l(
            "The profile field “%(profile)s” is already used in row %(first_row)s.", **p
        ),
        "profile_not_select": lambda: _l("A profile question must be a select_one question.", **p),
        "bad_parameters": lambda: _l(
            "“%(value)s” is not valid: only a range takes parameters, written as "
            "“start=1 end=10 step=1” with numbers (start and end are required).",
            **p,
        ),
        "unclosed_group": lambda: _l("The group “%(name)s” is never closed with “end group”.", **p),
        "unmatched_end_group": lambda: _l("This “end group” has no matching “begin group”.", **p),
        "missing_form_id": lambda: _l("The form_id is missing.", **p),
        "missing_version": lambda: _l("The version is missing.", **p),
        "bad_version": lambda: _l(
            "“%(value)s” is not a valid version: use a positive whole number such as 2026112301.", **p
        ),
        "bad_default_language": lambda: _l(
            "The default language “%(language)s” has no texts in this form.", **p
        ),
        "missing_key": lambda: _l("The key is empty but the row has texts.", **p),
        "unknown_key": lambda: _l("The key “%(key)s” does not exist in this form.", **p),
        "duplicate_key": lambda: _l("The key “%(key)s” is already in row %(first_row)s.", **p),
    }
    return messages[code]()


_WHOLE_FILE = {"unreadable_file", "missing_sheet"}


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a workbook. ``row`` is the sheet row (1 = header); ``params`` fill the message."""

    sheet: str
    row: int | None
    column: str | None
    code: str
    params: dict = field(default_factory=dict)

    @property
    def detail(self):
        """What is wrong, without where (a lazy string), for a table that shows sheet, row and column."""
        return _detail(self.code, {**self.params, "sheet": self.sheet, "row": self.row, "column": self.column})

    @property
    def message(self):
        """A translated sentence naming sheet, row and column (a lazy string)."""
        detail = self.detail
        if self.code in _WHOLE_FILE:
            return detail
        if self.row is not None and self.column:
            return _l(
                "Sheet “%(sheet)s”, row %(row)s, column “%(column)s”: %(detail)s",
                sheet=self.sheet, row=self.row, column=self.column, detail=detail,
            )
        if self.row is not None:
            return _l(
                "Sheet “%(sheet)s”, row %(row)s: %(detail)s", sheet=self.sheet, row=self.row, detail=detail
            )
        if self.column:
            return _l(
                "Sheet “%(sheet)s”, column “%(column)s”: %(detail)s",
                sheet=self.sheet, column=self.column, detail=detail,
            )
        return _l("Sheet “%(sheet)s”: %(detail)s", sheet=self.sheet, detail=detail)


class XLSFormError(ValueError):
    """A workbook with problems; ``problems`` lists all of them in sheet order."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        return "\n".join(str(problem.message) for problem in self.problems)


# --------------------------------------------------------------------------- reading workbooks


def _read_workbook(source) -> dict[str, list[tuple]] | None:
    """Rows of every sheet (sheet names lower-cased), or ``None`` if the file is not a workbook."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        source = io.BytesIO(bytes(source))
    elif isinstance(source, (str, os.PathLike)):
        source = os.fspath(source)
    try:
        workbook = load_workbook(source, read_only=True, data_only=True)
    except FileNotFoundError:
        raise
    except _NOT_A_WORKBOOK:
        return None
    try:
        sheets = {}
        for worksheet in workbook.worksheets:
            worksheet.reset_dimensions()  # some writers record wrong dimensions
            rows = [tuple(row) for row in worksheet.iter_rows(values_only=True)]
            sheets.setdefault(worksheet.title.strip().lower(), rows)
        return sheets
    finally:
        workbook.close()


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _language_of(part: str) -> str | None:
    match = _LANGUAGE_RE.fullmatch(part)
    code = match.group("code") if match else part
    code = code.strip().lower()
    return code if code in LANGUAGES else None


def _column_header(base: str, language: str) -> str:
    return f"{base}::{LANGUAGE_NAMES[language]} ({language})"


@dataclass
class _Table:
    """One sheet: columns keyed by (base, language or None) and its non-blank rows."""

    name: str
    columns: dict[tuple[str, str | None], int]
    headers: dict[tuple[str, str | None], str]
    rows: list[tuple[int, tuple]]

    def has(self, base: str, language: str | None = None) -> bool:
        return (base, language) in self.columns

    def value(self, cells: tuple, base: str, language: str | None = None) -> str:
        index = self.columns.get((base, language))
        if index is None or index >= len(cells):
            return ""
        return _cell_text(cells[index])

    def raw(self, cells: tuple, base: str):
        index = self.columns.get((base, None))
        return cells[index] if index is not None and index < len(cells) else None

    def text_languages(self, base: str) -> list[str | None]:
        return [language for (b, language) in self.columns if b == base and language is not None]


def _table(name: str, rows: list[tuple], problems: list[Problem]) -> _Table:
    plain, texts = _SHEETS[name]
    columns: dict[tuple[str, str | None], int] = {}
    headers: dict[tuple[str, str | None], str] = {}
    header = rows[0] if rows else ()
    for index, cell in enumerate(header):
        text = _cell_text(cell)
        if not text:
            continue
        match = _TEXT_COLUMN_RE.fullmatch(text)
        if match:
            base = match.group("base").strip().lower()
            language = _language_of(match.group("language"))
            if base not in texts:
                problems.append(Problem(name, 1, text, "unknown_column"))
                continue
            if language is None:
                problems.append(
                    Problem(name, 1, text, "unsupported_language", {"language": match.group("language")})
                )
                continue
            key = (base, language)
        else:
            base = _COLUMN_ALIASES.get(text.lower(), text.lower())
            if base not in plain and base not in texts:
                problems.append(Problem(name, 1, text, "unknown_column"))
                continue
            key = (base, None)
        if key in columns:
            problems.append(Problem(name, 1, text, "duplicate_column"))
            continue
        columns[key] = index
        headers[key] = text
    data = [
        (number, cells)
        for number, cells in enumerate(rows[1:], start=2)
        if any(_cell_text(cells[i]) for i in columns.values() if i < len(cells))
    ]
    return _Table(name, columns, headers, data)


def _parse_bool(text: str) -> bool | None:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def _parse_parameters(text: str) -> dict[str, str] | None:
    parameters = {}
    for pair in text.replace(",", " ").replace(";", " ").split():
        key, sep, value = pair.partition("=")
        if not sep or not key or not value:
            return None
        parameters[key.strip().lower()] = value.strip()
    return parameters


def _score(name: str) -> int | None:
    return int(name) if _INTEGER_RE.fullmatch(name) else None


# --------------------------------------------------------------------------- parsing


class _FormReader:
    """Reads the sheets into definitions, collecting problems as it goes."""

    def __init__(self, sheets: dict[str, list[tuple]]):
        self.sheets = sheets
        self.problems: list[Problem] = []
        self.texts: dict[tuple[str, str], str] = {}
        # Where each text key is declared: key -> (sheet, row, base).
        self.text_rows: dict[str, tuple[str, int, str]] = {}
        self.default_language = "en"
        self.settings_row = 2
        self.tables: dict[str, _Table] = {}

    def problem(self, sheet, row, column, code, **params) -> None:
        self.problems.append(Problem(sheet, row, column, code, params))

    # -- texts

    def read_texts(self, table: _Table, cells: tuple, row: int, base: str, key: str) -> None:
        self.text_rows[key] = (table.name, row, base)
        for language in table.text_languages(base):
            text = table.value(cells, base, language)
            if text:
                self.texts[(key, language)] = text
        plain = table.value(cells, base)
        if plain and (key, self.default_language) not in self.texts:
            self.texts[(key, self.default_language)] = plain

    # -- settings

    def read_settings(self):
        table = self.tables.get("settings")
        if table is None:
            self.problem("settings", None, None, "missing_sheet")
            self.text_rows["title"] = ("settings", 2, "form_title")
            return None, None
        row, cells = table.rows[0] if table.rows else (2, ())
        self.settings_row = row
        language = table.value(cells, "default_language").lower()
        if language:
            if language in LANGUAGES:
                self.default_language = language
            else:
                self.problem("settings", row, "default_language", "unsupported_language", language=language)
        form_id = table.value(cells, "form_id")
        if not form_id:
            self.problem("settings", row, "form_id", "missing_form_id")
        elif not _NAME_RE.fullmatch(form_id):
            self.problem("settings", row, "form_id", "bad_name", name=form_id)
        version = self._version(table.raw(cells, "version"), row)
        self.read_texts(table, cells, row, "form_title", "title")
        return form_id, version

    def _version(self, raw, row: int) -> int | None:
        if raw is None or _cell_text(raw) == "":
            self.problem("settings", row, "version", "missing_version")
            return None
        text = _cell_text(raw)
        value = int(text) if not isinstance(raw, bool) and re.fullmatch(r"[0-9]+", text) else None
        if value is None or value <= 0:
            self.problem("settings", row, "version", "bad_version", value=_cell_text(raw))
            return None
        return value

    # -- choices

    def read_choices(self) -> dict[str, list[ChoiceDef]]:
        table = self.tables.get("choices")
        lists: dict[str, list[ChoiceDef]] = {}
        if table is None:
            return lists
        self.require_columns(table, ("list_name", "name"), "label")
        first: dict[tuple[str, str], int] = {}
        for row, cells in table.rows:
            list_name = table.value(cells, "list_name")
            name = table.value(cells, "name")
            if not list_name:
                self.problem("choices", row, "list_name", "missing_name")
                continue
            if not _NAME_RE.fullmatch(list_name):
                self.problem("choices", row, "list_name", "bad_name", name=list_name)
                continue
            if not name:
                self.problem("choices", row, "name", "missing_name")
                continue
            if not _CHOICE_NAME_RE.fullmatch(name):
                self.problem("choices", row, "name", "bad_name", name=name)
                continue
            if (list_name, name) in first:
                self.problem(
                    "choices", row, "name", "duplicate_choice",
                    name=name, list_name=list_name, first_row=first[(list_name, name)],
                )
                continue
            first[(list_name, name)] = row
            lists.setdefault(list_name, []).append(ChoiceDef(name, _score(name), row))
            self.read_texts(table, cells, row, "label", f"choice:{list_name}:{name}")
        return lists

    # -- dimensions

    def read_dimensions(self) -> list[str]:
        table = self.tables.get("dimensions")
        codes: list[str] = []
        if table is None:
            return codes
        self.require_columns(table, ("name",), "label")
        first: dict[str, int] = {}
        for row, cells in table.rows:
            name = table.value(cells, "name")
            if not name:
                self.problem("dimensions", row, "name", "missing_name")
            elif not _NAME_RE.fullmatch(name):
                self.problem("dimensions", row, "name", "bad_name", name=name)
            elif name in first:
                self.problem(
                    "dimensions", row, "name", "duplicate_dimension", name=name, first_row=first[name]
                )
            else:
                first[name] = row
                codes.append(name)
                self.read_texts(table, cells, row, "label", f"dimension:{name}")
        return codes

    # -- survey

    def require_columns(self, table: _Table, plain: tuple[str, ...], text_base: str | None) -> None:
        for base in plain:
            if not table.has(base):
                self.problem(table.name, 1, base, "missing_column")
        if text_base and not any(b == text_base for (b, _) in table.columns):
            self.problem(table.name, 1, _column_header(text_base, "en"), "missing_column")

    def read_survey(self) -> list[ItemDef]:
        table = self.tables.get("survey")
        items: list[ItemDef] = []
        if table is None:
            self.problem("survey", None, None, "missing_sheet")
            return items
        self.require_columns(table, ("type", "name"), "label")
        stack: list[tuple[str, int]] = []  # open groups: (name, row)
        first: dict[str, int] = {}
        for row, cells in table.rows:
            type_text = " ".join(table.value(cells, "type").split())
            kind, list_name = self.item_type(type_text, row)
            if kind == "end_group":
                if stack:
                    stack.pop()
                else:
                    self.problem("survey", row, "type", "unmatched_end_group")
                continue
            name = table.value(cells, "name")
            if not name:
                self.problem("survey", row, "name", "missing_name")
            elif not _NAME_RE.fullmatch(name):
                self.problem("survey", row, "name", "bad_name", name=name)
            elif name in first:
                self.problem("survey", row, "name", "duplicate_name", name=name, first_row=first[name])
            else:
                first[name] = row
            if kind is None or not name:
                continue
            for base in SURVEY_TEXTS:
                self.read_texts(table, cells, row, base, f"{base}:{name}")
            item = ItemDef(
                name=name,
                type=kind,
                list_name=list_name,
                group=stack[-1][0] if stack else None,
                dimension=table.value(cells, "dimension") or None,
                reverse=self.flag(table, cells, row, "reverse"),
                required=self.flag(table, cells, row, "required"),
                relevant=table.value(cells, "relevant") or None,
                constraint=table.value(cells, "constraint") or None,
                calculation=table.value(cells, "calculation") or None,
                appearance=table.value(cells, "appearance") or None,
                parameters=self.parameters(table, cells, row, kind),
                profile=table.value(cells, "profile") or None,
                row=row,
            )
            items.append(item)
            if kind == "begin_group":
                stack.append((name, row))
        for name, row in stack:
            self.problem("survey", row, "type", "unclosed_group", name=name)
        return items

    def item_type(self, type_text: str, row: int) -> tuple[str | None, str | None]:
        parts = type_text.split(" ")
        lowered = type_text.lower()
        if not type_text:
            self.problem("survey", row, "type", "missing_type")
        elif lowered in ("begin group", "begin_group"):
            return "begin_group", None
        elif lowered in ("end group", "end_group"):
            return "end_group", None
        elif parts[0] in ("select_one", "select_multiple"):
            if len(parts) == 1:
                self.problem("survey", row, "type", "missing_choice_list", type=parts[0])
            elif len(parts) == 2:
                return parts[0], parts[1]
            else:
                self.problem("survey", row, "type", "unknown_type", type=type_text)
        elif len(parts) == 1 and parts[0] in ITEM_TYPES:
            return parts[0], None
        else:
            self.problem("survey", row, "type", "unknown_type", type=type_text)
        return None, None

    def flag(self, table: _Table, cells: tuple, row: int, base: str) -> bool:
        text = table.value(cells, base)
        value = _parse_bool(text)
        if value is None:
            self.problem("survey", row, base, "bad_boolean", value=text)
            return False
        return value

    def parameters(self, table: _Table, cells: tuple, row: int, kind: str) -> dict[str, str]:
        text = table.value(cells, "parameters")
        if not text and kind != "range":
            return {}
        parameters = _parse_parameters(text)
        valid = (
            kind == "range"
            and parameters is not None
            and "start" in parameters
            and "end" in parameters
            and set(parameters) <= set(_RANGE_PARAMETERS)
            and all(_NUMBER_RE.fullmatch(value) for value in parameters.values())
        )
        if not valid:
            self.problem("survey", row, "parameters", "bad_parameters", value=text)
            return {}
        return parameters

    # -- checks across sheets

    def check_items(self, items: list[ItemDef], lists: dict[str, list[ChoiceDef]], dimensions: list[str]):
        names = {item.name for item in items if item.type != "begin_group"}
        profiles: dict[str, int] = {}
        uses_choices = any(item.list_name for item in items)
        uses_dimensions = any(item.dimension for item in items)
        if uses_choices and "choices" not in self.tables:
            self.problem("choices", None, None, "missing_sheet")
        if uses_dimensions and "dimensions" not in self.tables:
            self.problem("dimensions", None, None, "missing_sheet")
        for item in items:
            if item.list_name and "choices" in self.tables and item.list_name not in lists:
                self.problem("survey", item.row, "type", "unknown_choice_list", list_name=item.list_name)
            scored = _is_scale(item, lists)
            if item.dimension:
                if "dimensions" in self.tables and item.dimension not in dimensions:
                    self.problem(
                        "survey", item.row, "dimension", "unknown_dimension", dimension=item.dimension
                    )
                elif not scored:
                    self.problem("survey", item.row, "dimension", "dimension_not_scale")
            if item.reverse and not scored:
                self.problem("survey", item.row, "reverse", "reverse_not_scale")
            if item.profile:
                if item.profile not in PROFILE_FIELDS:
                    self.problem("survey", item.row, "profile", "unknown_profile", profile=item.profile)
                elif item.profile in profiles:
                    self.problem(
                        "survey", item.row, "profile", "duplicate_profile",
                        profile=item.profile, first_row=profiles[item.profile],
                    )
                else:
                    profiles[item.profile] = item.row
                    if item.type != "select_one":
                        self.problem("survey", item.row, "profile", "profile_not_select")
            if item.type == "calculate" and item.calculation is None:
                self.problem("survey", item.row, "calculation", "missing_calculation")
            for column in ("relevant", "constraint", "calculation"):
                self.check_expression(item, column, names)

    def check_expression(self, item: ItemDef, column: str, names: set[str]) -> None:
        text = getattr(item, column)
        if text is None:
            return
        try:
            expression = expressions.parse(text)
        except expressions.ExpressionError as error:
            self.problem(
                "survey", item.row, column, "bad_expression", error=error.message, position=error.position + 1
            )
            return
        for reference in sorted(expression.references() - names):
            self.problem("survey", item.row, column, "unknown_reference", reference="${" + reference + "}")
        if expression.uses_current and column != "constraint":
            self.problem("survey", item.row, column, "current_outside_constraint")

    def check_texts(self, items, lists, dimensions) -> tuple[str, ...]:
        present = {language for (_, language) in self.texts}
        languages = tuple(language for language in LANGUAGES if language in present)
        if "en" not in present:
            self.problem("survey", 1, _column_header("label", "en"), "missing_language", language="en")
        if present and self.default_language not in present:
            self.problem(
                "settings", self.settings_row, "default_language", "bad_default_language",
                language=self.default_language,
            )
        required_keys = ["title"]
        required_keys += [f"label:{item.name}" for item in items if item.type in LABELLED_TYPES]
        required_keys += [
            f"choice:{name}:{choice.name}" for name, choices in lists.items() for choice in choices
        ]
        required_keys += [f"dimension:{code}" for code in dimensions]
        keyed = {key for (key, _) in self.texts}
        checked = list(dict.fromkeys(required_keys + [key for key in self.text_rows if key in keyed]))
        for key in checked:
            sheet, row, base = self.text_rows[key]
            for language in languages:
                if (key, language) not in self.texts:
                    self.problem(
                        sheet, row, self.text_column(sheet, base, language), "missing_translation",
                        language=f"{LANGUAGE_NAMES[language]} ({language})", key=key,
                    )
        return languages

    def text_column(self, sheet: str, base: str, language: str) -> str:
        """The header of the column where a text in ``language`` belongs, as written in the sheet."""
        headers = self.tables[sheet].headers if sheet in self.tables else {}
        if (base, language) in headers:
            return headers[(base, language)]
        if language == self.default_language and (base, None) in headers:
            return headers[(base, None)]
        return _column_header(base, language)

    def read(self) -> FormDefinition:
        for name, rows in self.sheets.items():
            if name in _SHEETS:
                self.tables[name] = _table(name, rows, self.problems)
        form_id, version = self.read_settings()
        items = self.read_survey()
        lists = self.read_choices()
        dimensions = self.read_dimensions()
        self.check_items(items, lists, dimensions)
        languages = self.check_texts(items, lists, dimensions)
        if self.problems:
            raise XLSFormError(_sorted(self.problems))
        return FormDefinition(
            form_id=form_id,
            version=version,
            default_language=self.default_language,
            languages=languages,
            items=tuple(items),
            choice_lists={name: tuple(choices) for name, choices in lists.items()},
            dimensions=tuple(dimensions),
            texts=dict(self.texts),
        )


_SHEET_ORDER = {"": 0, "settings": 1, "survey": 2, "choices": 3, "dimensions": 4}


def _sorted(problems: list[Problem]) -> list[Problem]:
    return sorted(problems, key=lambda p: (_SHEET_ORDER.get(p.sheet, 5), p.sheet, p.row or 0))


def _is_scale(item: ItemDef, lists: dict) -> bool:
    if item.type == "range":
        return True
    if item.type != "select_one" or item.list_name not in lists:
        return False
    return sum(choice.score is not None for choice in lists[item.list_name]) >= 2


def parse_xlsform(source) -> FormDefinition:
    """Read and validate an XLSForm from bytes, a file object or a path.

    Raises :class:`XLSFormError` listing every problem found (:class:`FileNotFoundError` for a
    path that does not exist).
    """
    sheets = _read_workbook(source)
    if sheets is None:
        raise XLSFormError([Problem("", None, None, "unreadable_file")])
    return _FormReader(sheets).read()


# --------------------------------------------------------------------------- writing


def _put(worksheet, row: int, column: int, value) -> None:
    cell = worksheet.cell(row=row, column=column)
    if value is None or value == "":
        return
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, not a formula


def _write_rows(worksheet, headers: list[str], rows: list[tuple[int, list]]) -> None:
    for column, header in enumerate(headers, start=1):
        _put(worksheet, 1, column, header)
    for row, values in rows:
        for column, value in enumerate(values, start=1):
            _put(worksheet, row, column, value)


def _column_languages(form: FormDefinition) -> list[str]:
    return [language for language in COLUMN_LANGUAGES if language in form.languages]


def _survey_sheet(worksheet, form: FormDefinition) -> None:
    languages = _column_languages(form)
    with_parameters = any(item.parameters for item in form.items)
    headers: list[str] = ["type", "name"]

    def texts(base: str) -> list[str]:
        return [_column_header(base, language) for language in languages]

    headers += texts("label") + texts("hint") + texts("proxy_label") + ["required"]
    headers += texts("required_message") + ["relevant", "constraint"] + texts("constraint_message")
    headers += ["appearance", "calculation"] + (["parameters"] if with_parameters else [])
    headers += ["dimension", "reverse", "profile"]

    def values(item: ItemDef) -> list:
        def text(base: str) -> list:
            return [form.texts.get((f"{base}:{item.name}", language)) for language in languages]

        if item.type == "begin_group":
            type_text = "begin group"
        elif item.list_name:
            type_text = f"{item.type} {item.list_name}"
        else:
            type_text = item.type
        row = [type_text, item.name] + text("label") + text("hint") + text("proxy_label")
        row += ["yes" if item.required else None] + text("required_message")
        row += [item.relevant, item.constraint] + text("constraint_message")
        row += [item.appearance, item.calculation]
        if with_parameters:
            row += [" ".join(f"{key}={value}" for key, value in item.parameters.items()) or None]
        row += [item.dimension, "yes" if item.reverse else None, item.profile]
        return row

    rows: list[tuple[int, list]] = []
    cursor = 2
    stack: list[str] = []

    def close_to(group: str | None) -> None:
        nonlocal cursor
        while stack and stack[-1] != group:
            stack.pop()
            rows.append((cursor, ["end group"]))
            cursor += 1

    for item in form.items:
        close_to(item.group if item.group in stack else None)
        row = max(item.row, cursor)  # keep the original row numbers where they fit
        rows.append((row, values(item)))
        cursor = row + 1
        if item.type == "begin_group":
            stack.append(item.name)
    close_to(None)
    _write_rows(worksheet, headers, rows)


def export_xlsform(form: FormDefinition) -> bytes:
    """Write ``form`` in the layout :func:`parse_xlsform` reads (``parse(export(f)) == f``)."""
    languages = _column_languages(form)
    workbook = Workbook()
    survey = workbook.active
    survey.title = "survey"
    _survey_sheet(survey, form)

    choices = workbook.create_sheet("choices")
    rows = []
    cursor = 2
    entries = [(name, choice) for name, list_ in form.choice_lists.items() for choice in list_]
    # Original row order where rows are known; definitions built in code (rows 0) keep list order.
    ordered = sorted(enumerate(entries), key=lambda entry: (entry[1][1].row, entry[0]))
    for _, (name, choice) in ordered:
        original_row = choice.row
        row = max(original_row, cursor)
        labels = [form.texts.get((f"choice:{name}:{choice.name}", lang)) for lang in languages]
        rows.append((row, [name, choice.name, *labels]))
        cursor = row + 1
    _write_rows(choices, ["list_name", "name"] + [_column_header("label", lang) for lang in languages], rows)

    settings = workbook.create_sheet("settings")
    title = form.texts.get(("title", form.default_language))
    _write_rows(
        settings,
        ["form_title"] + [_column_header("form_title", lang) for lang in languages]
        + ["form_id", "version", "default_language"],
        [(2, [title] + [form.texts.get(("title", lang)) for lang in languages]
          + [form.form_id, form.version, form.default_language])],
    )

    dimensions = workbook.create_sheet("dimensions")
    _write_rows(
        dimensions,
        ["name"] + [_column_header("label", lang) for lang in languages],
        [(row, [code] + [form.texts.get((f"dimension:{code}", lang)) for lang in languages])
         for row, code in enumerate(form.dimensions, start=2)],
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --------------------------------------------------------------------------- translations


def _text_keys(form: FormDefinition) -> list[tuple[str, str]]:
    """Every text a complete form needs or has, with a short context for translators, in form order."""
    keyed = {key for (key, _) in form.texts}
    keys = [("title", "form title")]
    for item in form.items:
        if item.type == "begin_group":
            context = "begin group (page)" if item.group is None else "begin group"
        elif item.list_name:
            context = f"{item.type} {item.list_name}"
        else:
            context = item.type
        for base in SURVEY_TEXTS:
            key = f"{base}:{item.name}"
            if key in keyed or (base == "label" and item.type in LABELLED_TYPES):
                keys.append((key, f"{base} · {context}"))
    for name, choices in form.choice_lists.items():
        keys += [(f"choice:{name}:{choice.name}", f"choice in {name}") for choice in choices]
    keys += [(f"dimension:{code}", "dimension") for code in form.dimensions]
    return keys


def _possible_keys(form: FormDefinition) -> set[str]:
    keys = {key for key, _ in _text_keys(form)}
    keys |= {f"{base}:{item.name}" for item in form.items for base in SURVEY_TEXTS}
    return keys


def export_translations(form: FormDefinition) -> bytes:
    """A workbook for translators: one row per text, columns key, context, en, ru, kk, uk."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "translations"
    rows = [
        (row, [key, context] + [form.texts.get((key, language)) for language in COLUMN_LANGUAGES])
        for row, (key, context) in enumerate(_text_keys(form), start=2)
    ]
    _write_rows(sheet, ["key", "context", *COLUMN_LANGUAGES], rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def apply_translations(form: FormDefinition, xlsx_bytes: bytes) -> FormDefinition:
    """A new form with the texts of a translation workbook (as written by :func:`export_translations`).

    For every language column present, a filled cell sets the text and an empty cell removes it;
    languages without a column and keys without a row keep their texts. Unknown keys, duplicate
    keys and unknown columns are reported together as an :class:`XLSFormError`.
    """
    sheets = _read_workbook(xlsx_bytes)
    if sheets is None or not sheets:
        raise XLSFormError([Problem("", None, None, "unreadable_file")])
    sheet_name = "translations" if "translations" in sheets else next(iter(sheets))
    rows = sheets[sheet_name]
    problems: list[Problem] = []
    columns: dict[str, int] = {}
    for index, cell in enumerate(rows[0] if rows else ()):
        header = _cell_text(cell)
        if not header:
            continue
        name = header.lower() if header.lower() in ("key", "context") else _language_of(header)
        if name is None:
            problems.append(Problem(sheet_name, 1, header, "unknown_column"))
        elif name in columns:
            problems.append(Problem(sheet_name, 1, header, "duplicate_column"))
        else:
            columns[name] = index
    if "key" not in columns:
        problems.append(Problem(sheet_name, 1, "key", "missing_column"))
        raise XLSFormError(problems)
    languages = [language for language in LANGUAGES if language in columns]
    possible = _possible_keys(form)
    texts = dict(form.texts)
    first: dict[str, int] = {}

    def cell(cells: tuple, name: str) -> str:
        index = columns[name]
        return _cell_text(cells[index]) if index < len(cells) else ""

    for row, cells in enumerate(rows[1:], start=2):
        key = cell(cells, "key")
        if not key:
            if any(cell(cells, language) for language in languages):
                problems.append(Problem(sheet_name, row, "key", "missing_key"))
            continue
        if key not in possible:
            problems.append(Problem(sheet_name, row, "key", "unknown_key", {"key": key}))
            continue
        if key in first:
            problems.append(
                Problem(sheet_name, row, "key", "duplicate_key", {"key": key, "first_row": first[key]})
            )
            continue
        first[key] = row
        for language in languages:
            text = cell(cells, language)
            if text:
                texts[(key, language)] = text
            else:
                texts.pop((key, language), None)
    if problems:
        raise XLSFormError(problems)
    present = {language for (_, language) in texts}
    return dataclasses.replace(
        form, texts=texts, languages=tuple(language for language in LANGUAGES if language in present)
    )


def missing_texts(form: FormDefinition) -> dict[str, list[str]]:
    """For each of kk, ru, uk, en: the keys of the texts a complete form needs but lacks, in form order."""
    keys = [key for key, _ in _text_keys(form)]
    return {language: [key for key in keys if (key, language) not in form.texts] for language in LANGUAGES}


def completeness(form: FormDefinition) -> dict[str, tuple[int, int]]:
    """For each of kk, ru, uk, en: (texts present, texts a complete form needs)."""
    keys = [key for key, _ in _text_keys(form)]
    return {
        language: (sum((key, language) in form.texts for key in keys), len(keys)) for language in LANGUAGES
    }
