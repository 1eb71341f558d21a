"""``flask load-instrument``: the same checks and messages as the import page, for a file on disk."""

from __future__ import annotations

from sqlalchemy import select

from survey_app.instruments.services import find_version
from survey_app.models import InstrumentVersion
from tests.instruments.test_routes import complete_xlsx
from tests.instruments.workbooks import minimal_xlsx


def test_a_bad_file_prints_every_problem_and_imports_nothing(runner, db, tmp_path):
    def break_it(sheets):
        sheets["survey"][3]["relevant"] = "${q1} >= "
        sheets["survey"][5]["name"] = "q1"

    path = tmp_path / "bad.xlsx"
    path.write_bytes(minimal_xlsx(break_it))
    result = runner.invoke(args=["load-instrument", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "bad.xlsx has 2 problems; nothing was imported."
    assert lines[1].split() == ["Sheet", "Row", "Column", "Message"]
    assert lines[2].split()[:3] == ["survey", "5", "relevant"]
    assert lines[3].split()[:3] == ["survey", "7", "name"]
    assert lines[3].endswith("The name “q1” is already used in row 4.")
    assert db.session.scalars(select(InstrumentVersion)).all() == []


def test_a_good_file_is_published_unless_asked_for_a_draft(runner, db, tmp_path):
    path = tmp_path / "mini.xlsx"
    path.write_bytes(complete_xlsx())
    result = runner.invoke(args=["load-instrument", str(path), "--draft"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Version 3 of mini is loaded as a draft."
    assert find_version("mini", 3).status == "draft"
    result = runner.invoke(args=["load-instrument", str(path)])
    assert result.exit_code == 0, result.output
    assert "already loaded with the same content" in result.output
    db.session.expire_all()
    assert find_version("mini", 3).status == "published"


def test_publishing_refused_for_missing_languages_stores_nothing(runner, db, tmp_path):
    path = tmp_path / "mini.xlsx"
    path.write_bytes(minimal_xlsx())
    result = runner.invoke(args=["load-instrument", str(path)])
    assert result.exit_code == 1
    assert "Cannot publish: texts are missing in kk" in result.output
    assert find_version("mini", 3) is None
