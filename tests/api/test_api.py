"""The read-only JSON API /api/v1: 401 JSON for anonymous callers, the comparison pages' roles and
scope, the small-number rule (null and "suppressed", never the number), the same rows as the page,
JSON errors with messages, and GET only (one world for the whole module)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from survey_app.extensions import db
from survey_app.models.scores import GroupScore, ProviderScore
from survey_app.scores.read import latest_snapshot_id
from tests.compare.world import get

ENDPOINTS = ("/api/v1/campaigns", "/api/v1/providers", "/api/v1/providers/{own}", "/api/v1/groups")


def api(client, url: str, status: int = 200) -> dict:
    answer = client.get(url, headers={"Accept-Language": "en"})  # the tests read the English messages
    assert answer.status_code == status, (url, answer.status_code, answer.get_data(as_text=True)[:300])
    assert answer.mimetype == "application/json"
    return answer.get_json()


def stored_scores(world, measure: str = "composite") -> dict[int, ProviderScore]:
    return {row.provider_id: row for row in db.session.scalars(select(ProviderScore).where(
        ProviderScore.snapshot_id == latest_snapshot_id(), ProviderScore.campaign_id == world.latest.id,
        ProviderScore.measure == measure))}


# ------------------------------------------------------------------ who may call


@pytest.mark.parametrize("url", ENDPOINTS)
def test_an_anonymous_caller_gets_401_json_not_a_redirect(app, world, url):
    answer = world.client(app).get(url.format(own=world.own.id), headers={"Accept-Language": "en"})
    assert answer.status_code == 401 and answer.mimetype == "application/json"
    assert answer.get_json() == {"error": {"status": 401, "message": "Please sign in to use the API."}}
    assert "Location" not in answer.headers


def test_api_messages_follow_accept_language(app, world):
    """A caller's Accept-Language picks the message's language, like the pages'."""
    messages = {language: world.client(app).get("/api/v1/campaigns", headers={"Accept-Language": language})
                .get_json()["error"]["message"] for language in ("kk", "ru", "uk", "en")}
    assert len(set(messages.values())) == 4 and messages["en"] == "Please sign in to use the API."


@pytest.mark.parametrize("url", ENDPOINTS)
def test_a_social_worker_gets_403_json(app, world, url):
    body = api(world.client(app, "worker"), url.format(own=world.own.id), 403)
    assert body["error"]["status"] == 403 and body["error"]["message"]


def test_only_get_exists_and_unknown_addresses_answer_json(app, world):
    client = world.client(app, "evaluator")
    answer = client.post("/api/v1/campaigns")
    assert answer.status_code == 405 and answer.get_json()["error"]["status"] == 405
    assert "GET" in answer.headers["Allow"]
    assert api(client, "/api/v1/no-such-thing", 404)["error"]["status"] == 404
    assert client.get("/no-such-page").mimetype == "text/html"  # pages elsewhere keep their HTML errors


def test_answers_are_private_and_not_cached(app, world):
    answer = world.client(app, "evaluator").get("/api/v1/campaigns")
    assert "no-store" in answer.headers["Cache-Control"]


# ------------------------------------------------------------------ campaigns


@pytest.mark.parametrize("role", ["admin", "evaluator", "monitor", "manager"])
def test_campaigns_lists_the_scored_waves_newest_first(app, world, role):
    body = api(world.client(app, role), "/api/v1/campaigns")
    assert [item["id"] for item in body["campaigns"]] == [world.latest.id, world.campaigns[0].id]
    assert body["campaigns"][0]["starts_on"] == world.latest.starts_on.isoformat()


# ------------------------------------------------------------------ providers


@pytest.mark.parametrize("role", ["admin", "evaluator", "monitor", "manager"])
def test_providers_lists_the_scope_and_no_other(app, world, role):
    body = api(world.client(app, role), "/api/v1/providers?per_page=1000")
    assert {item["id"] for item in body["providers"]} == world.scope(role)
    assert body["total"] == len(world.scope(role)) and body["campaign"]["id"] == world.latest.id
    text = json.dumps(body, ensure_ascii=False)
    for provider in world.providers:
        if provider.id not in world.scope(role):
            assert provider.name not in text


def test_a_small_provider_is_null_and_suppressed_for_an_evaluator_and_shown_to_an_administrator(app, world):
    stored = stored_scores(world)[world.small.id]
    evaluator = api(world.client(app, "evaluator"), "/api/v1/providers?per_page=1000")
    row = next(item for item in evaluator["providers"] if item["id"] == world.small.id)
    assert row["suppressed"] is True and row["nobs"] is None
    for kind in ("raw", "adjusted", "shrunken"):
        assert row[kind] == {"value": None, "low": None, "high": None, "suppressed": True}
    assert row["reliability"] is None and row["grade"] is None and row["comparison"] is None
    assert row["satisfaction"]["value"] is None and row["satisfaction"]["suppressed"] is True
    assert evaluator["providers"][-1]["id"] == world.small.id  # listed last, like the page
    # Never the number, anywhere in the answer.
    text = json.dumps(row)
    assert not re.search(r"\d+\.\d", text.replace(row["name"], ""))
    admin = api(world.client(app, "admin"), "/api/v1/providers?per_page=1000")
    row = next(item for item in admin["providers"] if item["id"] == world.small.id)
    assert row["suppressed"] is False and row["raw"]["value"] == pytest.approx(stored.mean)
    assert row["nobs"] == stored.nobs


def test_providers_answer_the_rows_of_the_page_in_the_same_order(app, world):
    client = world.client(app, "evaluator")
    query = f"campaign={world.campaigns[0].id}&sort=shrunken&order=desc&setting={world.own.setting}"
    html = get(client, f"/staff/providers?lang=en&{query}").get_data(as_text=True)
    page_ids = [int(found) for found in re.findall(r'<th scope="row"><a href="/staff/providers/(\d+)\?', html)]
    body = api(client, f"/api/v1/providers?{query}")
    assert [item["id"] for item in body["providers"]] == page_ids
    assert body["sort"] == "shrunken" and body["order"] == "desc" and body["filters"] == {"setting": world.own.setting}
    first = body["providers"][0]
    assert first["url"] == f"/staff/providers/{first['id']}?wave={world.campaigns[0].id}"
    assert first["shrunken"]["value"] is not None


def test_providers_pages_and_measures(app, world):
    client = world.client(app, "admin")
    pages = [api(client, f"/api/v1/providers?per_page=5&page={number}") for number in (1, 2, 3)]
    assert [page["pages"] for page in pages] == [3, 3, 3]
    ids = [item["id"] for page in pages for item in page["providers"]]
    assert sorted(ids) == sorted(provider.id for provider in world.providers)
    stored = stored_scores(world, "dimension:access")
    body = api(client, "/api/v1/providers?measure=dimension:access&per_page=1000")
    assert body["measure"] == "dimension:access"
    for item in body["providers"]:
        assert item["raw"]["value"] == pytest.approx(stored[item["id"]].mean)
    nps = stored_scores(world, "nps")
    body = api(client, "/api/v1/providers?per_page=1000")
    for item in body["providers"]:
        assert item["nps"]["value"] == pytest.approx(nps[item["id"]].mean)


@pytest.mark.parametrize(("query", "status"), [
    ("measure=everything", 400), ("campaign=x", 400), ("campaign=987654", 404), ("per_page=0", 400),
    ("per_page=5000", 400), ("sort=colour", 400), ("order=up", 400), ("page=-1", 400),
])
def test_bad_parameters_are_refused_with_a_message(app, world, query, status):
    body = api(world.client(app, "evaluator"), f"/api/v1/providers?{query}", status)
    assert body["error"]["status"] == status and len(body["error"]["message"]) > 5


# ------------------------------------------------------------------ one provider


def test_a_provider_outside_the_scope_is_not_found(app, world):
    outside = next(provider for provider in world.providers if not world.in_region(provider))
    assert api(world.client(app, "monitor"), f"/api/v1/providers/{outside.id}", 404)["error"]["status"] == 404
    assert api(world.client(app, "manager"), f"/api/v1/providers/{world.providers[1].id}", 404)
    assert api(world.client(app, "evaluator"), "/api/v1/providers/987654", 404)


def test_a_provider_answers_its_measures_per_wave(app, world):
    body = api(world.client(app, "manager"), f"/api/v1/providers/{world.own.id}")
    assert body["provider"]["id"] == world.own.id
    assert [item["campaign"]["id"] for item in body["campaigns"]] == [world.latest.id, world.campaigns[0].id]
    measures = body["campaigns"][0]["measures"]
    assert {"composite", "satisfaction", "nps"} <= set(measures)
    assert any(name.startswith("dimension:") for name in measures)
    assert measures["composite"]["raw"]["value"] == pytest.approx(stored_scores(world)[world.own.id].mean)


def test_a_small_providers_measures_are_null_below_administrator(app, world):
    body = api(world.client(app, "evaluator"), f"/api/v1/providers/{world.small.id}")
    for wave in body["campaigns"]:
        for measure in wave["measures"].values():
            assert measure["suppressed"] is True and measure["raw"]["value"] is None
    admin = api(world.client(app, "admin"), f"/api/v1/providers/{world.small.id}")
    assert admin["campaigns"][0]["measures"]["composite"]["raw"]["value"] is not None


# ------------------------------------------------------------------ groups


def test_groups_by_category_with_names_and_the_small_number_rule(app, world):
    body = api(world.client(app, "evaluator"), "/api/v1/groups?lens=category&measure=satisfaction&lang=en")
    stored = {row.group_key: row for row in db.session.scalars(select(GroupScore).where(
        GroupScore.snapshot_id == latest_snapshot_id(), GroupScore.campaign_id == world.latest.id,
        GroupScore.lens == "category", GroupScore.measure == "satisfaction"))}
    assert {item["key"] for item in body["groups"]} == set(stored)
    for item in body["groups"]:
        row = stored[item["key"]]
        if row.nobs < 5:
            assert item["value"] is None and item["suppressed"] is True
        else:
            assert item["value"] == pytest.approx(row.mean) and item["nobs"] == row.nobs
    assert any(item["name"] == "Older people" for item in body["groups"])


def test_groups_keep_the_scope_of_regions_and_providers(app, world):
    monitor = world.client(app, "monitor")
    regions = api(monitor, "/api/v1/groups?lens=region")
    assert [item["key"] for item in regions["groups"]] == [world.monitored_region.code]
    cells = api(monitor, "/api/v1/groups?lens=provider_category")
    assert {item["provider"]["id"] for item in cells["groups"]} <= world.scope("monitor")
    small = api(world.client(app, "evaluator"), "/api/v1/groups?lens=provider_category")
    for item in small["groups"]:
        if item["provider"]["id"] == world.small.id:
            assert item["value"] is None and item["suppressed"] is True


def test_groups_refuse_an_unknown_lens(app, world):
    body = api(world.client(app, "evaluator"), "/api/v1/groups?lens=colour", 400)
    assert "lens" in body["error"]["message"]
