"""Safety: quick exit, nothing that identifies a device or a moment, one neutral cookie, neutral titles,
nothing cached."""

from __future__ import annotations

import re
from datetime import date, datetime, time

import pytest
from sqlalchemy import Date, inspect, select

from survey_app.extensions import db as _db
from survey_app.models import Response, SurveyDraft
from tests.survey.helpers import Respondent, location, one_time_code, title_of

IP_ADDRESS = "203.0.113.77"
FORWARDED_FOR = "198.51.100.23"
USER_AGENT = "Mozilla/5.0 (SapaProbe 4.2; tablet)"
NEUTRAL_TITLE = re.compile(r"^Sapa( · \d+ / \d+)?$")


def _token(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("draft")


# ------------------------------------------------------------------ quick exit

def test_quick_exit_deletes_the_draft_and_the_cookie(client, db, respondent, app):
    respondent.start()
    respondent.post(1, {"assistance": "proxy"})
    respondent.post(2, {"access_easy": "1"})
    token = _token(client)
    assert db.session.get(SurveyDraft, token) is not None
    leave = client.get("/exit")
    assert leave.status_code == 302
    assert location(leave) == app.config["SAPA_QUICK_EXIT_URL"]
    assert leave.headers["Clear-Site-Data"] == '"cache", "cookies", "storage"'
    assert leave.headers["Cache-Control"] == "no-store"
    cookie = leave.headers["Set-Cookie"]
    assert cookie.startswith("sapa=;") and "Expires=Thu, 01 Jan 1970" in cookie
    assert client.get_cookie("sapa") is None
    db.session.expire_all()
    assert db.session.get(SurveyDraft, token) is None
    # Going back in the browser finds nothing.
    assert client.get("/q/2").status_code == 410


def test_quick_exit_is_on_every_survey_page(client, respondent):
    respondent.start()
    for page in (client.get(f"/s/{respondent.link_code}"), respondent.page(1), client.get("/c")):
        assert 'class="quick-exit" href="/exit"' in page.get_data(as_text=True)


def test_quick_exit_without_a_draft(client, app):
    leave = client.get("/exit")
    assert leave.status_code == 302
    assert location(leave) == app.config["SAPA_QUICK_EXIT_URL"]


# ------------------------------------------------------------------ nothing that identifies

# Words of a column name that would mean an address, a device or a person.
SUSPECT_WORDS = {"ip", "addr", "address", "agent", "ua", "browser", "device", "fingerprint", "host", "remote",
                 "referer", "referrer", "user", "email", "phone", "name"}


@pytest.mark.parametrize("table", ["response", "answer", "survey_draft"])
def test_no_column_for_an_address_or_a_device(db, table):
    columns = [column["name"] for column in inspect(db.session.connection()).get_columns(table)]
    assert columns
    assert [name for name in columns if SUSPECT_WORDS & set(name.lower().split("_"))] == []


def _all_values(db) -> list[str]:
    values = []
    for table in _db.metadata.sorted_tables:
        for row in db.session.execute(table.select()):
            values.extend(str(value) for value in row)
    return values


def test_no_address_or_device_is_stored_anywhere(client, db, participant):
    client.environ_base.update(REMOTE_ADDR=IP_ADDRESS, HTTP_USER_AGENT=USER_AGENT)
    headers = {"X-Forwarded-For": FORWARDED_FOR, "X-Real-IP": FORWARDED_FOR}
    code = one_time_code(participant)
    client.post("/c", data={"code": code.code}, headers=headers)
    client.post(f"/s/{participant.link_code}", data={"action": "start"}, headers=headers)
    client.post("/q/1", data={"assistance": "self", "action": "next"}, headers=headers)
    client.post("/q/2", data={"access_easy": "4", "action": "next"}, headers=headers)

    def nothing_identifying():
        db.session.expire_all()
        stored = "\n".join(_all_values(db))
        for needle in ("203.0.113", "198.51.100", "SapaProbe", "Mozilla"):
            assert needle not in stored

    nothing_identifying()  # while the draft is in progress
    respondent = Respondent(client, participant.link_code)
    respondent.walk({"comment_good": "ok"})
    nothing_identifying()  # and once stored
    assert db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))


def test_submitted_on_is_a_day(db, respondent, participant):
    respondent.start()
    respondent.walk()
    assert isinstance(Response.__table__.c.submitted_on.type, Date)
    column = {c["name"]: c for c in inspect(db.session.connection()).get_columns("response")}["submitted_on"]
    assert isinstance(column["type"], Date)
    db.session.expire_all()
    response = db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))
    assert isinstance(response.submitted_on, date) and not isinstance(response.submitted_on, datetime)
    timestamps = [c["name"] for c in inspect(db.session.connection()).get_columns("response")
                  if c["name"].endswith("_at")]
    assert timestamps == []


def test_a_submitted_draft_keeps_no_answers_and_no_link_to_its_response(db, client, respondent, participant):
    """The draft left behind for a retried submission must not tell when a response was made."""
    client.post("/c", data={"code": one_time_code(participant).code})
    respondent.start()
    respondent.post(1, {"assistance": "self"})
    token = _token(client)
    assert db.session.get(SurveyDraft, token).one_time_code_id is not None
    respondent.walk({"access_easy": "2", "comment_good": "secret"})
    db.session.expire_all()
    draft = db.session.get(SurveyDraft, token)
    response = db.session.scalar(select(Response).where(Response.provider_id == participant.provider_id))
    assert draft is not None  # kept for a retried submission
    assert draft.answers == {}
    assert draft.submission_key != response.submission_key
    assert draft.one_time_code_id is None
    for moment in (draft.created_at, draft.updated_at, draft.submitted_at, draft.expires_at):
        assert moment.time() == time(0, 0)  # to the day, like every date kept about a survey


# ------------------------------------------------------------------ the cookie

def _set_cookies(answers) -> list[str]:
    return [value for answer in answers for value in answer.headers.getlist("Set-Cookie")]


def test_after_thanks_no_cookie_remains(client, respondent):
    respondent.start()
    assert client.get_cookie("sapa") is not None
    done = respondent.walk({"access_easy": "4"})
    thanks = client.get(location(done))
    assert thanks.status_code == 200
    assert client.get_cookie("sapa") is None
    for cookie in thanks.headers.getlist("Set-Cookie"):  # at most a deletion
        assert cookie.startswith("sapa=;") and "Max-Age=0" in cookie


def test_the_only_cookie_is_the_session_cookie(client, db, participant):
    code = one_time_code(participant)
    answers = [client.get("/c"), client.post("/c", data={"code": code.code}),
               client.get(f"/s/{participant.link_code}?lang=uk"),
               client.post(f"/s/{participant.link_code}", data={"action": "start"})]
    answers += [client.get("/q/1"), client.post("/q/1", data={"assistance": "self", "action": "next"}),
                client.post("/q/2", data={"access_easy": "3", "switch_lang": "en"}), client.get("/q/2?lang=en")]
    for number in range(2, 11):
        answers.append(client.post(f"/q/{number}", data={"action": "next"}))
    answers.append(client.post("/q/11", data={"action": "submit"}))
    answers.append(client.get(location(answers[-1])))
    answers.append(client.get("/exit"))
    cookies = _set_cookies(answers)
    assert cookies
    for cookie in cookies:
        assert cookie.startswith("sapa=")
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Path=/" in cookie
    db.session.expire_all()
    assert db.session.get(type(code), code.id).used_on is not None  # the walk did reach the end


# ------------------------------------------------------------------ neutral pages

def _survey_pages(client, respondent, participant):
    pages = {"start": client.get(f"/s/{participant.link_code}"), "code": client.get("/c"),
             "unknown link": client.get("/s/ZZZZZZ"), "lost draft": client.get("/q/1")}
    respondent.start()
    number = 1
    while True:
        page = respondent.page(number)
        pages[f"page {number}"] = page
        if f'value="{number}"' in page.get_data(as_text=True).split("<progress")[1].split(">")[0] and \
                f'max="{number}"' in page.get_data(as_text=True).split("<progress")[1].split(">")[0]:
            break
        respondent.post(number, {})
        number += 1
    done = respondent.post(number, {}, action="submit")
    pages["submitted"] = done
    pages["thanks"] = client.get(location(done))
    return pages


def test_every_survey_page_has_a_neutral_title(client, respondent, participant):
    pages = _survey_pages(client, respondent, participant)
    titles = {name: title_of(page) for name, page in pages.items() if page.status_code != 302}
    assert len(titles) >= 15
    for name, title in titles.items():
        assert NEUTRAL_TITLE.match(title), (name, title)
    assert titles["page 3"] == "Sapa · 3 / 11"
    assert titles["thanks"] == "Sapa"


def test_survey_pages_are_not_cached(client, respondent, participant):
    pages = _survey_pages(client, respondent, participant)
    for name, page in pages.items():
        assert page.headers.get("Cache-Control") == "no-store", name


def test_survey_pages_are_not_indexed(client, participant):
    html = client.get(f"/s/{participant.link_code}").get_data(as_text=True)
    assert '<meta name="robots" content="noindex, nofollow">' in html
