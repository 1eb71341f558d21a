"""The staff dashboard and the provider scorecard: scope, the small-number rule, the funnel's
limits, charts with their tables, progress counts and alerts (one world for the whole module)."""

from __future__ import annotations

import json
import re
import sys
from html import unescape
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import func, select

from analysis.change import mean_change
from survey_app.comments.masking import mask
from survey_app.extensions import db
from survey_app.models import Answer, RecipientCategory, Response
from survey_app.models.scores import GroupScore, ProviderScore
from survey_app.scores.compute import adjusted_funnel
from survey_app.scores.read import latest_snapshot_id, provider_scores
from survey_app.staff.services import campaign_progress, change_between, falling, may_have_fallen

PROVIDER_LINK = re.compile(r'href="/staff/providers/(\d+)')
CHART_BLOCK = re.compile(r'<script type="application/json" class="chart-data" data-target="([^"]+)">(.*?)</script>',
                         re.S)


def linked_providers(html: str) -> set[int]:
    return {int(found) for found in PROVIDER_LINK.findall(html)}


def charts(html: str) -> dict[str, dict]:
    return {key: json.loads(body) for key, body in CHART_BLOCK.findall(html)}


def unwrapped(name: str) -> str:
    """A provider's name as drawn in a hover label (over several lines) back on one line."""
    return name.replace("<br>", " ")


def page(client, url: str) -> str:
    answer = client.get(url)
    assert answer.status_code == 200, answer.status_code
    return answer.get_data(as_text=True)


# ------------------------------------------------------------------ scope


@pytest.mark.parametrize("role", ["admin", "evaluator", "monitor", "manager"])
def test_the_dashboard_renders_for_each_role_within_its_scope(client, sign_in, world, role):
    sign_in(role)
    html = page(client, "/staff/?lang=en")
    scope = {
        "admin": {provider.id for provider in world.providers},
        "evaluator": {provider.id for provider in world.providers},
        "monitor": {provider.id for provider in world.providers if world.in_region(provider)},
        "manager": {world.own.id},
    }[role]
    linked = linked_providers(html)
    assert linked and linked <= scope
    assert "Quality index" in html and charts(html)
    if role == "manager":
        assert f'href="/staff/providers/{world.own.id}"' in html  # "Your organisation's scorecard"
    for provider in world.providers:
        if provider.id not in scope:
            assert provider.name not in html


def test_a_monitor_sees_only_the_providers_in_the_assigned_regions(client, sign_in, world):
    sign_in("monitor")
    html = page(client, "/staff/?lang=en")
    outside = [provider for provider in world.providers if not world.in_region(provider)]
    for provider in outside:
        assert f"/staff/providers/{provider.id}\"" not in html
        assert provider.name not in html
    funnel = next(chart for key, chart in charts(html).items() if key.startswith("funnel-"))
    drawn = {unwrapped(name) for trace in funnel["data"] if trace["mode"] == "markers"
             for (name,) in trace["customdata"]}
    assert drawn and drawn <= {provider.name for provider in world.providers if world.in_region(provider)}
    # The regional figures: the monitor's oblast only.
    region_chart = next(chart for key, chart in charts(html).items() if key.startswith("regions-"))
    assert [trace["y"] for trace in region_chart["data"] if trace["mode"] == "markers"] == [
        [world.monitored_region.name_en]]


def test_a_provider_manager_cannot_open_another_providers_scorecard(client, sign_in, world):
    sign_in("manager")
    assert client.get(f"/staff/providers/{world.own.id}").status_code == 200
    other = next(provider for provider in world.providers if provider.id != world.own.id)
    assert client.get(f"/staff/providers/{other.id}").status_code == 404
    assert client.get("/staff/providers/999999").status_code == 404


def test_a_monitor_cannot_open_a_scorecard_outside_the_regions(client, sign_in, world):
    sign_in("monitor")
    outside = next(provider for provider in world.providers if not world.in_region(provider))
    inside = next(provider for provider in world.providers if world.in_region(provider))
    assert client.get(f"/staff/providers/{outside.id}").status_code == 404
    assert client.get(f"/staff/providers/{inside.id}").status_code == 200


def test_staff_pages_need_a_sign_in(client, world):
    for url in ("/staff/", f"/staff/providers/{world.own.id}"):
        answer = client.get(url)
        assert answer.status_code == 302 and "/staff/login" in answer.headers["Location"]


# ------------------------------------------------------------------ the small-number rule


def test_a_provider_with_fewer_than_five_responses_has_no_figure_below_admin(client, sign_in, world):
    snapshot = latest_snapshot_id()
    small = db.session.scalar(select(ProviderScore).where(
        ProviderScore.snapshot_id == snapshot, ProviderScore.campaign_id == world.campaigns[1].id,
        ProviderScore.provider_id == world.small.id, ProviderScore.measure == "composite"))
    assert small.nobs == 3
    shown = f"{small.mean:,.1f}"

    sign_in("evaluator")
    html = page(client, f"/staff/providers/{world.small.id}?lang=en")
    assert "fewer than 5 responses" in html
    assert "no score is shown" in html
    assert not charts(html), "no chart may be drawn from 3 responses"
    assert shown not in html
    main = html.split('<main', 1)[1]
    numbers = re.findall(r"\d+\.\d", re.sub(r"\d{4}-\d{2}|\d{2}:\d{2}", "", unescape(main)))
    # The only decimals left are the other wave's score (3 responses too: also hidden) — i.e. none.
    assert numbers == []
    dashboard = page(client, "/staff/?lang=en")
    funnel = charts(dashboard)[f"funnel-{world.campaigns[1].id}"]
    assert world.small.name not in unwrapped(json.dumps(funnel, ensure_ascii=False))
    funnel_table = dashboard.split(f'data-target="funnel-{world.campaigns[1].id}"', 1)[1].split("</figure>", 1)[0]
    assert world.small.name not in funnel_table
    assert "1 provider in your view is not drawn: fewer than 5 responses." in dashboard
    # Its response count may show in the campaign's progress: a count is not a score.

    client.post("/staff/logout")
    sign_in("admin")
    html = page(client, f"/staff/providers/{world.small.id}?lang=en")
    assert shown in html
    assert "profile" in charts(html)
    assert world.small.name in page(client, "/staff/?lang=en")


def test_suppressed_category_cells_say_why(client, sign_in, world):
    small_cell = db.session.scalar(select(GroupScore).where(
        GroupScore.snapshot_id == latest_snapshot_id(), GroupScore.campaign_id == world.campaigns[1].id,
        GroupScore.lens == "provider_category", GroupScore.measure == "composite", GroupScore.nobs < 5,
        GroupScore.nobs > 1).order_by(GroupScore.provider_id).limit(1))
    assert small_cell is not None, "the world needs a category of fewer than 5 responses at some provider"
    category = db.session.scalar(select(RecipientCategory).where(RecipientCategory.code == small_cell.group_key))
    row_of = re.compile(rf"<tr><th scope=\"row\">{re.escape(category.name_en)}</th>(.*?)</tr>", re.S)
    sign_in("evaluator")
    html = page(client, f"/staff/providers/{small_cell.provider_id}?lang=en")
    cells = row_of.search(html).group(1)
    assert "fewer than 5 responses" in cells and "—" in cells
    assert f"{small_cell.mean:.1f}" not in cells
    categories = charts(html).get("categories")
    if categories:
        assert category.name_en not in json.dumps(categories)
    client.post("/staff/logout")
    sign_in("admin")
    cells = row_of.search(page(client, f"/staff/providers/{small_cell.provider_id}?lang=en")).group(1)
    assert f"{small_cell.mean:.1f}" in cells


# ------------------------------------------------------------------ the funnel plot


def test_funnel_limits_come_from_every_provider_and_points_only_from_scope(client, sign_in, world):
    rows = db.session.execute(
        select(ProviderScore.provider_id, ProviderScore.nobs, ProviderScore.sd, ProviderScore.adjusted)
        .where(ProviderScore.snapshot_id == latest_snapshot_id(), ProviderScore.campaign_id == world.campaigns[1].id,
               ProviderScore.measure == "composite").order_by(ProviderScore.provider_id)).all()
    table = pd.DataFrame(rows, columns=["provider_id", "nobs", "sd", "adjusted"]).set_index("provider_id")
    expected = adjusted_funnel(table.astype(float))  # every provider, the monitor's or not

    sign_in("monitor")
    html = page(client, "/staff/?lang=en")
    funnel = next(chart for key, chart in charts(html).items() if key == f"funnel-{world.campaigns[1].id}")
    limits = [trace for trace in funnel["data"] if trace.get("legendgroup", "").startswith("limits_")]
    assert len(limits) == 4  # 95% and 99.8%, lower and upper
    outer = expected.limits[expected.limits["level"] == 0.998]
    lower = next(trace for trace in limits if trace["legendgroup"] == "limits_1" and trace["showlegend"])
    np.testing.assert_allclose(lower["x"], outer["nobs"], atol=0)
    np.testing.assert_allclose(lower["y"], outer["lower"], atol=6e-4)  # JSON rounds to 3 decimals
    target = next(trace for trace in funnel["data"] if trace["mode"] == "lines" and "legendgroup" not in trace)
    assert target["y"][0] == pytest.approx(expected.target, abs=6e-4)

    points = [trace for trace in funnel["data"] if trace["mode"] == "markers"]
    drawn = {unwrapped(name) for trace in points for (name,) in trace["customdata"]}
    in_scope = {provider.name for provider in world.providers if world.in_region(provider)
                and provider.id != world.small.id}
    assert drawn == in_scope
    assert len(drawn) < len(world.providers)
    flags = dict(zip(expected.providers["provider"], expected.providers["flag"], strict=True))
    for trace in points:
        flag = {"Above the expected range": "above", "Within the expected range": "within",
                "Below the expected range": "below"}[trace["name"]]
        for (name,) in trace["customdata"]:
            provider = next(p for p in world.providers if p.name == unwrapped(name))
            assert flags[provider.id] == flag  # the stored flags' funnel, drawn as it was computed


def test_the_admin_funnel_draws_every_provider_even_the_small_one(client, sign_in, world):
    sign_in("admin")
    html = page(client, "/staff/?lang=en")
    funnel = charts(html)[f"funnel-{world.campaigns[1].id}"]
    drawn = {unwrapped(name) for trace in funnel["data"] if trace["mode"] == "markers"
             for (name,) in trace["customdata"]}
    assert drawn == {provider.name for provider in world.providers}


# ------------------------------------------------------------------ charts and their tables


def test_every_chart_carries_its_figure_and_a_table_alternative(client, sign_in, world):
    sign_in("admin")
    for url in ("/staff/?lang=en", f"/staff/providers/{world.own.id}?lang=en"):
        html = page(client, url)
        found = charts(html)
        assert found
        for key, figure in found.items():
            assert figure["data"] and "layout" in figure
            assert f'<div class="chart-canvas" id="{key}" aria-hidden="true"></div>' in html
            after = html.split(f'data-target="{key}">', 1)[1]
            alternative = after.split("</figure>", 1)[0]
            assert '<details class="chart-table">' in alternative
            assert "<table" in alternative and "<caption>" in alternative
        # No inline script or style: CSP script-src 'self' and style-src 'self' hold.
        for tag in re.findall(r"<script\b[^>]*>", html):
            assert 'type="application/json"' in tag or "src=" in tag
        assert not re.search(r"\sstyle=", html)
        assert "plotly.min.js" in html and "charts.js" in html


def test_the_scorecard_shows_raw_adjusted_and_shrunken_with_intervals_and_n(client, sign_in, world):
    sign_in("admin")
    html = page(client, f"/staff/providers/{world.own.id}?lang=en")
    profile = charts(html)["profile"]
    assert {trace["name"] for trace in profile["data"]} == {
        "Unadjusted", "Adjusted for recipient mix", "Stabilised for small samples"}
    assert all(trace.get("error_x") for trace in profile["data"])
    table = html.split('id="profile-title"', 1)[1].split("</table>", 1)[0]
    assert "Access" in table and "95% interval" in table
    composite = next(view for view in provider_scores(world.users["admin"], world.campaigns[1].id)
                     if view.provider_id == world.own.id)
    for estimate in (composite.raw, composite.adjusted, composite.shrunken):
        assert f"{estimate.value:,.1f}" in table
        assert f"{estimate.low:,.1f}–{estimate.high:,.1f}" in table
    assert f">{composite.raw.nobs}<" in table
    trend = charts(html)["trend"]
    assert {"Centre line", "Lower control limit", "Upper control limit"} <= {t["name"] for t in trend["data"]}
    assert "categories" in charts(html)


def test_the_scorecard_warns_in_plain_words_about_small_samples(client, sign_in, world):
    sign_in("admin")
    low = min((view for view in provider_scores(world.users["admin"], world.campaigns[1].id)
               if view.raw.nobs >= 5), key=lambda view: view.raw.nobs)
    html = page(client, f"/staff/providers/{low.provider_id}?lang=en")
    margin = (low.raw.high - low.raw.low) / 2
    assert f"This score rests on {low.raw.nobs} responses; treat differences of less than ±{margin:.1f} points " \
           "as chance." in unescape(html)


LATEST_COMMENTS = re.compile(r'<ol class="comment-list latest-comments">(.*?)</ol>', re.S)
COMMENT_TEXT = re.compile(r'<p class="comment-text">(.*?)</p>', re.S)


def scorecard_comments(html: str) -> list[str] | None:
    """The comments listed on a scorecard, as read (tags dropped), or None when there is no list."""
    found = LATEST_COMMENTS.search(html)
    if found is None:
        return None
    return [unescape(re.sub(r"<[^>]+>", "", text)) for text in COMMENT_TEXT.findall(found.group(1))]


def stored_comments(provider_id: int, campaign_id: int) -> list[str]:
    return list(db.session.scalars(
        select(Answer.text).join(Response, Response.id == Answer.response_id)
        .where(Response.provider_id == provider_id, Response.campaign_id == campaign_id, Answer.text.is_not(None),
               Answer.text != "")))


def test_the_scorecard_lists_the_waves_newest_comments_masked(client, sign_in, world):
    provider, (earlier, latest) = world.own, world.campaigns
    savepoint = db.session.begin_nested()
    try:
        newest = Response(submission_key="scorecard-comment", campaign=latest, provider=provider,
                          instrument_version_id=latest.instrument_version_id, language="ru", mode="web",
                          submitted_on=latest.ends_on)
        db.session.add(newest)
        db.session.flush()
        item = next(item for item in latest.instrument_version.items if item.name == "comment_improve")
        db.session.add(Answer(response_id=newest.id, item_id=item.id, text="Позвоните мне: +7 701 234 56 78"))
        db.session.flush()
        sign_in("monitor")
        listed = scorecard_comments(page(client, f"/staff/providers/{provider.id}?lang=en"))
        assert listed and len(listed) <= 5
        assert listed[0] == "Позвоните мне: [phone]"  # the newest first, the number masked
        assert "+7 701 234 56 78" not in "".join(listed)
        this_wave = {mask(text) for text in stored_comments(provider.id, latest.id)}
        assert set(listed) <= this_wave
        earlier_page = page(client, f"/staff/providers/{provider.id}?wave={earlier.id}&lang=en")
        assert set(scorecard_comments(earlier_page) or []) <= {mask(text) for text in
                                                               stored_comments(provider.id, earlier.id)}
        assert "Позвоните мне" not in earlier_page
    finally:
        savepoint.rollback()


def test_no_comment_of_a_small_provider_on_its_scorecard_below_administrator(client, sign_in, world):
    wave = world.campaigns[1]
    assert stored_comments(world.small.id, wave.id), "the world needs comments at the small provider"
    sign_in("evaluator")
    html = page(client, f"/staff/providers/{world.small.id}?lang=en")
    assert scorecard_comments(html) is None and "No comments to show from this wave." in html
    client.post("/staff/logout")
    sign_in("admin")
    assert scorecard_comments(page(client, f"/staff/providers/{world.small.id}?lang=en"))


def test_charts_speak_the_readers_language(client, sign_in, world):
    sign_in("monitor")
    html = page(client, "/staff/?lang=kk")
    assert '<html lang="kk">' in html
    funnel = charts(html)[f"funnel-{world.campaigns[1].id}"]
    assert funnel["layout"]["xaxis"]["title"]["text"] == "Жауаптар саны"
    assert funnel["layout"]["separators"] == ", "
    html = page(client, f"/staff/providers/{world.own.id}?lang=ru")
    assert charts(html)["trend"]["layout"]["xaxis"]["title"]["text"] == "Волна опроса"
    assert "Доступность" in html  # the instrument's dimension name in Russian


# ------------------------------------------------------------------ progress and alerts


def test_progress_counts_responses_per_provider_against_the_target(world):
    admin = world.users["admin"]
    (progress,) = [item for item in campaign_progress(admin, [world.campaigns[1]])]
    counts = dict(db.session.execute(select(Response.provider_id, func.count()).where(
        Response.campaign_id == world.campaigns[1].id).group_by(Response.provider_id)).all())
    assert {row.provider_id: row.responses for row in progress.rows} == counts
    assert progress.target == sum(30 + number for number in range(len(world.providers)))
    invited = [row for row in progress.rows if row.invitations]
    assert len(invited) == len(world.providers) // 2
    assert progress.response_rate == pytest.approx(sum(row.responses for row in invited) / (60 * len(invited)))
    monitor = world.users["monitor"]
    (scoped,) = campaign_progress(monitor, [world.campaigns[1]])
    assert {row.provider_id for row in scoped.rows} == {p.id for p in world.providers if world.in_region(p)}


def test_the_dashboard_shows_progress_rate_and_the_snapshot_time(client, sign_in, world):
    sign_in("evaluator")
    html = page(client, "/staff/?lang=en")
    assert "Scores as of" in html
    assert "Response rate" in html and "where invitations are counted" in html
    assert "needed" in html


def test_falling_alerts_match_welchs_test_for_every_provider(world):
    admin = world.users["admin"]
    before = {view.provider_id: view for view in provider_scores(admin, world.campaigns[0].id)}
    after = provider_scores(admin, world.campaigns[1].id)
    for view in after:
        earlier = before[view.provider_id]
        full = mean_change(earlier.raw.nobs, earlier.raw.value, earlier.sd, view.raw.nobs, view.raw.value, view.sd)
        assert falling(change_between(earlier, view)) == (full.high < 0)
        if full.high < 0:
            assert may_have_fallen(earlier, view)  # the shortcut never hides a significant fall


def test_alerts_list_providers_below_the_limit_and_safeguarding_has_its_place(client, sign_in, world,
                                                                              monkeypatch):
    monkeypatch.setitem(sys.modules, "survey_app.comments.services", None)  # the comments feature absent
    sign_in("admin")
    html = page(client, "/staff/?lang=en")
    below = [view for view in provider_scores(world.users["admin"], world.campaigns[1].id)
             if view.funnel_flag == "below"]
    panel = html.split('id="alerts-title"', 1)[1].split("</section>", 1)[0]
    for view in below:
        assert f'/staff/providers/{view.provider_id}"' in panel
    assert 'id="safeguarding-placeholder"' in panel


def test_safeguarding_alerts_come_from_the_comments_service_when_it_exists(client, sign_in, world, monkeypatch):
    alert = SimpleNamespace(provider_id=world.own.id, provider_name=world.own.name, received_on=None,
                            url="/staff/comments/1")
    service = SimpleNamespace(open_alerts=lambda user: [alert])
    monkeypatch.setitem(sys.modules, "survey_app.comments.services", service)
    sign_in("manager")
    html = page(client, "/staff/?lang=en")
    panel = html.split('id="alerts-title"', 1)[1].split("</section>", 1)[0]
    assert "Safeguarding" in panel and 'href="/staff/comments/1"' in panel
    assert "safeguarding-placeholder" not in panel
    scorecard = page(client, f"/staff/providers/{world.own.id}?lang=en")
    assert "A comment needs a safeguarding follow-up." in scorecard


# ------------------------------------------------------------------ built from the snapshot


def test_no_staff_page_reads_every_response(client, sign_in, world, monkeypatch):
    """Issue #6.9: pages come from SQL aggregates and the stored snapshot, never from every response per request
    (the respondent frame is what a refresh reads)."""
    from survey_app.scores import compute, frames, refresh

    def refuse(*args, **kwargs):
        raise AssertionError("a page read every response")

    for module, name in ((frames, "respondent_frame"), (refresh, "respondent_frame"), (refresh, "refresh_scores"),
                         (compute, "provider_rows"), (compute, "group_rows")):
        monkeypatch.setattr(module, name, refuse)
    sign_in("evaluator")
    wave = world.campaigns[1].id
    for url in ("/staff/", f"/staff/providers/{world.own.id}", f"/staff/providers/{world.own.id}?wave={wave}",
                "/staff/providers", "/staff/providers.csv", "/staff/categories", "/api/v1/providers",
                f"/api/v1/providers/{world.own.id}", "/api/v1/groups?lens=category"):
        assert client.get(url).status_code == 200, url


# ------------------------------------------------------------------ in a real browser


def test_charts_draw_in_chromium_under_the_strict_policy(app, client, sign_in, world, browser):
    """Chromium draws every chart (``.main-svg``) with style-src 'self': plotly.js needs no inline style."""
    sign_in("monitor")

    def answer(route):
        # The browser's requests go to the Flask test client (same database transaction as the test).
        path = route.request.url.split("http://sapa.test", 1)[1]
        response = client.get(path, headers={"Accept-Encoding": "identity"})
        body = response.get_data()
        response.close()  # a static file's handle
        headers = {key: value for key, value in response.headers.items()
                   if key.lower() not in ("content-length", "content-encoding", "set-cookie")}
        route.fulfill(status=response.status_code, headers=headers, body=body)

    context = browser.new_context(viewport={"width": 390, "height": 800})
    try:
        page = context.new_page()
        page.add_init_script("window.__violations = []; document.addEventListener('securitypolicyviolation',"
                             " event => window.__violations.push(event.violatedDirective));")
        page.route("http://sapa.test/**", answer)
        for url in ("/staff/?lang=ru", f"/staff/providers/{world.own.id}?lang=kk"):
            page.goto("http://sapa.test" + url)
            page.wait_for_function("document.querySelectorAll('.chart-data').length > 0 && "
                                   "document.querySelectorAll('.chart-data').length === "
                                   "document.querySelectorAll('.chart-canvas[data-drawn]').length",
                                   timeout=60_000)
            charts_drawn = page.evaluate("document.querySelectorAll('.chart-canvas .main-svg').length")
            assert charts_drawn >= 2 * page.evaluate("document.querySelectorAll('.chart-data').length")
            assert page.evaluate("window.__violations") == []
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, "no sideways scrolling"
        # The policy is really in force: an inline <style> gets no style sheet.
        blocked = page.evaluate("(() => { const s = document.createElement('style');"
                                " s.textContent = 'body{color:red}'; document.head.appendChild(s);"
                                " return s.sheet === null || s.sheet.cssRules.length === 0; })()")
        assert blocked and "style-src-elem" in page.evaluate("window.__violations")
    finally:
        context.close()
