"""Importing responses from CSV and XLSX exports: dry run, all-or-nothing commit, no duplicates, access."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
from datetime import timedelta

from flask_babel import force_locale
from openpyxl import Workbook
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.intake.services import import_responses
from survey_app.intake.tables import read_table
from survey_app.models import Answer, Response
from survey_app.models.base import today
from tests.intake.conftest import response_count, sign_in


def csv_bytes(header: list[str], rows: list[list], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_of(answer) -> str:
    return html.unescape(answer.get_data(as_text=True))


def answers_of(response) -> dict[str, Answer]:
    return {row.item.name: row for row in db.session.scalars(select(Answer).where(Answer.response_id == response.id))}


def upload(client, participant, data: bytes, filename: str, provider=None, action="check", language="ru"):
    """Post the import form as a browser does: a file upload (or the file sent back for the commit)."""
    form = {"provider": str(provider.id if provider else 0), "language": language, "action": action}
    if action == "commit":
        form["content"] = base64.b64encode(data).decode()
        form["filename"] = filename
    else:
        form["file"] = (io.BytesIO(data), filename)
    return client.post(f"/staff/intake/import?campaign={participant.campaign_id}", data=form,
                       content_type="multipart/form-data")


def check(table_bytes: bytes, participant, commit=False, provider=None, user=None):
    """The import service itself, with its messages in English."""
    with force_locale("en"):
        return import_responses(read_table(table_bytes), participant.campaign, user=user, provider=provider,
                                language="ru", commit=commit, message_language="en")


def day(offset: int) -> str:
    return (today() - timedelta(days=offset)).isoformat()


MINI_HEADER = ["agree", "followup", "services", "visits", "comment", "sex", "provider_code", "submitted_on"]


def mini_rows(participant) -> list[list]:
    code = participant.provider.code
    return [
        ["5", "", "legal food", "3", "Good", "female", code, day(3)],
        ["1", "no", "", "0", "", "male", code, day(2)],
        ["na", "", "psych", "12", "", "", code, day(1)],
    ]


def test_a_good_csv_is_checked_then_imported_from_the_web(client, mini, site, staff):
    participant = site(mini)
    sign_in(client, staff("admin"))
    data = csv_bytes(MINI_HEADER, mini_rows(participant))
    page = client.get(f"/staff/intake/import?campaign={participant.campaign_id}")
    assert page.status_code == 200
    dry = upload(client, participant, data, "mini.csv")
    assert dry.status_code == 200, text_of(dry)[:3000]
    assert "Every row is correct. Import stores 3 responses, all in one go." in text_of(dry)
    assert response_count(provider_id=participant.provider_id) == 0  # a dry run stores nothing
    # The page sends the same file back with the commit button.
    assert base64.b64encode(data).decode() in dry.get_data(as_text=True)

    done = upload(client, participant, data, "mini.csv", action="commit")
    assert done.status_code == 302
    assert "3 responses from mini.csv are stored." in text_of(client.get(done.headers["Location"]))
    responses = list(db.session.scalars(select(Response).where(Response.provider_id == participant.provider_id)
                                        .order_by(Response.submitted_on)))
    assert [r.submitted_on.isoformat() for r in responses] == [day(3), day(2), day(1)]
    assert {r.mode for r in responses} == {"import"}
    assert [r.sex for r in responses] == ["female", "male", None]
    first = answers_of(responses[0])
    assert (first["agree"].choice, first["agree"].score) == ("5", 5)
    assert first["services"].choice == "legal food"
    assert first["visits"].number == 3
    assert first["comment"].text == "Good"
    assert answers_of(responses[1])["followup"].choice == "no"


def test_a_good_xlsx_with_numbers_as_numbers_and_real_dates(client, core, site, staff):
    participant = site(core, setting="residential")
    sign_in(client, staff("social_worker", participant.provider))
    header = ["assistance", "access_easy", "recommend", "living_food", "age_band", "recipient_category",
              "submitted_on"]
    rows = [["self", 4, 10, 5, "75_plus", "older_people", today() - timedelta(days=4)],
            ["proxy", 2, 0, "na", "60_74", "na", today() - timedelta(days=5)]]
    data = xlsx_bytes(header, rows)
    dry = upload(client, participant, data, "paper.xlsx", provider=participant.provider)
    assert dry.status_code == 200, text_of(dry)[:3000]
    done = upload(client, participant, data, "paper.xlsx", provider=participant.provider, action="commit")
    assert done.status_code == 302
    responses = list(db.session.scalars(select(Response).where(Response.provider_id == participant.provider_id)
                                        .order_by(Response.submitted_on.desc())))
    assert [(r.assistance, r.age_band, r.submitted_on) for r in responses] == [
        ("self", "75_plus", today() - timedelta(days=4)), ("proxy", "60_74", today() - timedelta(days=5))]
    assert responses[0].recipient_category.code == "older_people"
    assert answers_of(responses[0])["recommend"].score == 10
    assert answers_of(responses[1])["living_food"].choice == "na"


def test_a_kobotoolbox_export_with_group_prefixes_uuid_and_submission_time(core, site, staff):
    participant = site(core)
    other = site(core, campaign=participant.campaign)
    header = ["start", "end", "page_about/assistance", "page_access/access_easy", "page_access/access_waiting",
              "page_overall/recommend", "page_comments/comment_good", "page_profile/sex", "provider_code",
              "_id", "_uuid", "_submission_time", "_validation_status", "_notes", "_status", "_submitted_by",
              "__version__", "_tags", "_index", "meta/instanceID", "provider_setting"]
    uuid1, uuid2 = "6f1c7c3e-0d5f-4c43-9a4b-8c1f1f6e2a01", "6f1c7c3e-0d5f-4c43-9a4b-8c1f1f6e2a02"
    rows = [
        [f"{day(9)}T09:58:00.000+06:00", f"{day(9)}T10:04:51.000+06:00", "self", "5", "4", "10", "Хорошо",
         "female", participant.provider.code, "101", uuid1, f"{day(8)}T04:05:06", "", "", "submitted_via_web",
         "enumerator7", "vGq8", "", "1", f"uuid:{uuid1}", ""],
        [f"{day(7)}T11:00:00.000+06:00", f"{day(7)}T11:09:00.000+06:00", "helped", "3", "na", "7", "", "male",
         other.provider.code, "102", uuid2, f"{day(7)}T05:09:00", "", "", "submitted_via_web", "enumerator7",
         "vGq8", "", "2", f"uuid:{uuid2}", ""],
    ]
    data = csv_bytes(header, rows, delimiter=";")  # KoboToolbox's CSV default
    report = check(data, participant)
    assert report.ok, report.problems
    assert (report.rows, report.new, report.ignored_columns) == (2, 2, [])
    report = check(data, participant, commit=True)
    assert report.committed and report.stored == 2
    stored = {r.submission_key: r for r in db.session.scalars(
        select(Response).where(Response.campaign_id == participant.campaign_id))}
    assert set(stored) == {uuid1, uuid2}
    assert stored[uuid1].submitted_on.isoformat() == day(8)  # _submission_time, to the day
    assert stored[uuid1].provider_id == participant.provider_id
    assert stored[uuid2].provider_id == other.provider_id
    assert stored[uuid1].assistance == "self"
    assert answers_of(stored[uuid1])["comment_good"].text == "Хорошо"
    assert answers_of(stored[uuid2])["access_waiting"].choice == "na"


def test_an_odk_central_export_with_instance_ids_and_submission_date(mini, site):
    participant = site(mini)
    header = ["SubmissionDate", "page_main-agree", "page_main-followup", "page_main-services",
              "page_main-services/legal", "page_main-services/psych", "page_main-services/food", "page_main-visits",
              "page_main-comment", "page_about-sex", "meta-instanceID", "KEY", "SubmitterID", "SubmitterName",
              "AttachmentsPresent", "AttachmentsExpected", "Status", "ReviewState", "DeviceID", "Edits",
              "FormVersion"]
    rows = [
        [f"{day(4)}T23:59:59.123Z", "2", "yes", "legal psych", "1", "1", "0", "4", "", "female",
         "uuid:a1b2c3d4-0000-4000-8000-000000000001", "uuid:a1b2c3d4-0000-4000-8000-000000000001", "5",
         "tablet-3", "0", "0", "", "approved", "collect:X1", "0", "1"],
        # Only the one-column-per-option form of the multiple choice (ODK's "split select multiples").
        [f"{day(3)}T08:00:00.000Z", "4", "", "", "0", "0", "1", "0", "Спасибо", "",
         "uuid:a1b2c3d4-0000-4000-8000-000000000002", "uuid:a1b2c3d4-0000-4000-8000-000000000002", "5",
         "tablet-3", "0", "0", "", "", "collect:X1", "0", "1"],
    ]
    data = csv_bytes(header, rows)
    report = check(data, participant, provider=participant.provider, commit=True)
    assert report.committed, report.problems
    stored = {r.submission_key: r for r in db.session.scalars(
        select(Response).where(Response.provider_id == participant.provider_id))}
    first = stored["a1b2c3d4-0000-4000-8000-000000000001"]
    second = stored["a1b2c3d4-0000-4000-8000-000000000002"]
    assert first.submitted_on.isoformat() == day(4)
    assert answers_of(first)["services"].choice == "legal psych"
    assert answers_of(second)["services"].choice == "food"
    assert answers_of(second)["comment"].text == "Спасибо"
    assert first.sex == "female"


def test_the_dry_run_reports_every_bad_row_and_field(client, mini, site, staff):
    participant = site(mini)
    code = participant.provider.code
    header = MINI_HEADER + ["services/legal", "deviceid"]
    rows = [
        ["5", "", "", "3", "", "female", code, day(3), "", "x"],  # good
        ["7", "", "", "3", "", "female", code, day(3), "", "x"],  # agree: not an option
        ["4", "yes", "", "abc", "", "other", code, day(3), "", "x"],  # followup not asked; visits; sex
        ["4", "", "legal spa", "61", "", "", code, "2001-01-01", "", "x"],  # option; constraint; date
        ["4", "", "", "", "", "", "unknown-provider", "15.13.2026", "2", "x"],  # provider; date; 0/1
    ]
    report = check(csv_bytes(header, rows), participant)
    found = {(p.row, p.column, p.value) for p in report.problems}
    assert found == {
        (3, "agree", "7"),
        (4, "followup", "yes"), (4, "visits", "abc"), (4, "sex", "other"),
        (5, "services", "legal spa"), (5, "visits", "61"), (5, "submitted_on", "2001-01-01"),
        (6, "provider_code", "unknown-provider"), (6, "submitted_on", "15.13.2026"), (6, "services/legal", "2"),
    }
    assert report.bad_rows == 4 and report.new == 1 and not report.committed
    messages = {(p.row, p.column): p.message for p in report.problems}
    assert messages[(3, "agree")] == "“7” is not one of the answers to this question. Allowed: 1, 2, 3, 4, 5, na."
    assert "skip logic" in messages[(4, "followup")]
    assert messages[(4, "visits")] == "Please enter a whole number."
    assert messages[(5, "visits")] == "This answer is not possible. Please check it."
    assert messages[(5, "submitted_on")].startswith("This date is outside the campaign")
    assert messages[(6, "provider_code")] == "There is no provider with this code."
    assert messages[(6, "submitted_on")] == "This is not a date. Write it like 2026-03-15."
    assert messages[(6, "services/legal")] == "Write 1 (chosen) or 0 (not chosen)."

    # The web page shows the same, in the user's language.
    sign_in(client, staff("admin", language="ru"))
    page = upload(client, participant, csv_bytes(header, rows), "bad.csv")
    assert page.status_code == 422
    shown = text_of(page)
    for row, column, value in found:
        assert re.search(rf"<td>{row}</td>\s*<td><code>{re.escape(column)}</code></td>\s*<td><code>{re.escape(value)}",
                         shown), (row, column, value)


def test_one_bad_row_and_nothing_is_stored(client, mini, site, staff):
    participant = site(mini)
    sign_in(client, staff("admin"))
    rows = mini_rows(participant) + [["9", "", "", "", "", "", participant.provider.code, day(1)]]
    before = response_count()
    answer = upload(client, participant, csv_bytes(MINI_HEADER, rows), "one-bad.csv", action="commit")
    assert answer.status_code == 422
    assert "Nothing was stored." in text_of(answer)
    assert response_count() == before
    report = check(csv_bytes(MINI_HEADER, rows), participant, commit=True)
    assert not report.committed and report.stored == 0
    assert response_count() == before


def test_importing_the_same_file_again_adds_nothing(client, mini, site, staff):
    participant = site(mini)
    sign_in(client, staff("monitor"))  # a monitor without regions sees no provider…
    assert "None of your providers takes part in a campaign yet." in text_of(client.get("/staff/intake/import"))
    sign_in(client, staff("provider_manager", participant.provider))
    # Without identifiers (a hand-made file) the rows' content is the key; two identical rows stay two.
    rows = mini_rows(participant) + [mini_rows(participant)[0]]
    data = csv_bytes(MINI_HEADER, rows)
    assert upload(client, participant, data, "same.csv", action="commit").status_code == 302
    assert response_count(provider_id=participant.provider_id) == 4
    again = upload(client, participant, data, "same.csv")
    assert "every response in the file is already stored" in text_of(again)
    assert upload(client, participant, data, "same.csv", action="commit").status_code == 302
    assert response_count(provider_id=participant.provider_id) == 4
    report = check(data, participant, commit=True)
    assert (report.new, report.already, report.stored) == (0, 4, 0)
    # With identifiers, a changed row under a stored identifier is not stored again either.
    header = MINI_HEADER + ["_uuid"]
    keyed = [row + [f"k-{index}"] for index, row in enumerate(mini_rows(participant))]
    assert check(csv_bytes(header, keyed), participant, commit=True).stored == 3
    keyed[0][0] = "1"
    report = check(csv_bytes(header, keyed), participant, commit=True)
    assert (report.new, report.already, report.stored) == (0, 3, 0)
    assert response_count(provider_id=participant.provider_id) == 7


def test_a_provider_manager_cannot_import_for_another_provider(client, mini, site, staff):
    own = site(mini)
    other = site(mini, campaign=own.campaign)
    manager = staff("provider_manager", own.provider)
    sign_in(client, manager)
    rows = [row[:6] + [other.provider.code] + row[7:] for row in mini_rows(own)]
    answer = upload(client, own, csv_bytes(MINI_HEADER, rows), "other.csv", action="commit")
    assert answer.status_code == 422
    assert "You may not import responses for this provider." in text_of(answer)
    assert response_count(provider_id=other.provider_id) == 0
    # Nor by choosing the other provider for the whole file (it is not offered; a forged choice is refused).
    page = text_of(client.get(f"/staff/intake/import?campaign={own.campaign_id}"))
    assert other.provider.code not in page
    header = MINI_HEADER[:6] + ["submitted_on"]
    plain = [row[:6] + [row[7]] for row in mini_rows(own)]
    forged = upload(client, own, csv_bytes(header, plain), "forged.csv", provider=other.provider, action="commit")
    assert forged.status_code == 422
    assert response_count(provider_id=other.provider_id) == 0
    assert check(csv_bytes(MINI_HEADER, rows), own, user=manager).problems[0].message == (
        "You may not import responses for this provider.")


def test_files_that_cannot_be_read_are_explained(client, mini, site, staff):
    participant = site(mini)
    sign_in(client, staff("admin"))
    for data, message in [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0" + b"\0" * 100, "This is an old Excel (.xls) file."),
        (b"PK\x03\x04broken", "neither a CSV file in UTF-8 nor an XLSX workbook"),
        (csv_bytes(["Question one", "Question two"], [["1", "2"]]), "None of the columns is a question"),
        (csv_bytes(["agree", "page_main/agree"], [["1", "2"]]), "both hold the answer to “agree”"),
        (csv_bytes(["agree"], [["1"]]), "add a column “provider_code”"),
    ]:
        answer = upload(client, participant, data, "x.csv")
        assert answer.status_code == 422
        assert message in text_of(answer), message


def test_the_command_line_prints_the_same_report_and_commits_only_when_asked(runner, app, mini, site, tmp_path):
    participant = site(mini)
    path = tmp_path / "export.csv"
    path.write_bytes(csv_bytes(MINI_HEADER, mini_rows(participant)))
    arguments = ["import-responses", str(path), "--campaign", participant.campaign.code, "--report-language", "en"]
    dry = runner.invoke(args=arguments)
    assert dry.exit_code == 0, dry.output
    assert "3 new responses." in dry.output
    assert "Dry run: nothing was stored." in dry.output
    assert response_count(provider_id=participant.provider_id) == 0
    done = runner.invoke(args=arguments + ["--commit"])
    assert done.exit_code == 0, done.output
    assert "Stored 3 responses." in done.output
    assert response_count(provider_id=participant.provider_id) == 3

    path.write_bytes(csv_bytes(MINI_HEADER, mini_rows(participant) + [["x"] + mini_rows(participant)[0][1:]]))
    bad = runner.invoke(args=arguments + ["--commit"])
    assert bad.exit_code == 1
    assert "row 5, column “agree”, value “x”: “x” is not one of the answers" in bad.output
    assert "Nothing was stored." in bad.output
    assert response_count(provider_id=participant.provider_id) == 3
    unknown = runner.invoke(args=["import-responses", str(path), "--campaign", "nope"])
    assert unknown.exit_code != 0 and "nope" in unknown.output
