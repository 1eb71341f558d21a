"""The export on PostgreSQL: responses through a server-side cursor, answers through a second cursor on
the same connection, dates and numbers as psycopg gives them."""

from __future__ import annotations

import csv
import io

import pyreadstat
import pytest

from survey_app.exports.formats import csv_chunks, write_sav
from survey_app.exports.services import ExportFilters, plan_export
from survey_app.models import User

pytestmark = pytest.mark.postgres


def test_csv_and_sav_on_postgresql(pg_db, pg_world, tmp_path):
    evaluator = User(email="pg-evaluator@exports.test", full_name="E", password_hash="x", role="evaluator")
    pg_db.session.add(evaluator)
    pg_db.session.flush()
    plan = plan_export(evaluator, ExportFilters(campaign_id=pg_world.campaign.id), "ru", "csv")
    assert (plan.responses, plan.left_out_responses) == (11, 4)
    body = b"".join(csv_chunks(plan)).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    assert len(rows) == 11
    assert rows[0]["submitted_on"] == "2026-03-10"
    assert (rows[0]["easy"], rows[1]["easy"], rows[0]["visits"], rows[0]["services_housing"]) == ("5", "na", "3", "1")

    admin_plan = plan_export(None, ExportFilters(campaign_id=pg_world.campaign.id), "uk", "sav")
    path = tmp_path / "export.sav"
    write_sav(admin_plan, str(path))
    frame, meta = pyreadstat.read_sav(str(path), user_missing=True)
    assert len(frame) == 15
    assert meta.column_names_to_labels["easy"] == "Отримати послуги легко."
    assert frame["easy"].tolist()[:2] == [5.0, -1.0]
