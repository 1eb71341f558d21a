"""The questionnaire pages for staff: import, problems, publish, versions, export, preview, translations."""

from __future__ import annotations

import html
import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from survey_app.instruments.services import find_version, form_definition, load_standard_instrument
from survey_app.instruments.xlsform import parse_xlsform
from survey_app.models import Answer, InstrumentVersion, Response
from tests.instruments.workbooks import EN, minimal_xlsx
from tests.support import factories

KK = "::Қазақша (kk)"
UK = "::Українська (uk)"
BASE = "/staff/instruments"


# --------------------------------------------------------------------------- helpers


def four_languages(sheets) -> None:
    """Give every English text of the minimal form a Kazakh and a Ukrainian one as well."""
    for rows in sheets.values():
        for row in rows:
            for key in [key for key in (row or {}) if key.endswith(EN)]:
                base = key[: -len(EN)]
                row[base + KK] = f"{row[key]} [kk]"
                row[base + UK] = f"{row[key]} [uk]"


def complete_xlsx(version: int = 3, q1_label: str = "Q one") -> bytes:
    def change(sheets):
        sheets["settings"][0]["version"] = version
        sheets["survey"][2]["label" + EN] = q1_label
        four_languages(sheets)

    return minimal_xlsx(change)


def upload(client, url: str, content: bytes, filename: str = "form.xlsx", **kwargs):
    return client.post(url, data={"workbook": (io.BytesIO(content), filename)},
                       content_type="multipart/form-data", **kwargs)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def problem_rows(response) -> list[tuple[str, str, str, str]]:
    """(sheet, row, column, message) of every row of the problems table."""
    table = re.search(r'<table class="problems">(.*?)</table>', response.get_data(as_text=True), re.S).group(1)
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", table.split("<tbody>")[1], re.S):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                                          row, re.S)]
        rows.append(tuple(cells))
    return rows


def version_of(db, code: str, number: int) -> InstrumentVersion:
    db.session.expire_all()
    return find_version(code, number)


def versions_of(db, code: str) -> list[int]:
    db.session.expire_all()
    return sorted(v.version for v in db.session.scalars(select(InstrumentVersion).join(InstrumentVersion.instrument)
                                                        .where(InstrumentVersion.instrument.has(code=code))))


def publish(client, code: str, number: int):
    return client.post(f"{BASE}/{code}/{number}/publish", follow_redirects=True)


# --------------------------------------------------------------------------- import


def test_a_good_form_is_imported_as_a_draft_with_a_summary(client, db, admin):
    response = upload(client, f"{BASE}/import", minimal_xlsx())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{BASE}/mini/3")
    page = client.get(response.headers["Location"] + "?lang=en")
    text = text_of(page)
    assert page.status_code == 200
    assert "Version 3 of “mini” is imported as a draft." in text
    assert "Access" in text and "Questions per dimension" in text
    assert "Русский" in text and "English" in text
    # Completeness: the minimal form has en and ru, nothing in kk and uk.
    assert re.search(r'lang="ru">Русский</th>\s*<td class="number">(\d+) of \1</td>', text)
    assert re.search(r'lang="kk">Қазақша</th>\s*<td class="number">0 of \d+</td>', text)
    assert version_of(db, "mini", 3).status == "draft"
    assert db.session.scalar(select(func.count()).select_from(InstrumentVersion)) == 1


def test_a_bad_form_shows_every_problem_with_sheet_row_and_column(client, db, admin):
    def break_it(sheets):
        sheets["settings"][0]["version"] = "v2"
        sheets["survey"][2]["type"] = "select_one nolist"
        sheets["survey"][3]["relevant"] = "${q1} >= "
        sheets["survey"][5]["name"] = "q1"
        sheets["choices"][0]["name"] = ""

    response = upload(client, f"{BASE}/import?lang=en", minimal_xlsx(break_it))
    assert response.status_code == 422
    rows = problem_rows(response)
    where = [row[:3] for row in rows]
    assert ("settings", "2", "version") in where
    assert ("survey", "4", "type") in where
    assert ("survey", "5", "relevant") in where
    assert ("survey", "7", "name") in where
    assert ("choices", "2", "name") in where
    messages = dict(((row[0], row[1], row[2]), row[3]) for row in rows)
    assert messages[("survey", "7", "name")] == "The name “q1” is already used in row 4."
    assert "There is no choice list “nolist”" in messages[("survey", "4", "type")]
    assert "The workbook has" in text_of(response) and "Nothing was imported" in text_of(response)
    assert db.session.scalar(select(func.count()).select_from(InstrumentVersion)) == 0


def test_problems_are_shown_in_the_users_language(app, client, db, admin):
    def break_it(sheets):
        sheets["survey"][5]["name"] = "q1"

    response = upload(client, f"{BASE}/import?lang=kk", minimal_xlsx(break_it))
    assert response.status_code == 422
    assert '<html lang="kk">' in response.get_data(as_text=True)
    problem = next(p for p in _problems(minimal_xlsx(break_it)) if p.code == "duplicate_name")
    with app.test_request_context("/?lang=kk"):
        expected = str(problem.detail)  # as the kk catalogue has it (English until it is translated)
    assert ("survey", "7", "name", expected) in problem_rows(response)


def _problems(content: bytes):
    from survey_app.instruments.xlsform import XLSFormError

    with pytest.raises(XLSFormError) as caught:
        parse_xlsform(content)
    return caught.value.problems


def test_a_file_that_is_not_a_workbook_is_a_problem_not_an_error(client, db, admin):
    response = upload(client, f"{BASE}/import?lang=en", b"PK\x03\x04 not really a zip", filename="form.xlsx")
    assert response.status_code == 422
    assert problem_rows(response) == [("—", "—", "—", "The file cannot be read as an Excel workbook (.xlsx).")]


def test_a_workbook_without_sheets_lists_the_missing_sheets(client, db, admin):
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "notes"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, f"{BASE}/import?lang=en", buffer.getvalue())
    assert response.status_code == 422
    sheets = {row[0] for row in problem_rows(response)}
    assert {"settings", "survey"} <= sheets


@pytest.mark.parametrize(("content", "filename", "message"), [
    (b"", "form.xlsx", "The file is empty."),
    (b"type,name\n", "form.csv", "The file must be an Excel workbook ending in .xlsx."),
])
def test_the_upload_form_checks_the_file(client, db, admin, content, filename, message):
    response = upload(client, f"{BASE}/import?lang=en", content, filename=filename)
    assert response.status_code == 422
    assert message in text_of(response)


def test_a_missing_file_is_asked_for(client, db, admin):
    response = client.post(f"{BASE}/import?lang=en", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose an Excel workbook (.xlsx)." in text_of(response)


def test_a_too_large_file_is_refused(client, db, admin, monkeypatch):
    monkeypatch.setattr("survey_app.instruments.forms.MAX_WORKBOOK_MB", 0.001)
    response = upload(client, f"{BASE}/import?lang=en", minimal_xlsx())
    assert response.status_code == 422
    assert "The file is larger than" in text_of(response)


# --------------------------------------------------------------------------- publish and versions


def test_publishing_is_refused_while_a_language_is_missing(client, db, admin):
    upload(client, f"{BASE}/import", minimal_xlsx())
    page = publish(client, "mini", 3)
    text = text_of(page)
    assert "cannot be published while texts are missing in" in text
    assert "Қазақша" in text.split("missing in", 1)[1].split("</p>")[0]
    assert "Українська" in text.split("missing in", 1)[1].split("</p>")[0]
    assert "label:q1" in text  # the completeness report lists the missing keys
    assert version_of(db, "mini", 3).status == "draft"


def test_publishing_a_complete_draft(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    page = publish(client, "mini", 3)
    assert "Version 3 is published." in text_of(page)
    version = version_of(db, "mini", 3)
    assert version.status == "published" and version.published_at is not None
    assert "Published" in text_of(client.get(f"{BASE}/?lang=en"))
    assert 'action="/staff/instruments/mini/3/publish"' not in text_of(client.get(f"{BASE}/mini/3"))


def test_importing_the_same_form_again_changes_nothing(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    draft_id = version_of(db, "mini", 3).id
    again = upload(client, f"{BASE}/import?lang=en", complete_xlsx(), follow_redirects=True)
    assert "already here with the same content" in text_of(again)
    assert version_of(db, "mini", 3).id == draft_id  # an unchanged draft is not even replaced
    publish(client, "mini", 3)
    published_at = version_of(db, "mini", 3).published_at
    again = upload(client, f"{BASE}/import?lang=en", complete_xlsx(), follow_redirects=True)
    assert "already here with the same content" in text_of(again)
    version = version_of(db, "mini", 3)
    assert (version.id, version.status, version.published_at) == (draft_id, "published", published_at)
    assert versions_of(db, "mini") == [3]


def test_a_draft_is_replaced_by_a_changed_import_of_the_same_version(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    again = upload(client, f"{BASE}/import?lang=en", complete_xlsx(q1_label="Q one, reworded"),
                   follow_redirects=True)
    assert "is replaced by the imported form" in text_of(again)
    assert form_definition(version_of(db, "mini", 3)).text("label:q1", "en") == "Q one, reworded"


def test_changed_content_under_a_published_version_is_refused(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    publish(client, "mini", 3)
    response = upload(client, f"{BASE}/import?lang=en", complete_xlsx(q1_label="Q one, reworded"))
    assert response.status_code == 422
    assert "Version 3 of “mini” is already published and cannot change" in text_of(response)
    assert form_definition(version_of(db, "mini", 3)).text("label:q1", "en") == "Q one"


def test_a_lower_version_than_the_published_one_is_refused(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx(version=5))
    publish(client, "mini", 5)
    response = upload(client, f"{BASE}/import?lang=en", complete_xlsx(version=4))
    assert response.status_code == 422
    assert "Version 4 is lower than the published version 5" in text_of(response)
    assert versions_of(db, "mini") == [5]


def _respond(db, version: InstrumentVersion) -> Response:
    """One response to ``version``, answering q1."""
    provider = factories.provider()
    campaign = factories.campaign(version, [provider])
    item = next(item for item in version.items if item.name == "q1")
    response = Response(submission_key=factories.unique("key"), campaign=campaign, provider_id=provider.id,
                        instrument_version_id=version.id, language="ru", mode="web", submitted_on=date(2026, 3, 1))
    response.answers = [Answer(item_id=item.id, choice="4", score=4)]
    db.session.add(response)
    db.session.flush()
    return response


def test_a_higher_version_is_a_new_version_and_old_responses_keep_theirs(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    publish(client, "mini", 3)
    old = version_of(db, "mini", 3)
    answered = _respond(db, old)
    response = upload(client, f"{BASE}/import", complete_xlsx(version=4, q1_label="Q one, reworded"))
    assert response.headers["Location"].endswith(f"{BASE}/mini/4")
    assert versions_of(db, "mini") == [3, 4]
    db.session.expire_all()
    assert answered.instrument_version_id == old.id
    assert [answer.item.version_id for answer in answered.answers] == [old.id]
    assert form_definition(version_of(db, "mini", 3)).text("label:q1", "en") == "Q one"
    listing = client.get(f"{BASE}/?lang=en").get_data(as_text=True)
    rows = re.findall(r'<tr>\s*<th scope="row"><a href="/staff/instruments/mini/(\d+)">.*?</tr>', listing, re.S)
    assert rows == ["4", "3"]  # newest first
    cells = {number: re.findall(r'<td class="number">([^<]*)</td>', row)
             for number, row in re.findall(r'mini/(\d+)">\d+</a></th>(.*?)</tr>', listing, re.S)}
    assert cells == {"4": ["4", "0"], "3": ["4", "1"]}  # questions, responses


def test_a_draft_used_by_a_campaign_is_not_replaced(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    factories.campaign(version_of(db, "mini", 3), [factories.provider()])
    response = upload(client, f"{BASE}/import?lang=en", complete_xlsx(q1_label="Q one, reworded"))
    assert response.status_code == 422
    assert "is already used by a campaign and cannot be replaced" in text_of(response)
    assert form_definition(version_of(db, "mini", 3)).text("label:q1", "en") == "Q one"


def test_an_unknown_version_is_not_found(client, db, admin):
    assert client.get(f"{BASE}/nothing/1").status_code == 404
    assert client.get(f"{BASE}/nothing/1/preview").status_code == 404
    assert client.post(f"{BASE}/nothing/1/publish").status_code == 404


# --------------------------------------------------------------------------- export


def test_export_then_import_gives_the_same_instrument(client, db, admin):
    upload(client, f"{BASE}/import", minimal_xlsx())
    original = form_definition(version_of(db, "mini", 3))
    exported = client.get(f"{BASE}/mini/3/xlsform")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == "attachment; filename=mini-3.xlsx"
    assert exported.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert parse_xlsform(exported.data) == original
    # The same version back: nothing changes.
    again = upload(client, f"{BASE}/import?lang=en", exported.data, filename="mini-3.xlsx", follow_redirects=True)
    assert "already here with the same content" in text_of(again)
    # Under a new number: a new version with exactly the same content.
    workbook = load_workbook(io.BytesIO(exported.data))
    settings = workbook["settings"]
    column = [cell.value for cell in settings[1]].index("version") + 1
    settings.cell(row=2, column=column, value=7)
    buffer = io.BytesIO()
    workbook.save(buffer)
    assert upload(client, f"{BASE}/import", buffer.getvalue(), filename="mini-7.xlsx").status_code == 302
    copy = form_definition(version_of(db, "mini", 7))
    assert copy == original.__class__(**{**original.__dict__, "version": 7})


def test_the_standard_instrument_survives_the_round_trip(client, db, admin):
    core = load_standard_instrument()
    exported = client.get(f"{BASE}/sapa_core/{core.version}/xlsform")
    assert exported.headers["Content-Disposition"] == f"attachment; filename=sapa_core-{core.version}.xlsx"
    again = upload(client, f"{BASE}/import?lang=en", exported.data, follow_redirects=True)
    assert "already here with the same content" in text_of(again)
    assert versions_of(db, "sapa_core") == [core.version]


# --------------------------------------------------------------------------- preview


@pytest.mark.parametrize("language", ["kk", "uk"])
def test_the_preview_shows_the_pages_in_a_language(client, db, admin, language):
    core = load_standard_instrument()
    form = form_definition(core)
    page = client.get(f"{BASE}/sapa_core/{core.version}/preview?language={language}&lang=en")
    text = text_of(page)
    assert page.status_code == 200
    for name in ("page_access", "access_easy", "overall_satisfaction", "comment_good"):
        assert form.text(f"label:{name}", language) in text
    assert form.text("choice:agree5:5", language) in text
    # Notes for staff: skip logic and the wording for answers given on someone's behalf.
    conditional = next(item for item in form.items if item.relevant and item.type == "begin_group")
    assert html.unescape(conditional.relevant) in text
    proxied = next(item for item in form.items if (f"proxy_label:{item.name}", language) in form.texts)
    assert form.text(f"proxy_label:{proxied.name}", language) in text
    # Read-only: nothing to send but the sign-out button.
    assert page.get_data(as_text=True).count("<form") == 1
    assert f'<div class="preview-question" lang="{language}">' in page.get_data(as_text=True)
    assert f'aria-current="true" lang="{language}"' in page.get_data(as_text=True)


def test_the_preview_marks_texts_missing_in_its_language(client, db, admin):
    upload(client, f"{BASE}/import", minimal_xlsx())
    text = text_of(client.get(f"{BASE}/mini/3/preview?language=kk&lang=en"))
    assert "No text in this language" in text
    assert "Вопрос один" in text  # the default language's text, as a recipient would see it


# --------------------------------------------------------------------------- translations


def _translation_rows(content: bytes):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, workbook.active


def _completeness(page_text: str, language_name: str) -> tuple[int, int]:
    match = re.search(rf">{language_name}</th>\s*<td class=\"number\">(\d+) of (\d+)</td>", page_text)
    return int(match.group(1)), int(match.group(2))


def test_translations_download_edit_upload_changes_completeness(client, db, admin):
    upload(client, f"{BASE}/import", minimal_xlsx())
    before = _completeness(text_of(client.get(f"{BASE}/mini/3?lang=en")), "Қазақша")
    assert before[0] == 0
    download = client.get(f"{BASE}/mini/3/translations")
    assert download.headers["Content-Disposition"] == "attachment; filename=mini-3-translations.xlsx"
    workbook, sheet = _translation_rows(download.data)
    header = [cell.value for cell in sheet[1]]
    assert header == ["key", "context", "en", "ru", "kk", "uk"]
    row = next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == "label:q1")
    sheet.cell(row=row, column=header.index("kk") + 1, value="Бірінші сұрақ")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, f"{BASE}/mini/3/translations?lang=en", buffer.getvalue(), follow_redirects=True)
    text = text_of(response)
    assert "The translations are saved in this draft." in text
    assert _completeness(text, "Қазақша") == (1, before[1])
    assert form_definition(version_of(db, "mini", 3)).text("label:q1", "kk") == "Бірінші сұрақ"


def test_filling_every_language_makes_the_draft_publishable(client, db, admin):
    upload(client, f"{BASE}/import", minimal_xlsx())
    workbook, sheet = _translation_rows(client.get(f"{BASE}/mini/3/translations").data)
    header = [cell.value for cell in sheet[1]]
    for cells in sheet.iter_rows(min_row=2):
        english = cells[header.index("en")].value
        cells[header.index("kk")].value = f"{english} (kk)"
        cells[header.index("uk")].value = f"{english} (uk)"
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload(client, f"{BASE}/mini/3/translations", buffer.getvalue())
    text = text_of(client.get(f"{BASE}/mini/3?lang=en"))
    assert text.count("Complete</span>") == 4
    assert "Version 3 is published." in text_of(publish(client, "mini", 3))


def test_translations_of_a_published_version_go_into_a_new_draft(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    publish(client, "mini", 3)
    workbook, sheet = _translation_rows(client.get(f"{BASE}/mini/3/translations").data)
    header = [cell.value for cell in sheet[1]]
    row = next(row[0].row for row in sheet.iter_rows(min_row=2) if row[0].value == "label:q1")
    sheet.cell(row=row, column=header.index("uk") + 1, value="Питання перше")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, f"{BASE}/mini/3/translations?lang=en", buffer.getvalue())
    assert response.headers["Location"].endswith(f"{BASE}/mini/4")
    page = text_of(client.get(response.headers["Location"]))
    assert "Version 3 is published and cannot change, so the translations are saved as a new draft, version 4." in page
    assert versions_of(db, "mini") == [3, 4]
    assert version_of(db, "mini", 4).status == "draft"
    assert form_definition(version_of(db, "mini", 4)).text("label:q1", "uk") == "Питання перше"
    assert form_definition(version_of(db, "mini", 3)).text("label:q1", "uk") == "Q one [uk]"


def test_an_unchanged_translation_workbook_saves_nothing(client, db, admin):
    upload(client, f"{BASE}/import", complete_xlsx())
    publish(client, "mini", 3)
    download = client.get(f"{BASE}/mini/3/translations").data
    response = upload(client, f"{BASE}/mini/3/translations?lang=en", download, follow_redirects=True)
    assert "The workbook changes no text; nothing was saved." in text_of(response)
    assert versions_of(db, "mini") == [3]


def test_a_bad_translation_workbook_lists_its_problems(client, db, admin):
    upload(client, f"{BASE}/import", minimal_xlsx())
    workbook, sheet = _translation_rows(client.get(f"{BASE}/mini/3/translations").data)
    sheet.cell(row=2, column=1, value="label:nothing_like_this")
    sheet.cell(row=1, column=7, value="de")
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = upload(client, f"{BASE}/mini/3/translations?lang=en", buffer.getvalue())
    assert response.status_code == 422
    where = [row[:3] for row in problem_rows(response)]
    assert ("translations", "1", "de") in where
    assert ("translations", "2", "key") in where


# --------------------------------------------------------------------------- access


def test_an_evaluator_may_look_but_not_change(client, db, evaluator):
    core = load_standard_instrument()
    base = f"{BASE}/sapa_core/{core.version}"
    for url in (f"{BASE}/", base, f"{base}/preview", f"{base}/xlsform", f"{base}/translations"):
        assert client.get(url).status_code == 200, url
    page = text_of(client.get(f"{BASE}/?lang=en"))
    assert "Import an XLSForm" not in page
    assert 'name="workbook"' not in client.get(base).get_data(as_text=True)
    assert client.get(f"{BASE}/import").status_code == 403
    assert upload(client, f"{BASE}/import", minimal_xlsx()).status_code == 403
    assert client.post(f"{base}/publish").status_code == 403
    assert upload(client, f"{base}/translations", minimal_xlsx()).status_code == 403
    assert versions_of(db, "mini") == []


@pytest.mark.parametrize("role", ["monitor", "provider_manager", "social_worker"])
def test_other_roles_may_not_open_the_questionnaires(client, db, sign_in, role):
    core = load_standard_instrument()
    sign_in(role)
    for url in (f"{BASE}/", f"{BASE}/sapa_core/{core.version}", f"{BASE}/sapa_core/{core.version}/preview",
                f"{BASE}/sapa_core/{core.version}/xlsform"):
        assert client.get(url).status_code == 403, url
    assert 'href="/staff/instruments/"' not in client.get("/staff/").get_data(as_text=True)


def test_the_navigation_shows_questionnaires_to_admins_and_evaluators(client, db, sign_in):
    sign_in("evaluator")
    assert 'href="/staff/instruments/"' in client.get("/staff/?lang=en").get_data(as_text=True)


def test_signed_out_visitors_are_sent_to_sign_in(client, db):
    for url in (f"{BASE}/", f"{BASE}/import", f"{BASE}/mini/3/preview"):
        response = client.get(url)
        assert response.status_code == 302
        assert "/staff/login" in response.headers["Location"]
    response = upload(client, f"{BASE}/import", minimal_xlsx())
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]


def test_a_post_without_a_csrf_token_is_refused(client, db, admin, monkeypatch):
    upload(client, f"{BASE}/import", complete_xlsx())
    monkeypatch.setitem(client.application.config, "WTF_CSRF_ENABLED", True)
    assert upload(client, f"{BASE}/import", complete_xlsx(version=4)).status_code == 400
    assert client.post(f"{BASE}/mini/3/publish").status_code == 400
    assert version_of(db, "mini", 3).status == "draft"
    assert versions_of(db, "mini") == [3]
    # With the token from the page, the same form goes through.
    page = client.get(f"{BASE}/import").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    response = client.post(f"{BASE}/import", data={"csrf_token": token,
                                                    "workbook": (io.BytesIO(complete_xlsx(version=4)), "f.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 302
