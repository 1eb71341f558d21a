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
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"


def test_no_inline_script_on_the_home_page(client):
    html = client.get("/").get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
