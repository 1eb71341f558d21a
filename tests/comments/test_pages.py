"""The comment and alert pages: scope, masking, the rule on small numbers, who sees safeguarding
alerts, acknowledgment with a note, the CSV file and CSRF."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from sqlalchemy import select

from survey_app.comments.services import CommentFilters, comments_page, latest_comments, open_alerts
from survey_app.extensions import db
from survey_app.models import Answer, SafeguardingAlert
from survey_app.staff.services import safeguarding_alerts
from tests.comments.conftest import PHONE, add_response


def page(client, url: str, status: int = 200) -> str:
    answer = client.get(url)
    assert answer.status_code == status, (url, answer.status_code)
    return unescape(answer.get_data(as_text=True))


def listed(html: str) -> str:
    """The list of comments only (not the filter form, whose lists name providers)."""
    return html.split('id="comments-found"', 1)[1] if 'id="comments-found"' in html else ""


# ------------------------------------------------------------------ reading comments


def test_a_monitor_reads_the_comments_of_the_assigned_region_only(client, sign_in, world):
    sign_in("monitor")
    html = page(client, "/staff/comments/?lang=en")
    comments = listed(html)
    assert "Inside: персонал вежливый" in comments
    assert "Zeta" not in html  # neither its comments nor its name in the filters
    assert world.outside.name not in html
    # A provider outside the scope is not a choice: asking for it is refused like an unknown one.
    assert "Choose one of the options shown." in page(client, f"/staff/comments/?provider={world.outside.id}")
    assert page(client, f"/staff/comments/providers/{world.outside.id}", 404)
    answer = client.get(f"/staff/comments/providers/{world.inside.id}")
    assert answer.status_code == 302 and answer.headers["Location"].endswith(f"?provider={world.inside.id}")


def test_comments_are_masked_for_everyone_and_the_stored_text_is_unchanged(client, sign_in, world):
    for role in ("admin", "evaluator", "monitor", "provider_manager"):
        sign_in(role)
        html = page(client, f"/staff/comments/?provider={world.inside.id}&lang=en")
        assert 'Inside: позвоните мне <span class="masked">[phone]</span>' in html, role
        assert PHONE not in html and "701 234" not in html, role
    # Only the database keeps what was written (a safeguarding investigation may need it).
    stored = db.session.scalar(select(Answer.text).where(Answer.text.like("Inside: позвоните%")))
    assert stored == f"Inside: позвоните мне {PHONE}"


def test_each_comment_shows_its_day_provider_question_and_language_but_not_its_response(client, sign_in, world):
    sign_in("evaluator")
    html = page(client, f"/staff/comments/?provider={world.inside.id}&question=comment_good&language=en&lang=en")
    comments = listed(html)
    assert "Inside: good food and warm rooms" in comments
    assert "May 10, 2026" in comments and world.inside.name in comments
    assert "What is good about the services?" in comments and "English" in comments
    assert "персонал" not in comments  # Russian answers filtered out
    for response in db.session.scalars(select(SafeguardingAlert.response_id)):
        assert f"response_id={response}" not in html and f"/responses/{response}" not in html


def test_search_is_case_insensitive_in_cyrillic_and_refuses_numbers(client, sign_in, world):
    sign_in("admin")
    comments = listed(page(client, "/staff/comments/?q=ПЕРСОНАЛ&lang=en"))
    assert comments.count("персонал вежливый") == 3
    refused = page(client, "/staff/comments/?q=701&lang=en")
    assert "numbers and e-mail addresses cannot be searched" in refused
    assert listed(refused) == ""  # nothing listed: a search could test for a phone number


def test_the_small_number_rule_hides_a_provider_with_four_responses_below_administrator(client, sign_in, world):
    for role in ("evaluator", "monitor"):
        sign_in(role)
        html = page(client, "/staff/comments/?lang=en")
        assert "Small:" not in listed(html), role
        assert "Comments hidden for 1 provider: fewer than 5 responses in the campaign." in html
        only_small = page(client, f"/staff/comments/?provider={world.small.id}&lang=en")
        assert "0 comments" in only_small and "fewer than 5 responses" in only_small
    sign_in("admin")
    html = page(client, "/staff/comments/?lang=en")
    assert "Small: good food and warm rooms" in listed(html)
    assert "Comments hidden" not in html


def test_the_csv_file_holds_the_same_masked_comments(client, sign_in, world):
    add_response(world.campaign, world.inside, {"comment_good": "=HYPERLINK(\"http://x\")"})
    sign_in("monitor")
    answer = client.get(f"/staff/comments/comments.csv?provider={world.inside.id}&lang=en")
    assert answer.status_code == 200 and answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.get_data().decode("utf-8-sig"))))
    assert rows[0] == ["Date", "Campaign", "Provider", "Question", "Language", "Comment", "Safeguarding alert"]
    comments = {row[5]: row for row in rows[1:]}
    assert "Inside: позвоните мне [phone]" in comments
    assert comments["Inside: санитарка кричит на бабушек"][6] == "yes"
    assert "'=HYPERLINK(\"http://x\")" in comments  # never a formula in a spreadsheet
    assert not any(PHONE in row[5] for row in rows)
    assert {row[2] for row in rows[1:]} == {world.inside.name}, rows
    sign_in("evaluator")
    small = client.get(f"/staff/comments/comments.csv?provider={world.small.id}").get_data().decode("utf-8-sig")
    assert len(list(csv.reader(io.StringIO(small)))) == 1  # the header only: fewer than 5 responses


def test_paging(world, app):
    admin = world.users["admin"]
    with app.test_request_context():
        check_paging(admin)


def check_paging(admin):
    first = comments_page(admin, CommentFilters(), "en", page=1, per_page=4)
    second = comments_page(admin, CommentFilters(), "en", page=2, per_page=4)
    assert (first.total, first.pages) == (12, 3)
    assert len(first.comments) == 4 and len(second.comments) == 4
    assert not {c.text for c in first.comments} & {c.text for c in second.comments}
    assert comments_page(admin, CommentFilters(), "en", page=99, per_page=4).page == 3


def test_the_scorecard_gets_the_latest_masked_comments_of_one_provider(world, app):
    with app.test_request_context("/?lang=en"):
        latest = latest_comments(world.users["monitor"], world.inside.id, "en", limit=2)
        assert len(latest) == 2 and all(comment.provider_id == world.inside.id for comment in latest)
        assert latest_comments(world.users["monitor"], world.outside.id, "en") == []
        assert latest_comments(world.users["evaluator"], world.small.id, "en") == []
        masked = [c.text for c in latest_comments(world.users["admin"], world.inside.id, "en", limit=10)]
        assert "Inside: позвоните мне [phone]" in masked


# ------------------------------------------------------------------ who sees safeguarding alerts


def test_a_provider_manager_sees_no_alert_about_the_own_organisation_nor_the_comment_behind_it(
        client, sign_in, world, app):
    manager = sign_in("provider_manager")
    html = page(client, "/staff/comments/?lang=en")
    comments = listed(html)
    assert "Inside: персонал вежливый" in comments
    assert "кричит" not in comments and "Safeguarding alert" not in html
    assert 'name="safeguarding"' not in html
    assert "кричит" not in page(client, "/staff/comments/?safeguarding=y&lang=en")
    page(client, "/staff/comments/alerts/", 403)
    page(client, f"/staff/comments/alerts/{world.alert(world.inside).id}", 403)
    with app.test_request_context():
        assert open_alerts(manager) == []
        assert safeguarding_alerts(manager) == []  # the dashboard's hook: nothing, not a placeholder
    csv_text = client.get("/staff/comments/comments.csv").get_data().decode("utf-8-sig")
    assert "кричит" not in csv_text and "Safeguarding" not in csv_text


def test_a_social_worker_has_no_comments_section(client, sign_in, world):
    sign_in("social_worker")
    page(client, "/staff/comments/", 403)
    assert "/staff/comments/" not in page(client, "/staff/?lang=en")


def test_a_monitor_sees_and_follows_up_alerts_of_the_assigned_region(client, sign_in, world, app):
    monitor = sign_in("monitor")
    html = page(client, "/staff/comments/alerts/?lang=en")
    assert world.inside.name in html and world.small.name in html and world.outside.name not in html
    assert "Open (2)" in html
    page(client, f"/staff/comments/alerts/{world.alert(world.outside).id}", 404)
    flagged = listed(page(client, "/staff/comments/?safeguarding=y&lang=en"))
    assert "Inside: санитарка кричит на бабушек" in flagged and "вежливый" not in flagged
    with app.test_request_context():
        items = open_alerts(monitor)
        assert {item.provider_id for item in items} == {world.inside.id, world.small.id}
        item = next(item for item in items if item.provider_id == world.inside.id)
        assert item.provider_name == world.inside.name
        assert item.received_on.isoformat() == "2026-05-10"
        assert item.url == f"/staff/comments/alerts/{world.alert(world.inside).id}"
        dashboard = safeguarding_alerts(monitor)
        assert {alert.url for alert in dashboard} == {item.url for item in items}


def test_the_dashboard_lists_the_monitors_open_alerts(client, sign_in, world):
    sign_in("monitor")
    html = page(client, "/staff/?lang=en")
    panel = html.split('id="alerts-title"', 1)[1].split("</section>", 1)[0]
    assert f'href="/staff/comments/alerts/{world.alert(world.inside).id}"' in panel
    assert f"/staff/comments/alerts/{world.alert(world.outside).id}\"" not in panel
    assert "safeguarding-placeholder" not in panel


def test_an_alert_page_shows_the_masked_comment_unless_the_provider_is_too_small(client, sign_in, world):
    sign_in("evaluator")
    html = page(client, f"/staff/comments/alerts/{world.alert(world.inside).id}?lang=en")
    assert "Inside: санитарка кричит на бабушек" in html
    assert "shouting or swearing at someone" in html and "What should be improved?" in html
    small = page(client, f"/staff/comments/alerts/{world.alert(world.small).id}?lang=en")
    assert "Small: санитарка" not in small and "The comment’s words are hidden" in small
    sign_in("admin")
    assert "Small: санитарка кричит на бабушек" in page(client, f"/staff/comments/alerts/{world.alert(world.small).id}")


def test_acknowledging_an_alert_with_a_note(client, sign_in, world):
    monitor = sign_in("monitor")
    alert = world.alert(world.inside)
    url = f"/staff/comments/alerts/{alert.id}"
    refused = client.post(url + "?lang=en", data={"note": "   "})
    assert refused.status_code == 422 and "Write what was done" in refused.get_data(as_text=True)
    assert db.session.get(SafeguardingAlert, alert.id).status == "open"
    answer = client.post(url, data={"note": "Visited on Monday; the director and the police were told."})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(url)
    db.session.expire_all()
    done = db.session.get(SafeguardingAlert, alert.id)
    assert done.status == "acknowledged" and done.acknowledged_by_id == monitor.id
    assert done.note == "Visited on Monday; the director and the police were told."
    assert done.acknowledged_at is not None
    html = page(client, url + "?lang=en")
    assert "by Comments monitor." in html and "the police were told" in html
    assert "Acknowledge the alert" not in html
    assert "Open (1)" in page(client, "/staff/comments/alerts/?lang=en")
    again = client.post(url + "?lang=en", data={"note": "A second note"}, follow_redirects=True)
    assert "Someone acknowledged this alert already" in unescape(again.get_data(as_text=True))
    db.session.expire_all()
    assert db.session.get(SafeguardingAlert, alert.id).note.startswith("Visited on Monday")


@pytest.fixture
def csrf_on(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def test_acknowledging_needs_the_forms_csrf_token(client, sign_in, world, csrf_on):
    sign_in("monitor")
    url = f"/staff/comments/alerts/{world.alert(world.inside).id}"
    assert client.post(url, data={"note": "Checked"}).status_code == 400
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page(client, url)).group(1)
    assert client.post(url, data={"note": "Checked", "csrf_token": token}).status_code == 302
    assert world.alert(world.inside).status == "acknowledged"


def test_navigation_offers_comments_to_the_roles_that_read_them(client, sign_in, world):
    for role, offered in (("admin", True), ("evaluator", True), ("monitor", True), ("provider_manager", True),
                          ("social_worker", False)):
        sign_in(role)
        assert ('href="/staff/comments/"' in page(client, "/staff/?lang=en")) is offered, role
