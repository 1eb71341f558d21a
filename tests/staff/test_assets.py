"""plotly.js is served by the app to signed-in staff only (gzipped once, cached long, with an ETag),
the content security policy stays strict, and no recipient page ever references plotly."""

from __future__ import annotations

import gzip
from datetime import timedelta

import pytest

from survey_app.auth.services import create_user
from survey_app.campaigns.services import enrol_provider
from survey_app.models.base import today
from survey_app.staff.assets import PLOTLY_JS, plotly_version
from tests.support import factories
from tests.support.clients import RequestContextClient

PASSWORD = "staff-assets-password-2026"
SCRIPT = "/staff/assets/plotly.min.js"


@pytest.fixture
def client(app, db):
    return RequestContextClient(app, app.response_class, use_cookies=True)


@pytest.fixture
def open_campaign(db):
    version = factories.small_instrument()
    provider = factories.provider(factories.region())
    campaign = factories.campaign(version, [], starts_on=today() - timedelta(days=3),
                                  ends_on=today() + timedelta(days=30))
    enrol_provider(campaign, provider)  # a real short link
    return campaign


@pytest.fixture
def monitor(client, db):
    user = create_user("assets-monitor@staff.test", "Monitor", PASSWORD, "monitor", regions=[factories.region()])
    answer = client.post("/staff/login", data={"email": user.email, "password": PASSWORD})
    assert answer.status_code == 302
    return user


def test_signed_in_staff_get_plotly_gzipped_with_a_long_cache_and_an_etag(client, monitor):
    answer = client.get(SCRIPT, headers={"Accept-Encoding": "gzip, deflate"})
    assert answer.status_code == 200
    assert answer.mimetype == "text/javascript"
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "max-age=31536000" in answer.headers["Cache-Control"]
    assert "Accept-Encoding" in answer.headers["Vary"]
    body = gzip.decompress(answer.get_data())
    assert body == PLOTLY_JS.read_bytes()
    assert body.startswith(b"/**\n* plotly.js v")
    etag = answer.headers["ETag"]
    again = client.get(SCRIPT, headers={"Accept-Encoding": "gzip", "If-None-Match": etag})
    assert again.status_code == 304 and not again.get_data()


def test_plotly_is_sent_uncompressed_to_a_browser_without_gzip(client, monitor):
    answer = client.get(SCRIPT, headers={"Accept-Encoding": "identity"})
    assert answer.status_code == 200
    assert "Content-Encoding" not in answer.headers
    assert answer.get_data()[:20] == PLOTLY_JS.read_bytes()[:20]


def test_anonymous_visitors_are_sent_to_the_sign_in(client):
    answer = client.get(SCRIPT)
    assert answer.status_code == 302
    assert "/staff/login" in answer.headers["Location"]


def test_the_dashboard_links_the_versioned_script_and_keeps_a_strict_policy(client, monitor):
    answer = client.get("/staff/?lang=en")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert f'src="{SCRIPT}?v={plotly_version()}"' in html
    assert 'src="/static/charts.js"' in html
    policy = answer.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "style-src 'self';" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "Scores have not been computed yet." in html


def test_no_recipient_page_references_plotly(client, open_campaign):
    link = open_campaign.participants[0].link_code
    pages = ["/", "/c", f"/s/{link}", f"/k/{link}"]
    seen = 0
    for url in pages:
        answer = client.get(url, follow_redirects=True)
        assert answer.status_code == 200, url
        html = answer.get_data(as_text=True).lower()
        assert "plotly" not in html and "charts.js" not in html and "chart-data" not in html, url
        policy = answer.headers["Content-Security-Policy"]
        assert "unsafe-inline" not in policy and "style-src 'self'" in policy
        seen += 1
    assert seen == len(pages)
    # The first survey page really is a survey page (consent), not an error page.
    assert "form" in client.get(f"/s/{link}", follow_redirects=True).get_data(as_text=True)
