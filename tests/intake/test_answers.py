"""Reading typed and exported answers, and mapping export columns onto an instrument."""

from __future__ import annotations

from datetime import date

import pytest
from flask_babel import force_locale

from survey_app.instruments.runtime import compiled_instrument
from survey_app.intake.answers import differing_questions
from survey_app.intake.columns import plan_columns, raw_answers, read_date, submission_key
from survey_app.intake.tables import FileProblem, read_table
from survey_app.responses.validation import AnswerProblem, key_codes, read_value


@pytest.fixture
def instrument(mini):
    with force_locale("en"):
        yield compiled_instrument(mini)


@pytest.fixture
def core_instrument(core):
    return compiled_instrument(core)


def test_key_codes_are_numeric_names_as_they_are_and_places_otherwise(instrument, core_instrument):
    assert [code for code, _ in key_codes(instrument.questions["agree"])] == ["1", "2", "3", "4", "5", "na"]
    assert [(code, option.name) for code, option in key_codes(instrument.questions["sex"])] == [
        ("1", "female"), ("2", "male"), ("na", "na")]
    assert [code for code, _ in key_codes(core_instrument.questions["recommend"])][:2] == ["0", "1"]


def test_typed_values_become_what_the_survey_stores(instrument):
    questions = instrument.questions
    assert read_value(questions["sex"], " 2 ", codes=True) == "male"
    assert read_value(questions["sex"], "Female", codes=True) == "female"  # the name works too
    assert read_value(questions["sex"], "female", codes=False) == "female"
    assert read_value(questions["agree"], "NA", codes=True) == "na"
    assert read_value(questions["agree"], "4.0", codes=False) == "4"  # a spreadsheet's number
    assert read_value(questions["services"], "3,1 1", codes=True) == ["legal", "food"]
    assert read_value(questions["services"], ["psych", "legal"], codes=False) == ["legal", "psych"]
    assert read_value(questions["visits"], " 1 200 ", codes=False) == "1200"
    assert read_value(questions["comment"], "  Fine  ", codes=True) == "Fine"
    assert read_value(questions["agree"], "   ", codes=True) is None
    for question, value, codes in [("sex", "3", True), ("sex", "1", False), ("agree", "1 2", True),
                                   ("visits", "2.5", False), ("visits", "1e99", False),
                                   ("comment", "bad\x00text", True), ("services", "spa", False),
                                   ("services", "1 na", True)]:
        with pytest.raises(AnswerProblem):
            read_value(questions[question], value, codes=codes)


def test_differences_ignore_order_and_spacing_but_not_values():
    first = {"a": "1", "b": ["x", "y"], "c": "Hello  world", "d": ""}
    assert differing_questions(first, {"a": "1", "b": ["y", "x"], "c": "Hello world"}) == []
    assert differing_questions(first, {"a": "2", "b": ["x"], "c": "Hello world", "e": "1"}) == ["a", "b", "e"]


def test_export_columns_map_onto_questions(instrument):
    columns = ["start", "end", "page_main/agree", "page_main-visits", "page_main/services/legal",
               "page_main/services/food", "comment", "_uuid", "_submission_time", "meta/instanceID", "deviceid",
               "enumerator_name", "provider_code", "language"]
    plan = plan_columns(instrument, columns)
    assert plan.questions == {"agree": 2, "visits": 3, "comment": 6}
    assert plan.option_columns == {"services": [("legal", 4), ("food", 5)]}
    assert (plan.key, plan.date, plan.provider, plan.language) == (7, 8, 12, 13)
    assert plan.ignored == ["enumerator_name"]
    assert not plan.problems
    cells = ["", "", "4", "2", "1", "True", "", "", "", "", "", "", "", ""]
    raw, problems = raw_answers(plan, cells)
    assert raw["services"] == ["legal", "food"] and not problems


def test_submission_keys_and_dates_as_tools_write_them():
    assert submission_key("uuid:6f1c7c3e-0d5f-4c43-9a4b-8c1f1f6e2a01") == "6f1c7c3e-0d5f-4c43-9a4b-8c1f1f6e2a01"
    assert len(submission_key("x" * 100)) == 40
    assert read_date("2026-03-15T23:59:59.123Z") == date(2026, 3, 15)
    assert read_date("2026-03-15T10:04:51.000+06:00") == date(2026, 3, 15)
    assert read_date("5.03.2026") == date(2026, 3, 5)
    for text in ("2026-02-30", "yesterday", "15/03/2026"):
        with force_locale("en"), pytest.raises(AnswerProblem):
            read_date(text)


def test_tables_read_csv_in_either_encoding_and_separator(app):
    table = read_table("agree;comment\r\n4;\"Две\nстроки\"\r\n\r\n5;x\r\n".encode("cp1251"))
    assert table.columns == ["agree", "comment"]
    assert table.rows == [(2, ["4", "Две\nстроки"]), (4, ["5", "x"])]
    with app.test_request_context(), pytest.raises(FileProblem):
        read_table(b"a,a\n1,2\n")
