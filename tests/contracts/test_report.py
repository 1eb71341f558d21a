"""The contract report in each of the four languages: the PDF opened with pypdf (title, indicator names,
verdict words and the method in that language), the XLSX read back with openpyxl, the rule on small
numbers applied to whoever asks, and nothing fetched from the network."""

from __future__ import annotations

import io
import socket

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _
from openpyxl import load_workbook
from pypdf import PdfReader

from survey_app.contracts import services
from survey_app.contracts.indicators import STATUS_LABELS, Period, evaluate_one
from survey_app.models.monitoring import CRITERIA
from survey_app.staff.charts import level_text
from tests.contracts.conftest import PERIOD

YEAR = Period(*PERIOD)


def _text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return "\n".join(page.extract_text() for page in reader.pages)


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def assessed(world):
    services.enter_figure(world.user("admin"), world.contract("big"), world.indicator("complaints_per_100"), YEAR, 1.4)
    services.save_assessment(world.user("evaluator"), world.contract("big"), YEAR, services.AssessmentInput(
        {criterion: 4 for criterion in CRITERIA}, {criterion: f"Обоснование {criterion}" for criterion in CRITERIA}))


@pytest.fixture
def no_network(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("the report tried to open a network connection")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


@pytest.mark.parametrize("language", ["kk", "ru", "uk", "en"])
def test_pdf_report_in_each_language(world, client, sign_in, assessed, no_network, language):
    sign_in("evaluator")
    contract = world.contract("big")
    answer = client.get(f"/staff/contracts/{contract.id}/report.pdf?lang={language}&period={YEAR.key}")
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    text = _flat(_text(answer.data))
    evaluation = evaluate_one(world.user("evaluator"), contract, YEAR)
    with force_locale(language):
        assert _flat(_("Contract report: %(number)s", number=contract.number)) in text
        for heading in (_("Expert assessment"), _("Method in plain words"), _("The verdict rule")):
            assert _flat(heading) in text
        # The chart (drawn as vector shapes): its title and its legend's words.
        assert _flat(_("Values with their %(level)s interval against the targets", level=level_text(0.95))) in text
        assert _flat(_("Target")) in text and _flat(_("Baseline")) in text
        for result in evaluation.results:
            assert _flat(result.indicator.name(language)) in text, result.indicator.code
        for status in {result.status for result in evaluation.results}:
            assert _flat(str(STATUS_LABELS[status])) in text
        assert _flat(evaluation.results[0].sentence()) in text
    assert "Обоснование relevance" in text
    others = {code for code in ("kk", "ru", "uk", "en") if code != language}
    name = world.indicator("satisfaction_rate")
    for other in others:
        if name.name(other) != name.name(language):
            assert name.name(other) not in text, other


def test_pdf_report_follows_the_chosen_language_not_the_interface(world, client, sign_in):
    sign_in("evaluator")
    contract = world.contract("big")
    client.get("/staff/contracts/?lang=ru")  # the interface in Russian
    text = _flat(_text(client.get(f"/staff/contracts/{contract.id}/report.pdf?lang=kk").data))
    assert world.indicator("quality_index").name("kk") in text
    assert world.indicator("quality_index").name("ru") not in text


@pytest.mark.parametrize("language", ["kk", "ru", "uk", "en"])
def test_xlsx_report_reads_back(world, client, sign_in, assessed, language):
    sign_in("evaluator")
    contract = world.contract("big")
    answer = client.get(f"/staff/contracts/{contract.id}/report.xlsx?lang={language}&period={YEAR.key}")
    assert answer.status_code == 200
    workbook = load_workbook(io.BytesIO(answer.data))
    assert len(workbook.sheetnames) == 5
    contract_sheet, indicators, assessment, trail, method = workbook.worksheets
    with force_locale(language):
        assert contract_sheet["A1"].value == _("Contract report: %(number)s", number=contract.number)
    evaluation = evaluate_one(world.user("evaluator"), contract, YEAR)
    rows = list(indicators.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(evaluation.results)
    for row, result in zip(rows, evaluation.results, strict=True):
        assert row[0] == result.indicator.name(language) and row[1] == result.indicator.code
        if result.value is not None:
            assert row[4] == pytest.approx(result.value, abs=1e-4)
        assert row[9] == pytest.approx(result.target)
        with force_locale(language):
            assert row[10] == str(STATUS_LABELS[result.status]) and row[11] == result.sentence()
    scores = [row[1] for row in assessment.iter_rows(min_row=2, max_row=6, values_only=True)]
    assert scores == [4] * 5
    assert trail.max_row >= 3 and method.max_row > 5


def test_the_rule_on_small_numbers_applies_to_whoever_asks(world, client, sign_in):
    contract = world.contract("tiny")
    sign_in("evaluator")
    workbook = load_workbook(io.BytesIO(client.get(f"/staff/contracts/{contract.id}/report.xlsx?lang=en").data))
    satisfaction = next(row for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)
                        if row[1] == "satisfaction_rate")
    assert satisfaction[4] is None and satisfaction[7] is None and "rule on small numbers" in satisfaction[11]
    client.post("/staff/logout")
    sign_in("admin")
    workbook = load_workbook(io.BytesIO(client.get(f"/staff/contracts/{contract.id}/report.xlsx?lang=en").data))
    satisfaction = next(row for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)
                        if row[1] == "satisfaction_rate")
    assert satisfaction[4] is not None and satisfaction[7] == 3
