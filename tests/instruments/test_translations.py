"""The translators' workbook: export, edit, apply, and the completeness report."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from survey_app.instruments.xlsform import (
    XLSFormError,
    apply_translations,
    completeness,
    export_translations,
    export_xlsform,
    parse_xlsform,
)
from tests.instruments.workbooks import minimal_xlsx

SAPA_CORE = Path(__file__).resolve().parents[2] / "survey_app" / "instruments" / "forms" / "sapa_core.xlsx"


def rows_of(xlsx: bytes) -> list[list]:
    workbook = load_workbook(io.BytesIO(xlsx))
    rows = [list(row) for row in workbook.active.iter_rows(values_only=True)]
    workbook.close()
    return rows


def edited(xlsx: bytes, edit) -> bytes:
    """``xlsx`` after ``edit(worksheet, header)`` has changed it."""
    workbook = load_workbook(io.BytesIO(xlsx))
    worksheet = workbook.active
    header = [cell.value for cell in worksheet[1]]
    edit(worksheet, header)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(worksheet, key: str) -> int:
    return next(row[0].row for row in worksheet.iter_rows(min_row=2) if row[0].value == key)


def test_export_has_one_row_per_text():
    form = parse_xlsform(minimal_xlsx())
    rows = rows_of(export_translations(form))
    assert rows[0] == ["key", "context", "en", "ru", "kk", "uk"]
    by_key = {row[0]: row for row in rows[1:]}
    assert len(by_key) == len(rows) - 1
    assert by_key["label:q1"] == ["label:q1", "label · select_one agree5", "Q one", "Вопрос один", None, None]
    assert by_key["choice:sex:na"][2:4] == ["Prefer not to say", "Предпочитаю не отвечать"]
    assert by_key["dimension:access"][1] == "dimension"
    assert by_key["title"][2] == "Mini"
    assert "hint:q1" not in by_key  # optional texts appear only where some language has them
    assert "hint:age" in by_key
    assert {key for key, _ in form.texts} == set(by_key)


def test_edit_one_cell_and_apply():
    form = parse_xlsform(SAPA_CORE)

    def edit(worksheet, header):
        worksheet.cell(row_of(worksheet, "label:access_easy"), header.index("kk") + 1).value = "Жаңа мәтін"

    changed = apply_translations(form, edited(export_translations(form), edit))
    assert changed.texts[("label:access_easy", "kk")] == "Жаңа мәтін"
    assert form.texts[("label:access_easy", "kk")] != "Жаңа мәтін"  # the original is untouched
    differences = {key for key in form.texts if form.texts[key] != changed.texts.get(key)}
    assert differences == {("label:access_easy", "kk")}
    assert changed.items == form.items and changed.version == form.version
    # the changed form exports and parses like any other
    assert parse_xlsform(export_xlsform(changed)) == changed


def test_unchanged_workbook_gives_an_equal_form():
    form = parse_xlsform(SAPA_CORE)
    assert apply_translations(form, export_translations(form)) == form


def test_adding_a_language_through_the_workbook():
    form = parse_xlsform(minimal_xlsx())
    assert completeness(form)["kk"][0] == 0

    def fill_kk(worksheet, header):
        for row in worksheet.iter_rows(min_row=2):
            row[header.index("kk")].value = f"kk {row[0].value}"

    with_kk = apply_translations(form, edited(export_translations(form), fill_kk))
    assert with_kk.languages == ("kk", "ru", "en")
    translated, total = completeness(with_kk)["kk"]
    assert translated == total
    again = parse_xlsform(export_xlsform(with_kk))
    assert again == with_kk


def test_empty_cell_removes_a_text_and_columns_left_out_are_kept():
    form = parse_xlsform(minimal_xlsx())

    def edit(worksheet, header):
        worksheet.cell(row_of(worksheet, "label:q1"), header.index("ru") + 1).value = None
        worksheet.delete_cols(header.index("en") + 1)  # no English column: English stays as it is

    changed = apply_translations(form, edited(export_translations(form), edit))
    assert ("label:q1", "ru") not in changed.texts
    assert changed.texts[("label:q1", "en")] == "Q one"
    assert completeness(changed)["ru"] == (completeness(form)["ru"][0] - 1, completeness(form)["ru"][1])


def test_apply_reports_unknown_and_duplicate_keys_with_rows():
    form = parse_xlsform(minimal_xlsx())

    def edit(worksheet, header):
        worksheet.append(["label:nope", None, "x"])
        worksheet.append(["label:q1", None, "again"])
        worksheet.append([None, None, "orphan text"])

    xlsx = edited(export_translations(form), edit)
    last = len(rows_of(xlsx))
    with pytest.raises(XLSFormError) as caught:
        apply_translations(form, xlsx)
    found = [(p.sheet, p.row, p.column, p.code) for p in caught.value.problems]
    assert found == [
        ("translations", last - 2, "key", "unknown_key"),
        ("translations", last - 1, "key", "duplicate_key"),
        ("translations", last, "key", "missing_key"),
    ]
    assert "label:nope" in str(caught.value.problems[0].message)


def test_apply_reports_bad_columns():
    form = parse_xlsform(minimal_xlsx())
    workbook = Workbook()
    workbook.active.append(["key", "de", "en", "en"])
    workbook.active.append(["label:q1", "Frage", "Q", "Q"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(XLSFormError) as caught:
        apply_translations(form, buffer.getvalue())
    codes = [(p.row, p.column, p.code) for p in caught.value.problems]
    assert codes == [(1, "de", "unknown_column"), (1, "en", "duplicate_column")]

    workbook = Workbook()
    workbook.active.append(["English (en)", "Русский (ru)"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(XLSFormError) as caught:
        apply_translations(form, buffer.getvalue())
    assert [p.code for p in caught.value.problems] == ["missing_column"]

    with pytest.raises(XLSFormError) as caught:
        apply_translations(form, b"not a workbook")
    assert [p.code for p in caught.value.problems] == ["unreadable_file"]


def test_completeness():
    core = parse_xlsform(SAPA_CORE)
    report = completeness(core)
    assert list(report) == ["kk", "ru", "uk", "en"]
    totals = {total for _, total in report.values()}
    assert len(totals) == 1
    assert all(translated == total for translated, total in report.values())

    mini = parse_xlsform(minimal_xlsx())
    report = completeness(mini)
    # title, 2 group/question labels... every key the export lists
    total = len(rows_of(export_translations(mini))) - 1
    assert report == {"kk": (0, total), "ru": (total, total), "uk": (0, total), "en": (total, total)}
