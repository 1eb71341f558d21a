"""With CSRF protection on (as in production), intake forms without their token are refused."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models import PaperBatch
from tests.intake.conftest import response_count, sign_in

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


@pytest.fixture
def csrf_on(app, monkeypatch):
    """Flask-WTF reads the setting on every request: on for this test only (this worker's app)."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)


def token_of(answer) -> str:
    match = TOKEN.search(answer.get_data(as_text=True))
    return match.group(1) or match.group(2)


def test_a_post_without_its_token_is_refused_and_with_it_accepted(csrf_on, client, core, site, staff):
    participant = site(core)
    sign_in(client, staff("provider_manager", participant.provider))
    data = {"provider": participant.provider_id, "number": "CSRF-1",
            "collected_on": participant.campaign.starts_on.isoformat()}
    refused = client.post(f"/staff/intake/batches?campaign={participant.campaign_id}", data=data)
    assert refused.status_code == 400
    assert "This form has expired" in refused.get_data(as_text=True)
    assert db.session.scalar(select(PaperBatch).where(PaperBatch.number == "CSRF-1")) is None

    accepted = client.post(f"/staff/intake/batches?campaign={participant.campaign_id}",
                           data={**data, "csrf_token": token_of(client.get("/staff/intake/"))})
    assert accepted.status_code == 302
    keying_url = accepted.headers["Location"]
    form = {"serial": "1", "language": "ru", "q_access_easy": "5"}
    assert client.post(keying_url, data=form).status_code == 400
    assert response_count(provider_id=participant.provider_id) == 0
    assert client.post(keying_url, data={**form, "csrf_token": token_of(client.get(keying_url))}).status_code == 302
    assert response_count(provider_id=participant.provider_id) == 1

    upload = {"provider": str(participant.provider_id), "language": "ru", "action": "commit",
              "file": (io.BytesIO(b"access_easy\n4\n"), "x.csv")}
    assert client.post(f"/staff/intake/import?campaign={participant.campaign_id}", data=upload,
                       content_type="multipart/form-data").status_code == 400
    assert response_count(provider_id=participant.provider_id) == 1
