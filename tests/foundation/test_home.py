"""The home page in all four languages, with the language switch in each language's own script."""

from __future__ import annotations

import re

import pytest

HEADINGS = {
    "kk": "Sapa: әлеуметтік қызметтер адамдарға қаншалықты жақсы қызмет етеді?",
    "ru": "Sapa: насколько хорошо социальные услуги помогают людям?",
    "uk": "Sapa: наскільки добре соціальні послуги допомагають людям?",
    "en": "Sapa: how well are social services serving people?",
}


@pytest.mark.parametrize("language", HEADINGS)
def test_home_page_in_each_language(client, language):
    page = client.get(f"/?lang={language}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<html lang="{language}">' in html
    assert HEADINGS[language] in html
    for name in ("Қазақша", "Русский", "Українська", "English"):
        assert name in html


def test_language_choice_is_remembered(client):
    client.get("/?lang=uk")
    assert HEADINGS["uk"] in client.get("/").get_data(as_text=True)


def test_accept_language_is_the_default(client):
    html = client.get("/", headers={"Accept-Language": "kk-KZ,kk;q=0.9,ru;q=0.8"}).get_data(as_text=True)
    assert '<html lang="kk">' in html


def test_an_unknown_language_falls_back(client):
    html = client.get("/?lang=de", headers={"Accept-Language": "de"}).get_data(as_text=True)
    assert '<html lang="ru">' in html


def test_unknown_page_is_a_translated_404(client):
    page = client.get("/no-such-page?lang=kk")
    assert page.status_code == 404
    assert "Бет табылмады" in page.get_data(as_text=True)


def test_security_headers(client):
    headers = client.get("/").headers
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert "frame-ancestors 'none'" in policy and headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert "Strict-Transport-Security" not in headers  # plain http on a developer's machine


def test_production_answers_demand_https(monkeypatch, tmp_path):
    """HSTS in production only: a browser that once reached Sapa over HTTPS never falls back to http."""
    from survey_app import create_app
    from survey_app.config import ProductionConfig
    from survey_app.extensions import db

    monkeypatch.setenv("SECRET_KEY", "x" * 64)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'production.sqlite3'}")
    monkeypatch.setenv("SAPA_INSTANCE_PATH", str(tmp_path))
    production = create_app(ProductionConfig)
    for path in ("/", "/staff/login", "/no-such-page"):
        headers = production.test_client().get(path, base_url="https://sapa.example").headers
        assert headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
        assert "unsafe-inline" not in headers["Content-Security-Policy"]
    with production.app_context():
        db.engine.dispose()


def test_no_inline_script_on_the_home_page(client):
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
