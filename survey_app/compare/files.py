"""The comparison table as CSV and XLSX: the rows the page shows (same filters, sort and small-number
rule, every page), the same rounding, headers and names in the reader's language.

A table holds one row per provider (a few thousand at most), so each file is built in memory; the
XLSX adds a "notes" sheet (wave, scores' date, filters, sort, what the columns mean, the rule on
small numbers). Text that a spreadsheet would read as a formula is written as text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from survey_app.compare.table import COLUMNS, ProviderTable, TableRow, applied_filters
from survey_app.exports.formats import FORMULA_STARTS, MIMETYPES
from survey_app.scores import read
from survey_app.scores.read import Estimate
from survey_app.staff.charts import level_text

__all__ = ["MIMETYPES", "header", "table_csv", "table_notes", "table_records", "table_xlsx"]

# Digits as on the page: scores to one decimal, shares and NPS whole, reliability to two.
DIGITS = {"score": 1, "share": 0, "nps": 0, "reliability": 2}


def _rounded(value: float | None, digits: int) -> float | int | None:
    if value is None:
        return None
    return round(value) if digits == 0 else round(value, digits)


def _estimate(estimate: Estimate | None, digits: int) -> list:
    if estimate is None or not estimate.shown:
        return [None, None, None]
    return [_rounded(estimate.value, digits), _rounded(estimate.low, digits), _rounded(estimate.high, digits)]


def header() -> list[str]:
    level = level_text()
    names = {column.key: str(column.label) for column in COLUMNS}

    def with_interval(name: str) -> list[str]:
        return [name, _("%(name)s: %(level)s interval, lower", name=name, level=level),
                _("%(name)s: %(level)s interval, upper", name=name, level=level)]

    return [_("Code"), names["name"], names["region"], names["setting"], names["org_form"], names["n"],
            *with_interval(names["raw"]), *with_interval(_("Adjusted quality index")),
            *with_interval(_("Stabilised quality index")), *with_interval(_("Satisfied, %")),
            *with_interval(_("Net Promoter Score")), names["comparison"], names["grade"], names["reliability"],
            _("Note")]


def table_records(table: ProviderTable) -> Iterator[list]:
    """One list of values per row, in the page's order (every page)."""
    too_few = ngettext("fewer than %(num)s response", "fewer than %(num)s responses", read.minimum_responses())
    for row in table.rows:
        yield _record(row, too_few)


def _record(row: TableRow, too_few: str) -> list:
    start = [row.code, row.name, row.region, row.setting_label, row.org_form_label]
    if row.suppressed:
        return [*start, *[None] * 19, too_few]
    view = row.score
    return [
        *start, view.raw.nobs,
        *_estimate(view.raw, DIGITS["score"]), *_estimate(view.adjusted, DIGITS["score"]),
        *_estimate(view.shrunken, DIGITS["score"]), *_estimate(row.satisfaction, DIGITS["share"]),
        *_estimate(row.nps, DIGITS["nps"]), row.comparison_label, view.grade,
        _rounded(view.reliability, DIGITS["reliability"]), None,
    ]


def table_notes(table: ProviderTable, snapshot_at) -> list[str]:
    column = next(column for column in COLUMNS if column.key == table.request.sort)
    order = _("highest first") if table.request.descending else _("lowest first")
    if column.key in ("name", "region", "setting", "org_form"):
        order = _("Z to A") if table.request.descending else _("A to Z")
    notes = [
        _("Providers compared: %(campaign)s", campaign=table.campaign.name if table.campaign else "—"),
        _("Scores as of %(time)s.", time=format_datetime(snapshot_at, "short")) if snapshot_at else
        _("Scores have not been computed yet."),
        ngettext("%(num)s provider", "%(num)s providers", table.total),
        _("Sorted by %(column)s, %(order)s.", column=str(column.label), order=order),
    ]
    filters = applied_filters(table)
    notes.append(_("Filters: %(filters)s.", filters="; ".join(f"{what}: {value}" for what, value in filters))
                 if filters else _("Filters: none."))
    notes += [
        _("Quality index: the mean of the dimension scores, 0–100, as recipients answered. Adjusted: allowing "
          "for the mix of recipients (age, health, help with answering, mode). Stabilised: the adjusted index "
          "pulled towards the mean as much as the number of responses requires."),
        _("Intervals are %(level)s confidence intervals.", level=level_text()),
        _("Comparison: the adjusted quality index against the mean of all providers in the wave, allowing for "
          "chance. Grade: 1 to 5, only where the score is reliable enough to rank."),
        ngettext("A provider with fewer than %(num)s response has no figures here, to protect the recipients who "
                 "answered; such providers are listed last.",
                 "A provider with fewer than %(num)s responses has no figures here, to protect the recipients "
                 "who answered; such providers are listed last.", read.minimum_responses()),
    ]
    return notes


def _text(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_csv(table: ProviderTable) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads Cyrillic)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    for record in table_records(table):
        writer.writerow(["" if value is None else _text(value) for value in record])
    return buffer.getvalue().encode("utf-8-sig")


def _cell(sheet, value):
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
    cell.data_type = "s"  # never a formula
    return cell


def table_xlsx(table: ProviderTable, snapshot_at) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("providers")
    sheet.freeze_panes = "C2"
    bold = Font(bold=True)
    titles = []
    for name in header():
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        titles.append(cell)
    sheet.append(titles)
    for record in table_records(table):
        sheet.append([_cell(sheet, value) for value in record])
    notes = workbook.create_sheet("notes")
    title = WriteOnlyCell(notes, value=_("Notes"))
    title.font = bold
    notes.append([title])
    for note in table_notes(table, snapshot_at):
        notes.append([_cell(notes, note)])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
