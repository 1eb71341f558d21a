"""The QR code, the poster (SVG and PDF) and their wording in four languages."""

from __future__ import annotations

import html
import io
import re

import pytest
import segno
from pypdf import PdfReader

from survey_app.campaigns.printing import QUIET_ZONE, fit, text_width, wrap
from survey_app.campaigns.services import batch_ids, batch_token
from tests.campaigns.catalogue import DRAFTS

HEADLINE = "Tell us how well you are served"
HEADLINES = {language: DRAFTS[HEADLINE][language] for language in ("kk", "ru", "uk")} | {"en": HEADLINE}


def svg_modules(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by the QR path ("M<column> <row>h<length>v1h-<length>z"), quiet zone removed."""
    path = re.search(r'<path fill="#000000" d="([^"]+)"', svg).group(1)
    modules = set()
    for column, row, length in re.findall(r"M(\d+) (\d+)h(\d+)v1h-\3z", path):
        for offset in range(int(length)):
            modules.add((int(row) - QUIET_ZONE, int(column) - QUIET_ZONE + offset))
    assert "".join(re.findall(r"M\d+ \d+h\d+v1h-\d+z", path)) == path  # nothing else is drawn
    return modules


def segno_modules(data: str) -> set[tuple[int, int]]:
    matrix = segno.make_qr(data, error="m").matrix
    return {(row, column) for row, line in enumerate(matrix) for column, dark in enumerate(line) if dark}


def svg_text(svg: str) -> str:
    """The SVG's text, lines joined by spaces (a headline may be set on two lines)."""
    return " ".join(html.unescape(line) for line in re.findall(r"<text[^>]*>([^<]*)</text>", svg))


def short_url(world, provider=None):
    return f"http://localhost/s/{world.participant(provider or world.own).link_code}"


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ------------------------------------------------------------------ QR code

def test_qr_svg_holds_the_short_link(client, world, sign_in):
    sign_in("admin")
    answer = client.get(world.url(world.own, "qr.svg"))
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    assert svg_modules(answer.get_data(as_text=True)) == segno_modules(short_url(world))


def test_printed_links_use_the_public_address_when_set(app, client, world, sign_in, monkeypatch):
    monkeypatch.setitem(app.config, "SAPA_PUBLIC_URL", "https://sapa.example.kz/")
    sign_in("admin")
    code = world.participant(world.own).link_code
    svg = client.get(world.url(world.own, "qr.svg")).get_data(as_text=True)
    assert svg_modules(svg) == segno_modules(f"https://sapa.example.kz/s/{code}")
    poster = svg_text(client.get(world.url(world.own, "poster.svg")).get_data(as_text=True))
    assert f"sapa.example.kz/s/{code}" in poster
    assert "https://" not in poster  # printed as people type it
    assert "sapa.example.kz/c" in poster
    page = client.get(world.url(world.own)).get_data(as_text=True)
    assert f"https://sapa.example.kz/k/{code}" in page
    assert f"https://sapa.example.kz/a/{code}" in page


# ------------------------------------------------------------------ poster

def test_poster_svg_has_provider_address_and_four_languages(client, world, sign_in, translated):
    sign_in("admin")
    answer = client.get(world.url(world.own, "poster.svg"))
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    svg = answer.get_data(as_text=True)
    text = svg_text(svg)
    assert world.own.name in text
    assert short_url(world) in text  # the address as typed ("http://" kept: browsers would try https first)
    assert "localhost/c" in text
    for language, headline in HEADLINES.items():
        assert f'xml:lang="{language}"' in svg
        assert headline in text, language
    for name in ("Русский", "Українська", "English"):  # the first language's block needs no label
        assert name in text
    # The campaign's language first: Kazakh in Kazakhstan …
    assert text.index(HEADLINES["kk"]) < min(text.index(HEADLINES[language]) for language in ("ru", "uk", "en"))
    # … and Ukrainian in Ukraine.
    ua = svg_text(client.get(world.url(world.own, "poster.svg", campaign=world.ua_campaign)).get_data(as_text=True))
    assert ua.index(HEADLINES["uk"]) < min(ua.index(HEADLINES[language]) for language in ("kk", "ru", "en"))
    assert svg_modules(svg) == segno_modules(short_url(world))


def test_poster_does_not_depend_on_the_interface_language(client, world, sign_in, translated):
    sign_in("admin")
    in_english = client.get(world.url(world.own, "poster.svg") + "?lang=en").get_data()
    in_kazakh = client.get(world.url(world.own, "poster.svg") + "?lang=kk").get_data()
    assert in_english == in_kazakh


def test_poster_pdf_is_a4_with_the_address_and_kazakh_text(client, world, sign_in, translated):
    sign_in("provider_manager")
    answer = client.get(world.url(world.own, "poster.pdf"))
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(answer.data))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 portrait in points
    text = pdf_text(answer.data)
    assert short_url(world).removeprefix("http://") in text
    assert HEADLINES["kk"] in " ".join(text.split())
    assert "қ" in text and "ң" in text  # Kazakh letters survive (embedded DejaVu Sans)
    fonts = {str(font["/BaseFont"]) for font in reader.pages[0]["/Resources"]["/Font"].get_object().values()}
    assert all("DejaVu" in font for font in fonts)
    assert b"/Subtype /Image" not in answer.data  # the QR code is vector, not a picture


def test_untranslated_languages_are_left_off_and_named(client, world, sign_in, untranslated):
    sign_in("admin")
    text = svg_text(client.get(world.url(world.own, "poster.svg")).get_data(as_text=True))
    assert HEADLINE in text
    assert "Қазақша" not in text and "Русский" not in text
    page = client.get(world.url(world.own) + "?lang=en").get_data(as_text=True)
    assert "not yet translated into: Қазақша, Русский, Українська" in page


# ------------------------------------------------------------------ pages

def test_index_and_campaign_pages_show_links_and_progress(client, world, sign_in):
    sign_in("admin")
    index = client.get("/staff/campaigns/?lang=en").get_data(as_text=True)
    assert "Open" in index
    page = client.get(f"/staff/campaigns/{world.campaign.id}/?lang=en").get_data(as_text=True)
    code = world.participant(world.own).link_code
    assert f"http://localhost/s/{code}" in page
    assert f"http://localhost/k/{code}" in page
    assert f"http://localhost/a/{code}" in page
    assert "3 of 10" in page
    assert world.other.name in page
    found = client.get(f"/staff/campaigns/{world.campaign.id}/?q=Umit").get_data(as_text=True)
    assert world.other.name in found and world.own.name not in found


def test_pages_have_no_inline_script_or_style(client, world, sign_in):
    sign_in("admin")
    for path in ("/staff/campaigns/", f"/staff/campaigns/{world.campaign.id}/", world.url(world.own)):
        html = client.get(path).get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
        assert " style=" not in html


# ------------------------------------------------------------------ layout helpers

def test_wrap_and_fit_never_cut_text():
    text = "Территориальный центр социального обслуживания населения Абайской области"
    size, lines = fit(text, 60, 7, 4, max_lines=2, bold=True)
    assert " ".join(lines) == text
    assert 4 <= size <= 7
    assert " ".join(wrap(text, 20, 5)) == text
    assert text_width("ӘҒҚҢӨҰҮҺІ", 5) > 0


@pytest.mark.parametrize("ids, token", [([5], "5"), ([5, 6, 7], "5-7"), ([1, 2, 3, 7, 9, 10], "1-3.7.9-10")])
def test_batch_token_round_trip(ids, token):
    codes = [type("Code", (), {"id": code_id}) for code_id in ids]
    assert batch_token(codes) == token
    assert batch_ids(token) == ids


@pytest.mark.parametrize("token", ["", "x", "1-", "5-3", "1;2", "1-999999", "1.2.", "-1"])
def test_batch_ids_refuse_anything_else(token):
    with pytest.raises(ValueError):
        batch_ids(token)
