"""The export formats: CSV streamed as it is read, XLSX and SPSS .sav written to a file then streamed.

- CSV: UTF-8 with a byte-order mark (so Excel reads Cyrillic), a header row of variable names, one
  chunk of rows encoded at a time.
- XLSX: openpyxl's write-only mode (rows go to a temporary file as they come, never a whole sheet
  in memory); sheets "responses", "variables" (name, label, values) and "notes".
- SPSS: pyreadstat needs the whole frame (it cannot append), so the rows are gathered column by
  column into NumPy arrays sized once; ``SAV_MAX_ROWS`` caps this (see services).
"""

from __future__ import annotations

import csv
import io
import os
import tempfile
from collections.abc import Iterator
from contextlib import closing, suppress

import numpy as np
import pandas as pd
import pyreadstat
from flask_babel import force_locale
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from survey_app.exports.services import SAV_MISSING_RANGE, ExportPlan, Variable, export_notes, iter_row_chunks

MIMETYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "sav": "application/x-spss-sav",
}
READ_SIZE = 256 * 1024
# A cell starting with one of these is a formula to a spreadsheet: text from a questionnaire must
# never run as one (CSV injection), so such text gets a leading apostrophe in CSV.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# SPSS limits in bytes: variable labels 256, value labels 120, lines of notes 80.
SAV_LABEL_BYTES = 256
SAV_VALUE_LABEL_BYTES = 120
SAV_NOTE_BYTES = 80
SAV_FORMATS = {"integer": "F10.0", "score": "F3.0", "flag": "F1.0"}


def _text_columns(plan: ExportPlan) -> list[int]:
    return [index for index, variable in enumerate(plan.variables) if variable.kind == "text"]


# --- CSV -------------------------------------------------------------------------------------------

def csv_chunks(plan: ExportPlan) -> Iterator[bytes]:
    """The CSV file, a chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(plan.names)
    yield buffer.getvalue().encode("utf-8-sig")
    text_columns = _text_columns(plan)
    for chunk in iter_row_chunks(plan, unscored_as="name"):
        buffer.seek(0)
        buffer.truncate()
        for row in chunk:
            for index in text_columns:
                value = row[index]
                if value and value.startswith(FORMULA_STARTS):
                    row[index] = "'" + value
        writer.writerows(chunk)
        yield buffer.getvalue().encode("utf-8")


def write_csv(plan: ExportPlan, path: str) -> None:
    with open(path, "wb") as out:
        for chunk in csv_chunks(plan):
            out.write(chunk)


# --- XLSX ------------------------------------------------------------------------------------------

def _values_text(variable: Variable, unscored_as: str) -> str:
    pairs = [f"{value} = {label}" for value, label in variable.value_labels.items()]
    pairs += [f"{name if unscored_as == 'name' else code} = {label}" for name, code, label in variable.unscored]
    return "; ".join(pairs)


def _safe_text(sheet, value: str):
    """Text as text: never a formula, and without the control characters XML cannot hold."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value)
    if value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def write_xlsx(plan: ExportPlan, path: str) -> None:
    workbook = Workbook(write_only=True)
    responses = workbook.create_sheet("responses")
    responses.freeze_panes = "B2"
    bold = Font(bold=True)

    def header(sheet, names):
        cells = []
        for name in names:
            cell = WriteOnlyCell(sheet, value=name)
            cell.font = bold
            cells.append(cell)
        sheet.append(cells)

    header(responses, plan.names)
    text_columns = _text_columns(plan)
    for chunk in iter_row_chunks(plan, unscored_as="name"):
        for row in chunk:
            for index in text_columns:
                if row[index]:
                    row[index] = _safe_text(responses, row[index])
            responses.append(row)
    # Sheet and column names stay fixed (scripts read them, like the variable names); texts follow the
    # language chosen.
    variables = workbook.create_sheet("variables")
    header(variables, ["name", "label", "values"])
    for variable in plan.variables:
        variables.append([variable.name, _safe_text(variables, variable.label),
                          _safe_text(variables, _values_text(variable, "name"))])
    notes = workbook.create_sheet("notes")
    header(notes, ["note"])
    with force_locale(plan.language):
        for note in export_notes(plan):
            notes.append([_safe_text(notes, note)])
    workbook.save(path)


# --- SPSS ------------------------------------------------------------------------------------------

def _fit(text: str, limit: int) -> str:
    """At most ``limit`` bytes of UTF-8, cut between characters."""
    encoded = text.encode("utf-8")
    return text if len(encoded) <= limit else encoded[:limit].decode("utf-8", errors="ignore")


def _note_lines(notes: list[str]) -> list[str]:
    """SPSS keeps notes ("documents") as lines of at most 80 bytes: wrap at spaces, UTF-8 safe."""
    lines = []
    for note in notes:
        line = ""
        for word in note.split():
            candidate = f"{line} {word}" if line else word
            if len(candidate.encode("utf-8")) <= SAV_NOTE_BYTES:
                line = candidate
                continue
            if line:
                lines.append(line)
            while len(word.encode("utf-8")) > SAV_NOTE_BYTES:
                head = _fit(word, SAV_NOTE_BYTES)
                lines.append(head)
                word = word[len(head):]
            line = word
        if line:
            lines.append(line)
    return lines


def write_sav(plan: ExportPlan, path: str) -> None:
    count = plan.responses
    string_kinds = ("code", "text", "date")
    columns = [
        np.empty(count, dtype=object) if variable.kind in string_kinds else np.full(count, np.nan)
        for variable in plan.variables
    ]
    filled = 0
    with closing(iter_row_chunks(plan, unscored_as="code")) as chunks:
        for chunk in chunks:
            size = min(len(chunk), count - filled)  # never more than planned
            for column, values in zip(columns, zip(*chunk[:size], strict=True), strict=True):
                column[filled:filled + size] = values
            filled += size
            if filled == count:
                break
    frame = pd.DataFrame({variable.name: column[:filled] for variable, column in zip(plan.variables, columns,
                                                                                        strict=True)}, copy=False)
    del columns
    value_labels, missing = {}, {}
    for variable in plan.variables:
        labels = {value: _fit(str(label), SAV_VALUE_LABEL_BYTES) for value, label in variable.value_labels.items()}
        labels.update({code: _fit(label, SAV_VALUE_LABEL_BYTES) for _name, code, label in variable.unscored})
        if labels:
            value_labels[variable.name] = labels
        if variable.unscored:
            missing[variable.name] = [dict(SAV_MISSING_RANGE)]
    with force_locale(plan.language):
        notes = _note_lines(export_notes(plan))
    pyreadstat.write_sav(
        frame,
        path,
        file_label=_fit("Sapa " + ", ".join(plan.campaign_codes), 64),
        column_labels={variable.name: _fit(variable.label, SAV_LABEL_BYTES) for variable in plan.variables},
        note=notes,
        variable_value_labels=value_labels,
        missing_ranges=missing,
        variable_measure={variable.name: variable.measure for variable in plan.variables},
        variable_format={variable.name: SAV_FORMATS[variable.kind] for variable in plan.variables
                         if variable.kind in SAV_FORMATS},
    )


# --- Files -----------------------------------------------------------------------------------------

WRITERS = {"csv": write_csv, "xlsx": write_xlsx, "sav": write_sav}


def write_export(plan: ExportPlan, path: str) -> None:
    WRITERS[plan.file_format](plan, path)


def export_to_temporary_file(plan: ExportPlan) -> tuple[Iterator[bytes], int]:
    """Write the export to a temporary file; return a stream of its bytes and its size.

    The file is unlinked as soon as it is open, so it disappears however the download ends.
    """
    handle, path = tempfile.mkstemp(prefix="sapa-export-", suffix=f".{plan.file_format}")
    os.close(handle)
    try:
        write_export(plan, path)
        size = os.path.getsize(path)
        stream = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    finally:
        with suppress(OSError):
            os.unlink(path)

    def chunks() -> Iterator[bytes]:
        with stream:
            while block := stream.read(READ_SIZE):
                yield block

    return chunks(), size
