"""The provider comparison table /staff/providers and its CSV and XLSX files: scope per role, filters,
server-side sort with aria-sort, paging, the small-number rule (evaluator against administrator), and
files that hold exactly the rows shown (one world for the whole module)."""

from __future__ import annotations

import csv
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook

from survey_app.compare import table as table_module
from survey_app.compare.table import TableRequest, provider_table
from survey_app.extensions import db
from survey_app.scores.read import provider_scores
from tests.compare.world import get

ROW = re.compile(r'<tr(?: class="row-suppressed")?>\s*<th scope="row"><a href="/staff/providers/(\d+)\?wave=\d+">',
                 re.S)
SORTED_HEADER = re.compile(r'<th scope="col"[^>]*aria-sort="(ascending|descending)"[^>]*>\s*<a class="sort-link" '
                           r'href="([^"]+)">([^<]+)<', re.S)


ENGLISH_LABELS = {"name": "Provider", "region": "Region", "setting": "Setting", "org_form": "Form", "n": "Responses",
                  "raw": "Quality index", "adjusted": "Adjusted", "shrunken": "Stabilised", "satisfaction": "Satisfied",
                  "nps": "NPS", "comparison": "Comparison", "grade": "Grade", "reliability": "Reliability"}


def listed(html: str) -> list[int]:
    return [int(found) for found in ROW.findall(html)]


def page_url(world, **arguments) -> str:
    query = "&".join(f"{key}={value}" for key, value in {"lang": "en", "campaign": world.latest.id,
                                                         **arguments}.items())
    return f"/staff/providers?{query}"


def composite(world, user):
    return {view.provider_id: view for view in provider_scores(user, world.latest.id, "composite")}


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize("role", ["admin", "evaluator", "monitor", "manager"])
def test_the_table_lists_every_provider_in_scope_and_no_other(app, world, role):
    html = get(world.client(app, role), page_url(world)).get_data(as_text=True)
    assert set(listed(html)) == world.scope(role)
    for provider in world.providers:
        if provider.id not in world.scope(role):
            assert provider.name not in html


def test_social_workers_and_anonymous_visitors_cannot_open_the_table(app, world):
    assert world.client(app, "worker").get("/staff/providers").status_code == 403
    assert world.client(app, "worker").get("/staff/providers.csv").status_code == 403
    answer = world.client(app).get("/staff/providers")
    assert answer.status_code == 302 and "/staff/login" in answer.headers["Location"]


def test_a_wave_outside_the_scope_is_not_found(app, world):
    client = world.client(app, "evaluator")
    assert client.get("/staff/providers?campaign=987654").status_code == 404
    assert client.get("/staff/providers.xlsx?campaign=987654").status_code == 404


def test_the_newest_wave_is_the_default_and_others_can_be_chosen(app, world):
    client = world.client(app, "evaluator")
    html = get(client, "/staff/providers?lang=en").get_data(as_text=True)
    assert f'<option value="{world.latest.id}" selected>' in html
    older = get(client, page_url(world, campaign=world.campaigns[0].id)).get_data(as_text=True)
    assert f'<option value="{world.campaigns[0].id}" selected>' in older
    assert f"?wave={world.campaigns[0].id}" in older  # scorecard links open the same wave


# ------------------------------------------------------------------ the small-number rule


def test_below_the_minimum_an_evaluator_sees_no_figure_and_the_row_sorts_last(app, world):
    small = composite(world, world.users["admin"])[world.small.id]
    client = world.client(app, "evaluator")
    for order in ("asc", "desc"):
        html = get(client, page_url(world, sort="raw", order=order)).get_data(as_text=True)
        assert listed(html)[-1] == world.small.id
        row = html[html.index(f"/staff/providers/{world.small.id}?"):]
        row = row[:row.index("</tr>")]
        assert "fewer than 5 responses" in row
        assert not re.search(r"\d+\.\d", row), row  # no score, interval or reliability
        assert f"{small.raw.value:.1f}" not in row


def test_an_administrator_sees_the_small_providers_figures(app, world):
    small = composite(world, world.users["admin"])[world.small.id]
    html = get(world.client(app, "admin"), page_url(world, sort="raw", order="desc")).get_data(as_text=True)
    row = html[html.index(f"/staff/providers/{world.small.id}?"):]
    row = row[:row.index("</tr>")]
    assert "fewer than" not in row and f"{small.raw.value:.1f}" in row
    values = composite(world, world.users["admin"])
    expected = sorted(values, key=lambda pid: (-values[pid].raw.value, values[pid].provider_name.casefold()))
    assert listed(html) == expected


# ------------------------------------------------------------------ filters


def test_each_filter_keeps_only_matching_providers(app, world):
    client = world.client(app, "evaluator")
    own = world.own
    region = world.monitored_region
    service = own.services[0]
    standard = own.standards[0]
    cases = {
        "region": (region.code, {p.id for p in world.providers if world.in_region(p)}),
        "setting": (own.setting, {p.id for p in world.providers if p.setting == own.setting}),
        "org_form": (own.org_form, {p.id for p in world.providers if p.org_form == own.org_form}),
        "service_type": (service.code, {p.id for p in world.providers if service in p.services}),
        "standard": (standard.code, {p.id for p in world.providers if standard in p.standards}),
        "funder": (world.funder.code, {p.id for p in world.funded}),
        "q": (own.code, {own.id}),
    }
    for name, (value, expected) in cases.items():
        html = get(client, page_url(world, **{name: value})).get_data(as_text=True)
        assert set(listed(html)) == expected, name
        if name != "q":
            assert f'<option value="{value}" selected>' in html, name
    both = get(client, page_url(world, region=region.code, setting=own.setting)).get_data(as_text=True)
    assert set(listed(both)) == cases["region"][1] & cases["setting"][1]


def test_a_filter_value_not_offered_is_dropped_not_applied(app, world):
    outside = next(p for p in world.providers if not world.in_region(p))
    region = (outside.region.parent or outside.region).code
    html = get(world.client(app, "monitor"), page_url(world, region=region)).get_data(as_text=True)
    assert set(listed(html)) == world.scope("monitor")
    assert f'value="{region}"' not in html  # not even offered


# ------------------------------------------------------------------ sort


def test_every_column_sorts_on_the_server_with_aria_sort_and_a_toggle(app, world):
    client = world.client(app, "evaluator")
    for column in table_module.COLUMNS:
        html = get(client, page_url(world, sort=column.key)).get_data(as_text=True)
        (direction, toggle, label), = SORTED_HEADER.findall(html)
        assert label.strip() == ENGLISH_LABELS[column.key]
        assert direction == ("descending" if column.numeric else "ascending")
        assert f"order={'asc' if column.numeric else 'desc'}" in unescape(toggle)
        assert listed(html)[-1] == world.small.id  # whatever the column, too few responses come last


def test_sorting_by_the_adjusted_index_orders_the_rows(app, world):
    views = composite(world, world.users["evaluator"])
    html = get(world.client(app, "evaluator"), page_url(world, sort="adjusted", order="asc")).get_data(as_text=True)
    shown = [views[pid].adjusted.value for pid in listed(html) if not views[pid].suppressed]
    assert shown == sorted(shown)
    assert 'aria-sort="ascending"' in html


def test_sorting_works_without_javascript_through_plain_links(app, world):
    html = get(world.client(app, "evaluator"), page_url(world)).get_data(as_text=True)
    assert "<script" not in html.split("<main", 1)[1]
    assert 'href="/staff/providers?campaign=' in html and "sort=nps" in html


# ------------------------------------------------------------------ paging


def test_paging_splits_the_sorted_rows(app, world, monkeypatch):
    monkeypatch.setattr(table_module, "PAGE_SIZE", 5)
    client = world.client(app, "evaluator")
    pages = [listed(get(client, page_url(world, sort="raw", page=number)).get_data(as_text=True))
             for number in (1, 2, 3)]
    assert [len(ids) for ids in pages] == [5, 5, 4]
    everything = listed(get(client, page_url(world, sort="raw", page=1)).get_data(as_text=True))
    assert sum(pages, []) == everything + pages[1] + pages[2]
    assert len(set(sum(pages, []))) == len(world.providers)
    last = get(client, page_url(world, sort="raw", page=99)).get_data(as_text=True)
    assert listed(last) == pages[2]  # a page past the end shows the last one
    assert 'aria-current="page">3<' in last and 'rel="prev"' in last


def test_the_service_pages_two_thousand_providers_worth_of_rows(app, world):
    """The page size and the links stay short however many pages there are."""
    with app.test_request_context("/?lang=en"):
        table = provider_table(world.users["evaluator"], TableRequest(campaign_id=world.latest.id, page=7), "en",
                               page_size=1)
    assert table.pages == len(world.providers) and table.page == 7
    assert table.page_links() == [1, None, 5, 6, 7, 8, 9, None, 14]


# ------------------------------------------------------------------ files


def csv_rows(client, url: str) -> list[list[str]]:
    answer = get(client, url)
    assert answer.mimetype == "text/csv"
    text = answer.get_data().decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


@pytest.mark.parametrize("role", ["evaluator", "admin", "monitor"])
def test_the_csv_holds_exactly_the_rows_shown_on_every_page(app, world, role, monkeypatch):
    monkeypatch.setattr(table_module, "PAGE_SIZE", 4)
    client = world.client(app, role)
    arguments = {"sort": "adjusted", "order": "desc"}
    shown = []
    for number in range(1, 5):
        shown += listed(get(client, page_url(world, page=number, **arguments)).get_data(as_text=True))
    shown = list(dict.fromkeys(shown))
    rows = csv_rows(client, page_url(world, **arguments).replace("/staff/providers?", "/staff/providers.csv?"))
    header, body = rows[0], rows[1:]
    assert header[:3] == ["Code", "Provider", "Region"] and header[-1] == "Note"
    codes = {provider.code: provider.id for provider in world.providers}
    assert [codes[row[0]] for row in body] == shown
    views = composite(world, world.users[role])
    for row in body:
        view = views[codes[row[0]]]
        if view.suppressed:
            assert row[5:-1] == [""] * 19 and row[-1] == "fewer than 5 responses"
        else:
            assert int(row[5]) == view.raw.nobs
            assert float(row[6]) == round(view.raw.value, 1) and float(row[9]) == round(view.adjusted.value, 1)
    assert (world.small.id in shown) == (role != "monitor" or world.in_region(world.small))


def test_the_csv_follows_the_filters_and_the_readers_language(app, world):
    client = world.client(app, "evaluator")
    rows = csv_rows(client, f"/staff/providers.csv?lang=ru&campaign={world.latest.id}&funder={world.funder.code}")
    assert {row[0] for row in rows[1:]} == {provider.code for provider in world.funded}
    regions = {provider.code: provider.region for provider in world.funded}
    for row in rows[1:]:
        region = regions[row[0]]
        assert row[2].startswith(region.name_ru)


def test_the_xlsx_has_a_header_the_rows_shown_and_a_notes_sheet(app, world):
    client = world.client(app, "evaluator")
    url = page_url(world, setting=world.own.setting, sort="name", order="desc")
    html_ids = listed(get(client, url).get_data(as_text=True))
    answer = get(client, url.replace("/staff/providers?", "/staff/providers.xlsx?"))
    assert answer.headers["Content-Disposition"].startswith("attachment;")
    workbook = load_workbook(io.BytesIO(answer.get_data()), read_only=True)
    assert workbook.sheetnames == ["providers", "notes"]
    sheet = list(workbook["providers"].iter_rows(values_only=True))
    assert sheet[0][:2] == ("Code", "Provider")
    codes = {provider.code: provider.id for provider in world.providers}
    assert [codes[row[0]] for row in sheet[1:]] == html_ids
    notes = "\n".join(str(row[0]) for row in workbook["notes"].iter_rows(values_only=True))
    assert world.latest.name in notes and "Setting:" in notes and "Sorted by Provider, Z to A" in notes
    assert "fewer than 5 responses" in notes


def test_a_provider_name_that_looks_like_a_formula_stays_text(app, world):
    provider = world.providers[2]
    original = provider.name
    provider.name = "=HYPERLINK(\"http://example.com\")"
    db.session.flush()
    try:
        rows = csv_rows(world.client(app, "evaluator"), f"/staff/providers.csv?lang=en&q={provider.code}")
        assert rows[1][1].startswith("'=")
        answer = get(world.client(app, "evaluator"), f"/staff/providers.xlsx?lang=en&q={provider.code}")
        sheet = load_workbook(io.BytesIO(answer.get_data()))["providers"]
        assert sheet["B2"].data_type == "s" and sheet["B2"].value.startswith("=HYPERLINK")
    finally:
        provider.name = original
        db.session.flush()


# ------------------------------------------------------------------ navigation


@pytest.mark.parametrize("role", ["admin", "evaluator", "monitor", "manager"])
def test_the_sections_are_in_the_navigation_of_the_roles_that_compare(app, world, role):
    html = get(world.client(app, role), "/staff/?lang=en").get_data(as_text=True)
    assert 'href="/staff/providers"' in html and 'href="/staff/categories"' in html


def test_social_workers_do_not_see_the_sections(app, world):
    html = get(world.client(app, "worker"), "/staff/?lang=en").get_data(as_text=True)
    assert 'href="/staff/providers"' not in html and 'href="/staff/categories"' not in html
