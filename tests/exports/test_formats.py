"""Each format read back: CSV parsed, XLSX opened with openpyxl, .sav read with pyreadstat (labels in
two languages)."""

from __future__ import annotations

import io

import pyreadstat
import pytest
from openpyxl import load_workbook

from survey_app.exports.formats import _note_lines
from survey_app.exports.services import _variable_name
from tests.exports.helpers import csv_rows, export_url

FIXED = ["response_id", "campaign", "wave", "provider_code", "provider_name", "region_code", "setting",
         "submitted_on", "language", "mode", "age_band", "sex", "recipient_category", "self_rated_health",
         "assistance"]
QUESTIONS = ["easy", "services_legal", "services_medical", "services_housing", "visits", "comment"]


def test_csv_columns_and_values(client, world, sign_in):
    sign_in("admin")
    response = client.get(export_url(world, "csv"))
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="sapa-{world.campaign.code}-')
    assert response.headers["Cache-Control"] == "no-store"
    rows = csv_rows(response)
    assert list(rows[0]) == FIXED + QUESTIONS
    assert len(rows) == 15
    first, second, _third, fourth, fifth = csv_rows(response)[:5]
    assert first["response_id"] == str(world.responses["big"][0].id)
    assert first["campaign"] == world.campaign.code and first["wave"] == "1"
    assert first["provider_name"] == "ОФ «Берекет»"
    assert first["region_code"] == world.east.code and first["setting"] == "day_care"
    assert first["submitted_on"] == "2026-03-10"
    assert (first["language"], first["mode"], first["age_band"], first["sex"], first["self_rated_health"],
            first["assistance"]) == ("kk", "web", "60_74", "female", "3", "self")
    # A score as its number, several answers as 0/1 per option, a number, an open answer as text.
    assert first["easy"] == "5"
    assert (first["services_legal"], first["services_medical"], first["services_housing"]) == ("1", "0", "1")
    assert first["visits"] == "3"
    assert first["comment"] == "Персонал вежливый"
    # "Does not apply" keeps its code; a question not answered is empty in every column.
    assert second["easy"] == "na"
    assert (second["services_legal"], second["services_medical"], second["services_housing"]) == ("", "", "")
    assert second["visits"] == "0"
    assert fourth["easy"] == "" and fourth["age_band"] == ""
    assert fifth["services_medical"] == "1"


def test_csv_never_carries_a_formula(client, world, sign_in):
    sign_in("admin")
    rows = csv_rows(client.get(export_url(world, "csv")))
    assert rows[1]["comment"] == "'=1+1"
    assert {row["provider_name"] for row in rows if row["provider_code"] == world.far.code} == {
        "'=HYPERLINK(\"http://example.org\")"}


def test_xlsx_sheets(client, world, sign_in):
    sign_in("admin")
    response = client.get(export_url(world, "xlsx", labels="ru"))
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert int(response.headers["Content-Length"]) == len(response.get_data())
    workbook = load_workbook(io.BytesIO(response.get_data()))
    assert workbook.sheetnames == ["responses", "variables", "notes"]
    rows = list(workbook["responses"].iter_rows(values_only=True))
    assert list(rows[0]) == FIXED + QUESTIONS
    assert len(rows) == 16
    header = rows[0]
    first = dict(zip(header, rows[1], strict=True))
    assert first["easy"] == 5 and first["visits"] == 3 and first["services_housing"] == 1
    assert str(first["submitted_on"])[:10] == "2026-03-10"
    assert dict(zip(header, rows[2], strict=True))["easy"] == "na"
    # Text that looks like a formula stays text.
    cells = {cell.value: cell.data_type for row in workbook["responses"].iter_rows() for cell in row}
    assert cells["=1+1"] == "s"
    assert cells['=HYPERLINK("http://example.org")'] == "s"
    variables = {row[0]: row[1:] for row in workbook["variables"].iter_rows(min_row=2, values_only=True)}
    assert variables["easy"][0] == "Получить услуги легко."
    assert "1 = Совершенно не согласен" in variables["easy"][1]
    assert "na = Ко мне не относится" in variables["easy"][1]
    assert variables["services_legal"][0] == "Какие услуги вы получили?: Юридическая помощь"
    assert variables["age_band"] == ("Сколько вам лет?", "18_34 = 18–34 года; 60_74 = 60–74 года")
    notes = [row[0] for row in workbook["notes"].iter_rows(min_row=2, values_only=True)]
    assert any(world.campaign.code in note for note in notes)


@pytest.mark.parametrize("language, question, agree, not_applicable", [
    ("kk", "Қызметті алу оңай.", "Толығымен келісемін", "Маған қатысты емес"),
    ("uk", "Отримати послуги легко.", "Повністю згоден", "Мене не стосується"),
])
def test_sav_labels_in_the_chosen_language(client, world, sign_in, tmp_path, language, question, agree,
                                           not_applicable):
    sign_in("admin")
    response = client.get(export_url(world, "sav", labels=language))
    assert response.status_code == 200
    path = tmp_path / "export.sav"
    path.write_bytes(response.get_data())
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert list(frame.columns) == FIXED + QUESTIONS
    assert len(frame) == 15
    assert meta.column_names_to_labels["easy"] == question
    assert meta.variable_value_labels["easy"][5] == agree
    assert meta.variable_value_labels["easy"][-1] == not_applicable
    assert meta.missing_ranges["easy"] == [{"lo": -99.0, "hi": -1.0}]
    assert meta.column_names_to_labels["age_band"] == {"kk": "Жасыңыз нешеде?", "uk": "Скільки вам років?"}[language]
    assert frame["easy"].tolist()[:2] == [5.0, -1.0]
    assert frame["comment"].tolist()[0] == "Персонал вежливый"
    assert meta.notes, "the notes (what was left out, how missing values are coded) travel with the file"
    # Read without user-missing values, "does not apply" is missing.
    plain, _meta = pyreadstat.read_sav(str(path))
    assert plain["easy"].isna().tolist()[:2] == [False, True]


def test_variable_names_are_valid_in_spss():
    taken: set[str] = set()
    assert _variable_name("easy", taken) == "easy"
    assert _variable_name("EASY", taken) == "EASY_2"  # SPSS names ignore case
    assert _variable_name("2nd-visit", taken) == "q_2nd_visit"
    assert _variable_name("with", taken) == "q_with"
    assert len(_variable_name("x" * 80, taken)) == 64


def test_notes_fit_spss_lines():
    lines = _note_lines(["Әр пікірмен қаншалықты келісетініңізді белгілеңіз " * 4, "x" * 200])
    assert all(len(line.encode("utf-8")) <= 80 for line in lines)
    assert "".join(lines[-3:]) == "x" * 200
