"""One-time codes: issuing a batch, printing its slips, counts without any link to a response, CSRF."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from survey_app.campaigns.codes import ALPHABET, format_one_time_code, normalise_code
from survey_app.models import OneTimeCode
from survey_app.models.base import today


def codes_of(db, participant) -> list[OneTimeCode]:
    return list(db.session.scalars(select(OneTimeCode).where(OneTimeCode.campaign_provider_id == participant.id)
                                   .order_by(OneTimeCode.id)))


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_issuing_creates_unique_codes_and_prints_exactly_that_batch(client, world, sign_in, db):
    sign_in("provider_manager")
    participant = world.participant(world.own)
    earlier = {code.code for code in codes_of(db, participant)}
    answer = client.post(world.url(world.own, "codes"), data={"count": "21"})
    assert answer.status_code == 302
    issued = [code for code in codes_of(db, participant) if code.code not in earlier]
    assert len(issued) == 21
    assert len({code.code for code in issued}) == 21
    assert all(len(code.code) == 8 and set(code.code) <= set(ALPHABET) for code in issued)
    assert all(code.expires_on == world.campaign.ends_on and code.used_on is None for code in issued)

    batch = parse_qs(urlsplit(answer.headers["Location"]).query)["batch"][0]
    page = client.get(answer.headers["Location"] + "&lang=en").get_data(as_text=True)
    assert "21 new codes are ready to print." in page
    assert not any(code.code in page or format_one_time_code(code.code) in page for code in issued)

    slips = client.get(world.url(world.own, "slips.pdf"), query_string={"batch": batch})
    assert slips.status_code == 200
    assert slips.mimetype == "application/pdf"
    assert slips.headers["Cache-Control"] == "no-store"
    reader = PdfReader(io.BytesIO(slips.data))
    assert len(reader.pages) == 3  # eight slips to a page
    text = pdf_text(slips.data)
    printed = set(re.findall(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}\b", text))
    assert printed == {format_one_time_code(code.code) for code in issued}
    assert "localhost/c" in text
    assert world.own.name not in text  # a slip does not tell which service its holder uses


def test_expiry_date_is_kept(client, world, sign_in, db):
    sign_in("admin")
    expires = today() + timedelta(days=7)
    answer = client.post(world.url(world.own, "codes"), data={"count": "3", "expires_on": expires.isoformat()})
    assert answer.status_code == 302
    assert [code.expires_on for code in codes_of(db, world.participant(world.own))] == [expires] * 3


def test_bad_requests_issue_nothing(client, world, sign_in, db):
    sign_in("monitor", regions=[world.east])
    url = world.url(world.own, "codes")
    after_end = (world.campaign.ends_on + timedelta(days=1)).isoformat()
    for data, message in (
        ({"count": "0"}, "Issue between 1 and 500 codes at a time."),
        ({"count": "501"}, "Issue between 1 and 500 codes at a time."),
        ({"count": ""}, "Enter how many codes to issue."),
        ({"count": "5", "expires_on": after_end}, "cannot be valid after the campaign ends"),
        ({"count": "5", "expires_on": (today() - timedelta(days=1)).isoformat()}, "already passed"),
    ):
        answer = client.post(url + "?lang=en", data=data)
        assert answer.status_code == 422, data
        assert message in answer.get_data(as_text=True), data
    assert codes_of(db, world.participant(world.own)) == []


def test_no_codes_for_an_ended_campaign(client, world, sign_in, db):
    world.campaign.ends_on = today() - timedelta(days=1)
    world.campaign.starts_on = today() - timedelta(days=20)
    db.session.flush()
    sign_in("admin")
    answer = client.post(world.url(world.own, "codes") + "?lang=en", data={"count": "5"})
    assert answer.status_code == 422
    assert "This campaign has ended" in answer.get_data(as_text=True)
    assert codes_of(db, world.participant(world.own)) == []


def test_counts_and_reprint_of_a_day_leave_out_used_codes(client, world, sign_in, db):
    sign_in("admin")
    client.post(world.url(world.own, "codes"), data={"count": "4"})
    codes = codes_of(db, world.participant(world.own))
    codes[0].used_on = today()
    db.session.flush()
    page = client.get(world.url(world.own) + "?lang=en").get_data(as_text=True)
    assert re.search(r"<strong>4</strong>\s*issued", page)
    assert re.search(r"<strong>1</strong>\s*used", page)
    assert re.search(r"<strong>3</strong>\s*still valid", page)
    slips = client.get(world.url(world.own, "slips.pdf"), query_string={"issued": today().isoformat()})
    printed = set(re.findall(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}\b", pdf_text(slips.data)))
    assert printed == {format_one_time_code(code.code) for code in codes[1:]}


def test_a_batch_cannot_reach_another_providers_codes(client, world, sign_in, db):
    sign_in("admin")
    client.post(world.url(world.other, "codes"), data={"count": "2"})
    theirs = codes_of(db, world.participant(world.other))
    batch = ".".join(str(code.id) for code in theirs)
    assert client.get(world.url(world.own, "slips.pdf"), query_string={"batch": batch}).status_code == 404
    assert client.get(world.url(world.own, "slips.pdf"), query_string={"batch": "1-x"}).status_code == 400
    assert client.get(world.url(world.own, "slips.pdf")).status_code == 400


def test_a_post_without_csrf_token_is_refused(app, client, world, sign_in, db, monkeypatch):
    sign_in("admin")
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    answer = client.post(world.url(world.own, "codes"), data={"count": "5"})
    assert answer.status_code == 400
    assert codes_of(db, world.participant(world.own)) == []


@pytest.mark.parametrize(("typed", "read"), [
    ("abcd-2345", "ABCD2345"), (" ABCD – 2345\n", "ABCD2345"), ("kx79p2", "KX79P2"),
    ("АВСЕ-НКМР", "ABCEHKMP"), ("кх7 9р2", "KX79P2"), ("тху3", "TXY3"),  # Cyrillic drawn like the printed code
    ("A\x00B", ""), ("ÄBCD", ""), ("١٢٣٤", ""), ("ЖЖЖЖ", ""), ("AB/CD", ""), ("", ""),  # no code is like these
])
def test_a_typed_code_is_read_as_it_was_printed(typed, read):
    assert normalise_code(typed) == read
    assert set(read) <= set(ALPHABET) | set("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
