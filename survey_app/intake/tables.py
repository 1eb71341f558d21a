"""Read an uploaded CSV or XLSX file into a header and rows of text, the way a spreadsheet shows them.

Pure: no database. Row numbers are the spreadsheet's (the header is row 1), so a report can say
"row 14" and the user finds it. CSV: UTF-8 (with or without BOM) or Windows-1251, separated by
commas, semicolons (KoboToolbox's default) or tabs. XLSX: the first sheet (KoboToolbox puts repeat
groups on later sheets).
"""

from __future__ import annotations

import csv
import io
import warnings
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

_NOT_A_WORKBOOK = (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError, OSError, EOFError)
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls


class FileProblem(ValueError):
    """The file as a whole cannot be read; the message is translated and says what to do."""


@dataclass(frozen=True)
class Table:
    columns: list[str]
    rows: list[tuple[int, list[str]]]  # (row number in the file, one text per column)


def read_table(data: bytes) -> Table:
    if not data.strip():
        raise FileProblem(_("The file is empty."))
    if data.startswith(_OLE_MAGIC):
        raise FileProblem(_("This is an old Excel (.xls) file. Please save it as XLSX or CSV and try again."))
    if data.startswith(_ZIP_MAGIC):
        rows = _xlsx_rows(data)
    else:
        rows = _csv_rows(data)
    return _table(rows)


def _table(rows) -> Table:
    header: list[str] | None = None
    body: list[tuple[int, list[str]]] = []
    for number, cells in rows:
        if header is None:
            if not any(cells):
                continue  # blank lines above the header
            header = [cell.strip().lstrip("\ufeff") for cell in cells]
            continue
        if not any(cell.strip() for cell in cells):
            continue
        cells = list(cells[: len(header)]) + [""] * (len(header) - len(cells))
        body.append((number, cells))
    if header is None:
        raise FileProblem(_("The file is empty."))
    while header and not header[-1]:
        header.pop()
    if not header:
        raise FileProblem(_("The first row must hold the column names."))
    seen = set()
    for name in header:
        if name and name in seen:
            raise FileProblem(_("The column “%(column)s” appears twice. Each column name must be unique.",
                                column=name))
        seen.add(name)
    return Table(columns=header, rows=[(number, cells[: len(header)]) for number, cells in body])


def _csv_rows(data: bytes):
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1251")
        except UnicodeDecodeError:
            raise FileProblem(_("The file is neither a CSV file in UTF-8 nor an XLSX workbook.")) from None
    if "\x00" in text:
        raise FileProblem(_("The file is neither a CSV file in UTF-8 nor an XLSX workbook."))
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        # Records, not physical lines: a comment with a line break is still one spreadsheet row.
        return [(index + 1, [cell for cell in record]) for index, record in enumerate(reader)]
    except csv.Error:
        raise FileProblem(_("The CSV file is damaged (for example, a quotation mark is not closed).")) from None


def _xlsx_rows(data: bytes):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style" and the like from other writers
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except _NOT_A_WORKBOOK:
        raise FileProblem(_("The file is neither a CSV file in UTF-8 nor an XLSX workbook.")) from None
    try:
        if not workbook.worksheets:
            raise FileProblem(_("The file is empty."))
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # some writers record wrong dimensions
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [(index + 1, [cell_text(value) for value in row])
                    for index, row in enumerate(sheet.iter_rows(values_only=True))]
    finally:
        workbook.close()


def cell_text(value) -> str:
    """A spreadsheet cell as the text it shows: 1.0 → "1", a date → 2026-03-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return str(value)
