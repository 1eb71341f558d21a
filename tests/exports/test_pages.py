"""The export page and download: who may open them, the form, streaming, and the command line."""

from __future__ import annotations

import csv
import re

import pytest

from tests.exports.helpers import export_url

EXPORT_ROLES = ("admin", "evaluator", "monitor", "provider_manager")


@pytest.mark.parametrize("role", EXPORT_ROLES)
def test_the_section_is_in_the_navigation(client, world, sign_in, role):
    sign_in(role)
    page = client.get("/staff/exports/?lang=en")
    assert page.status_code == 200
    assert '<a href="/staff/exports/" aria-current="page">Data exports</a>' in page.get_data(as_text=True)


def test_a_social_worker_cannot_export(client, world, sign_in):
    sign_in("social_worker")
    assert client.get("/staff/exports/").status_code == 403
    assert client.get(export_url(world)).status_code == 403


def test_signing_in_is_needed(client, world):
    answer = client.get(export_url(world))
    assert answer.status_code == 302 and "/staff/login" in answer.headers["Location"]


@pytest.mark.parametrize("language", ["kk", "uk"])
def test_the_page_in_two_languages(client, world, sign_in, language):
    sign_in("evaluator")
    html = client.get(f"/staff/exports/?lang={language}").get_data(as_text=True)
    assert f'<html lang="{language}">' in html
    assert '<form method="get" action="/staff/exports/"' in html
    assert world.campaign.code in html and world.small.name in html
    # The labels' language defaults to the interface language.
    assert f'<option selected value="{language}">' in html
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "no inline script (CSP)"
    assert " style=" not in html


def test_a_provider_manager_is_offered_only_their_own(client, world, sign_in):
    sign_in("provider_manager", provider=world.far)
    html = client.get("/staff/exports/").get_data(as_text=True)
    assert world.far.code in html and world.big.code not in html and world.small.code not in html


def test_prepare_then_download(client, world, sign_in):
    sign_in("admin")
    html = client.get(export_url(world).replace("/download", "/")).get_data(as_text=True)
    assert "Responses in the file: 15." in html
    link = re.search(r'<a class="button" href="([^"]+)" download>', html).group(1).replace("&amp;", "&")
    assert link.startswith("/staff/exports/download?")
    assert client.get(link).status_code == 200


def test_bad_input_gets_a_message(client, world, sign_in):
    sign_in("admin")
    html = client.get("/staff/exports/?file_format=csv&submitted_from=31.03.2026").get_data(as_text=True)
    assert "Enter a date as year-month-day" in html
    html = client.get("/staff/exports/?file_format=csv&submitted_from=2026-05-01&submitted_to=2026-04-01"
                      ).get_data(as_text=True)
    assert "The end of the period comes before its start." in html
    html = client.get("/staff/exports/?file_format=pdf").get_data(as_text=True)
    assert "Choose one of the options shown." in html
    assert client.get("/staff/exports/download?file_format=pdf").status_code == 302


def test_the_form_changes_nothing_so_only_get_is_allowed(client, world, sign_in):
    sign_in("admin")
    assert client.post("/staff/exports/").status_code == 405
    assert client.post("/staff/exports/download").status_code == 405


def test_csv_is_streamed_and_never_gzipped_whole(client, world, sign_in):
    sign_in("admin")
    response = client.get(export_url(world), headers={"Accept-Encoding": "gzip"})
    assert response.is_streamed
    assert "Content-Length" not in response.headers
    assert "Content-Encoding" not in response.headers
    assert response.headers["X-Accel-Buffering"] == "no"


@pytest.mark.parametrize("file_format", ["xlsx", "sav"])
def test_files_are_streamed_from_a_temporary_file(client, world, sign_in, file_format):
    sign_in("admin")
    response = client.get(export_url(world, file_format))
    assert response.is_streamed
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_command_line_export(runner, world, tmp_path):
    out = tmp_path / "export.csv"
    result = runner.invoke(args=["export-responses", "--campaign", world.campaign.code, "--format", "csv",
                                 "--language", "kk", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "Wrote 15 responses" in result.output
    with out.open(encoding="utf-8-sig", newline="") as stream:
        rows = list(csv.DictReader(stream))
    assert len(rows) == 15 and "comment" in rows[0]  # administrator's rights: everything
    assert not (tmp_path / "export.csv.part").exists()


def test_command_line_refusals(runner, world, tmp_path):
    result = runner.invoke(args=["export-responses", "--campaign", "no-such-campaign", "--out",
                                 str(tmp_path / "x.csv")])
    assert result.exit_code != 0 and "no campaign with the code" in result.output
    result = runner.invoke(args=["export-responses", "--campaign", world.campaign.code, "--from", "2030-01-01",
                                 "--language", "en", "--out", str(tmp_path / "x.csv")])
    assert result.exit_code == 1 and "No responses match these filters." in result.output
    assert not (tmp_path / "x.csv").exists()
