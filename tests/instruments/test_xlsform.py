"""XLSForm parsing, validation (one bad workbook per kind of problem) and export round trips."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from survey_app.instruments.xlsform import (
    ChoiceDef,
    FormDefinition,
    ItemDef,
    Problem,
    XLSFormError,
    export_xlsform,
    parse_xlsform,
)
from tests.instruments.workbooks import EN, RU, minimal_sheets, minimal_xlsx, to_xlsx

SAPA_CORE = Path(__file__).resolve().parents[2] / "survey_app" / "instruments" / "forms" / "sapa_core.xlsx"


def problems_of(source) -> tuple[Problem, ...]:
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(source)
    return caught.value.problems


def test_minimal_form_parses():
    form = parse_xlsform(minimal_xlsx())
    assert form.form_id == "mini"
    assert form.version == 3
    assert form.default_language == "ru"
    assert form.languages == ("ru", "en")
    assert [item.name for item in form.items] == ["setting", "page1", "q1", "q2", "age", "sex"]
    q2 = form.item("q2")
    assert q2 == ItemDef(
        name="q2", type="select_one", list_name="agree5", group="page1", dimension="access", reverse=True,
        relevant="${q1} >= 4",
    )
    assert q2.row == 5
    assert form.item("page1").group is None
    assert form.item("age").group is None
    assert form.item("age").constraint == ". >= 0 and . < 120"
    assert form.item("sex").profile == "sex"
    assert form.item("setting").calculation == "''"
    assert form.choice_lists["agree5"][0] == ChoiceDef("1", 1)
    assert form.choice_lists["agree5"][-1] == ChoiceDef("na", None)
    assert form.choice_lists["agree5"][-1].row == 7
    assert form.dimensions == ("access",)
    assert form.texts[("label:q1", "ru")] == "Вопрос один"
    assert form.texts[("proxy_label:q1", "en")] == "Q one (proxy)"
    assert form.texts[("hint:age", "en")] == "In years"
    assert form.texts[("constraint_message:age", "ru")] == "От 0 до 119"
    assert form.texts[("choice:sex:na", "en")] == "Prefer not to say"
    assert form.texts[("dimension:access", "ru")] == "Доступность"
    assert form.texts[("title", "en")] == "Mini"
    assert ("label:setting", "en") not in form.texts  # only non-empty texts are kept


def test_parse_accepts_path_and_file_object(tmp_path):
    path = tmp_path / "mini.xlsx"
    path.write_bytes(minimal_xlsx())
    assert parse_xlsform(path) == parse_xlsform(str(path)) == parse_xlsform(io.BytesIO(path.read_bytes()))


def test_plain_label_is_the_default_language():
    def change(sheets):
        for row in sheets["survey"] + sheets["choices"] + sheets["dimensions"] + sheets["settings"]:
            for key in list(row):
                if key.endswith(RU):
                    row[key.split("::")[0]] = row.pop(key)

    form = parse_xlsform(minimal_xlsx(change))
    assert form.languages == ("ru", "en")
    assert form.texts[("label:q1", "ru")] == "Вопрос один"
    assert form.texts[("title", "ru")] == "Мини"


def test_nested_groups_record_the_innermost_group():
    def change(sheets):
        sheets["survey"][2:2] = [{"type": "begin group", "name": "inner"}]
        sheets["survey"].insert(5, {"type": "end group"})

    form = parse_xlsform(minimal_xlsx(change))
    assert form.item("inner").group == "page1"
    assert form.item("q1").group == "inner"
    assert form.item("q2").group == "inner"
    assert form.item("age").group is None
    assert parse_xlsform(export_xlsform(form)) == form


def test_range_parameters():
    def change(sheets):
        sheets["survey"].append({"type": "range", "name": "pain", "label" + EN: "Pain", "label" + RU: "Боль",
                                 "parameters": "start=0 end=10 step=1", "dimension": "access"})

    form = parse_xlsform(minimal_xlsx(change))
    assert form.item("pain").parameters == {"start": "0", "end": "10", "step": "1"}
    assert parse_xlsform(export_xlsform(form)) == form


# --------------------------------------------------------------------------- one problem each


def _set(sheet, index, **values):
    def change(sheets):
        sheets[sheet][index].update(values)
    return change


def _drop_column(sheet, column):
    def change(sheets):
        for row in sheets[sheet]:
            row.pop(column, None)
    return change


def _drop_columns(sheet, *columns):
    def change(sheets):
        for row in sheets[sheet]:
            for column in columns:
                row.pop(column, None)
    return change


def _rename_language(old, new):
    def change(sheets):
        for rows in sheets.values():
            for row in rows:
                for key in [key for key in row if key.endswith(old)]:
                    row[key.replace(old, new)] = row.pop(key)
    return change


def _delete(sheet, index):
    def change(sheets):
        del sheets[sheet][index]
    return change


def _append(sheet, row):
    def change(sheets):
        sheets[sheet].append(row)
    return change


def _drop_sheet(name):
    def change(sheets):
        del sheets[name]
    return change


BAD_FORMS = [
    # (id, change, sheet, row, column, code)
    ("missing sheet", _drop_sheet("settings"), "settings", None, None, "missing_sheet"),
    ("missing choices sheet", _drop_sheet("choices"), "choices", None, None, "missing_sheet"),
    ("missing dimensions sheet", _drop_sheet("dimensions"), "dimensions", None, None, "missing_sheet"),
    ("missing column", _drop_column("survey", "name"), "survey", 1, "name", "missing_column"),
    ("missing label column", _drop_columns("survey", "label" + EN, "label" + RU), "survey", 1,
     "label::English (en)", "missing_column"),
    ("language without code", _rename_language(RU, "::Русский"), "survey", 1, "label::Русский",
     "unsupported_language"),
    ("unknown column", _set("survey", 3, choice_filter="x"), "survey", 1, "choice_filter", "unknown_column"),
    ("unsupported language", _set("survey", 2, **{"label::Deutsch (de)": "Frage"}),
     "survey", 1, "label::Deutsch (de)", "unsupported_language"),
    ("no English", _rename_language(EN, "::Қазақша (kk)"), "survey", 1, "label::English (en)",
     "missing_language"),
    ("missing type", _set("survey", 5, type=None), "survey", 7, "type", "missing_type"),
    ("unknown type", _set("survey", 2, type="selectone agree5"), "survey", 4, "type", "unknown_type"),
    ("repeat unsupported", _set("survey", 1, type="begin repeat"), "survey", 3, "type", "unknown_type"),
    ("select without list", _set("survey", 2, type="select_one"), "survey", 4, "type", "missing_choice_list"),
    ("unknown choice list", _set("survey", 2, type="select_one agree7"), "survey", 4, "type",
     "unknown_choice_list"),
    ("label missing in a language", _set("survey", 2, **{"label" + RU: None}), "survey", 4,
     "label::Русский (ru)", "missing_translation"),
    ("hint missing in a language", _set("survey", 5, **{"hint" + EN: None}), "survey", 7,
     "hint::English (en)", "missing_translation"),
    ("proxy label missing in a language", _set("survey", 2, **{"proxy_label" + RU: " "}), "survey", 4,
     "proxy_label::Русский (ru)", "missing_translation"),
    ("choice label missing", _set("choices", 3, **{"label" + RU: None}), "choices", 5,
     "label::Русский (ru)", "missing_translation"),
    ("dimension label missing", _set("dimensions", 0, **{"label" + EN: None}), "dimensions", 2,
     "label::English (en)", "missing_translation"),
    ("title missing", _set("settings", 0, **{"form_title" + EN: None}), "settings", 2,
     "form_title::English (en)", "missing_translation"),
    ("missing name", _set("survey", 5, name=None), "survey", 7, "name", "missing_name"),
    ("bad name", _set("survey", 5, name="my age"), "survey", 7, "name", "bad_name"),
    ("duplicate item name", _set("survey", 3, name="q1"), "survey", 5, "name", "duplicate_name"),
    ("duplicate choice", _append("choices", {"list_name": "agree5", "name": "3", "label" + EN: "x",
                                             "label" + RU: "х"}), "choices", 11, "name", "duplicate_choice"),
    ("duplicate dimension", _append("dimensions", {"name": "access", "label" + EN: "A", "label" + RU: "Д"}),
     "dimensions", 3, "name", "duplicate_dimension"),
    ("expression syntax", _set("survey", 3, relevant="${q1} >="), "survey", 5, "relevant", "bad_expression"),
    ("expression unknown function", _set("survey", 5, constraint="foo(.)"), "survey", 7, "constraint",
     "bad_expression"),
    ("unknown reference", _set("survey", 3, relevant="${q9} = 1"), "survey", 5, "relevant",
     "unknown_reference"),
    ("reference to a group", _set("survey", 3, relevant="${page1} = 1"), "survey", 5, "relevant",
     "unknown_reference"),
    ("current answer outside constraint", _set("survey", 3, relevant=". = 1"), "survey", 5, "relevant",
     "current_outside_constraint"),
    ("calculate without calculation", _set("survey", 0, calculation=None), "survey", 2, "calculation",
     "missing_calculation"),
    ("unknown dimension", _set("survey", 2, dimension="acess"), "survey", 4, "dimension",
     "unknown_dimension"),
    ("dimension on text", _set("survey", 5, dimension="access"), "survey", 7, "dimension",
     "dimension_not_scale"),
    ("reverse on a non-scale item", _set("survey", 5, reverse="yes"), "survey", 7, "reverse",
     "reverse_not_scale"),
    ("reverse on a profile list", _set("survey", 6, reverse="yes"), "survey", 8, "reverse",
     "reverse_not_scale"),
    ("bad yes/no", _set("survey", 2, required="maybe"), "survey", 4, "required", "bad_boolean"),
    ("unknown profile", _set("survey", 6, profile="gender"), "survey", 8, "profile", "unknown_profile"),
    ("duplicate profile", _set("survey", 2, profile="sex"), "survey", 8, "profile", "duplicate_profile"),
    ("profile on integer", _set("survey", 5, profile="age_band"), "survey", 7, "profile",
     "profile_not_select"),
    ("parameters on a non-range", _set("survey", 5, parameters="start=1"), "survey", 7, "parameters",
     "bad_parameters"),
    ("unclosed group", _delete("survey", 4), "survey", 3, "type", "unclosed_group"),
    ("end group without begin", _append("survey", {"type": "end group"}), "survey", 9, "type",
     "unmatched_end_group"),
    ("non-integer version", _set("settings", 0, version="1.5"), "settings", 2, "version", "bad_version"),
    ("text version", _set("settings", 0, version="v2"), "settings", 2, "version", "bad_version"),
    ("fractional version", _set("settings", 0, version=2.5), "settings", 2, "version", "bad_version"),
    ("zero version", _set("settings", 0, version=0), "settings", 2, "version", "bad_version"),
    ("missing version", _set("settings", 0, version=None), "settings", 2, "version", "missing_version"),
    ("missing form_id", _set("settings", 0, form_id=None), "settings", 2, "form_id", "missing_form_id"),
    ("unsupported default language", _set("settings", 0, default_language="de"), "settings", 2,
     "default_language", "unsupported_language"),
    ("default language without texts", _set("settings", 0, default_language="kk"), "settings", 2,
     "default_language", "bad_default_language"),
]


@pytest.mark.parametrize(
    ("change", "sheet", "row", "column", "code"),
    [case[1:] for case in BAD_FORMS],
    ids=[case[0] for case in BAD_FORMS],
)
def test_bad_form_is_reported_where_it_is(change, sheet, row, column, code):
    problems = problems_of(minimal_xlsx(change))
    found = [(p.sheet, p.row, p.column, p.code) for p in problems]
    assert (sheet, row, column, code) in found
    problem = next(p for p in problems if (p.sheet, p.row, p.column, p.code) == (sheet, row, column, code))
    message = str(problem.message)
    assert sheet in message
    if row is not None and code != "missing_sheet":
        assert f"row {row}" in message
    if column is not None:
        assert column in message


def test_duplicate_column():
    sheets = minimal_sheets()
    headers = {"survey": ["type", "name", "label" + EN, "label" + RU, "name"]}
    problems = problems_of(to_xlsx(sheets, headers))
    assert ("survey", 1, "name", "duplicate_column") in [(p.sheet, p.row, p.column, p.code) for p in problems]


def test_problem_params_name_what_is_wrong():
    problems = problems_of(minimal_xlsx(_set("survey", 3, name="q1")))
    duplicate = next(p for p in problems if p.code == "duplicate_name")
    assert duplicate.params == {"name": "q1", "first_row": 4}
    assert str(duplicate.message) == (
        "Sheet “survey”, row 5, column “name”: The name “q1” is already used in row 4."
    )
    problems = problems_of(minimal_xlsx(_set("survey", 3, relevant="${q1} >=")))
    bad = next(p for p in problems if p.code == "bad_expression")
    assert bad.params["position"] == 9  # 1-based character of the end of "${q1} >="


def test_all_problems_are_collected_at_once():
    def change(sheets):
        sheets["survey"][2]["type"] = "select_one agree7"
        sheets["survey"][3]["name"] = "q1"
        sheets["survey"][5]["reverse"] = "yes"
        sheets["choices"][0]["label" + RU] = None
        sheets["settings"][0]["version"] = "abc"

    codes = {p.code for p in problems_of(minimal_xlsx(change))}
    assert {"unknown_choice_list", "duplicate_name", "reverse_not_scale", "missing_translation",
            "bad_version"} <= codes


def test_problems_come_sorted_by_sheet_and_row():
    def change(sheets):
        sheets["survey"][5]["reverse"] = "yes"
        sheets["survey"][2]["dimension"] = "nope"
        sheets["settings"][0]["version"] = None

    problems = problems_of(minimal_xlsx(change))
    assert [(p.sheet, p.row) for p in problems] == [("settings", 2), ("survey", 4), ("survey", 7)]


def test_not_a_workbook():
    problems = problems_of(b"this is not an xlsx file")
    assert [p.code for p in problems] == ["unreadable_file"]
    assert str(problems[0].message)


def test_missing_file_is_not_hidden(tmp_path):
    with pytest.raises(FileNotFoundError):
        parse_xlsform(tmp_path / "nowhere.xlsx")


def test_error_text_lists_every_problem():
    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(minimal_xlsx(_set("settings", 0, version=None, form_id=None)))
    text = str(caught.value)
    assert "form_id" in text and "version" in text and len(text.splitlines()) == 2


# --------------------------------------------------------------------------- round trips


def test_round_trip_minimal():
    form = parse_xlsform(minimal_xlsx())
    again = parse_xlsform(export_xlsform(form))
    assert again == form
    assert [item.row for item in again.items] == [item.row for item in form.items]


def test_round_trip_keeps_rows_across_blank_rows():
    def change(sheets):
        sheets["survey"].insert(3, None)
        sheets["choices"].insert(6, None)

    form = parse_xlsform(minimal_xlsx(change))
    assert form.item("q2").row == 6
    again = parse_xlsform(export_xlsform(form))
    assert again == form
    assert [item.row for item in again.items] == [item.row for item in form.items]
    assert [c.row for c in again.choice_lists["sex"]] == [c.row for c in form.choice_lists["sex"]]


def test_round_trip_sapa_core():
    form = parse_xlsform(SAPA_CORE)
    exported = export_xlsform(form)
    again = parse_xlsform(exported)
    assert again == form
    assert [item.row for item in again.items] == [item.row for item in form.items]
    assert parse_xlsform(export_xlsform(again)) == form


def test_export_layout_uses_language_names_in_their_own_script():
    workbook = load_workbook(io.BytesIO(export_xlsform(parse_xlsform(SAPA_CORE))), read_only=True)
    header = next(workbook["survey"].iter_rows(values_only=True))
    assert header[:6] == ("type", "name", "label::English (en)", "label::Русский (ru)", "label::Қазақша (kk)",
                          "label::Українська (uk)")
    assert header[-3:] == ("dimension", "reverse", "profile")
    assert {"proxy_label::Қазақша (kk)", "hint::Українська (uk)", "constraint_message::Русский (ru)"} <= set(
        header
    )
    settings = list(workbook["settings"].iter_rows(values_only=True))
    values = dict(zip(settings[0], settings[1], strict=True))
    assert values["version"] == 2026112301
    assert values["form_id"] == "sapa_core"
    assert values["default_language"] == "ru"
    assert sorted(workbook.sheetnames) == ["choices", "dimensions", "settings", "survey"]
    workbook.close()


def test_export_of_a_definition_built_in_code():
    form = FormDefinition(
        form_id="code_built",
        version=7,
        default_language="en",
        languages=("en",),
        items=(
            ItemDef("p", "begin_group"),
            ItemDef("x", "select_one", list_name="yn", group="p"),
            ItemDef("n", "note"),
        ),
        choice_lists={"yn": (ChoiceDef("yes"), ChoiceDef("no"))},
        dimensions=(),
        texts={
            ("title", "en"): "T",
            ("label:x", "en"): "=1+1 is a formula in Excel",
            ("label:n", "en"): "Note",
            ("choice:yn:yes", "en"): "Yes",
            ("choice:yn:no", "en"): "No",
        },
    )
    again = parse_xlsform(export_xlsform(form))
    assert again == form
    assert [item.row for item in again.items] == [2, 3, 5]  # row 4 is "end group"


def test_missing_translation_names_the_column_as_written():
    def change(sheets):
        for row in sheets["survey"]:
            if "label" + RU in row:
                row["label::Russian (ru)"] = row.pop("label" + RU)
        sheets["survey"][2]["label::Russian (ru)"] = None

    problems = problems_of(minimal_xlsx(change))
    found = [(p.row, p.column, p.code) for p in problems]
    assert found == [(4, "label::Russian (ru)", "missing_translation")]
    assert "Русский (ru)" in str(problems[0].message)


def test_unknown_reference_message_shows_the_reference():
    problems = problems_of(minimal_xlsx(_set("survey", 3, relevant="${q9} = 1")))
    assert "${q9}" in str(problems[0].message)
