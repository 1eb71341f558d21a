"""Who may open which campaign page: signed-in staff only, each within their scope (out of scope is a 404)."""

from __future__ import annotations

import pytest

from tests.support import factories

PRINTED = ("", "qr.svg", "poster.svg", "poster.pdf")


@pytest.mark.parametrize("path", ["/staff/campaigns/", "/staff/campaigns/{campaign}/",
                                  "/staff/campaigns/{campaign}/providers/{provider}/poster.pdf",
                                  "/staff/campaigns/{campaign}/providers/{provider}/slips.pdf?batch=1"])
def test_signed_out_is_sent_to_sign_in(client, world, path):
    answer = client.get(path.format(campaign=world.campaign.id, provider=world.own.id))
    assert answer.status_code == 302
    assert "/staff/login" in answer.headers["Location"]


def test_signed_out_cannot_issue_codes(client, world):
    answer = client.post(world.url(world.own, "codes"), data={"count": "5"})
    assert answer.status_code == 302
    assert "/staff/login" in answer.headers["Location"]
    assert not world.participant(world.own).codes


def test_provider_manager_sees_only_their_organisation(client, world, sign_in):
    sign_in("provider_manager")
    html = client.get("/staff/campaigns/").get_data(as_text=True)
    assert world.own.name in html
    assert world.other.name not in html
    html = client.get(f"/staff/campaigns/{world.campaign.id}/").get_data(as_text=True)
    assert "1 provider" in html
    assert world.other.name not in html


@pytest.mark.parametrize("tail", PRINTED)
def test_provider_manager_gets_their_own_printed_material(client, world, sign_in, tail):
    sign_in("provider_manager")
    assert client.get(world.url(world.own, tail)).status_code == 200


@pytest.mark.parametrize("tail", PRINTED + ("slips.pdf?issued=2026-01-01",))
def test_another_providers_material_is_not_found(client, world, sign_in, tail):
    sign_in("provider_manager")
    answer = client.get(world.url(world.other, tail))
    assert answer.status_code == 404
    assert world.other.name not in answer.get_data(as_text=True)


def test_another_provider_cannot_get_codes(client, world, sign_in):
    sign_in("provider_manager")
    assert client.post(world.url(world.other, "codes"), data={"count": "5"}).status_code == 404
    assert not world.participant(world.other).codes


def test_a_campaign_without_a_visible_provider_is_not_found(client, world, sign_in):
    elsewhere = factories.campaign(world.campaign.instrument_version, [world.other])
    sign_in("provider_manager")
    assert client.get(f"/staff/campaigns/{elsewhere.id}/").status_code == 404
    assert f"/staff/campaigns/{elsewhere.id}/" not in client.get("/staff/campaigns/").get_data(as_text=True)


def test_monitor_sees_the_assigned_region_only(client, world, sign_in):
    sign_in("monitor", regions=[world.west])
    assert client.get(world.url(world.other, "poster.svg")).status_code == 200
    assert client.get(world.url(world.own, "poster.svg")).status_code == 404


@pytest.mark.parametrize("role", ["evaluator", "social_worker"])
def test_roles_that_do_not_hand_out_slips_cannot_issue_or_print_codes(client, world, sign_in, role):
    sign_in(role)
    assert client.get(world.url(world.own)).status_code == 200
    assert client.post(world.url(world.own, "codes"), data={"count": "5"}).status_code == 403
    assert client.get(world.url(world.own, "slips.pdf?issued=2026-01-01")).status_code == 403
    assert "Issue codes" not in client.get(world.url(world.own)).get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "evaluator", "monitor", "provider_manager", "social_worker"])
def test_every_staff_role_has_the_section(client, world, sign_in, role):
    sign_in(role)
    html = client.get("/staff/campaigns/").get_data(as_text=True)
    assert '<a href="/staff/campaigns/" aria-current="page">' in html  # the entry in the staff navigation


def test_only_roles_that_run_assisted_interviews_see_that_link(client, world, sign_in):
    sign_in("evaluator")
    assert "/a/" not in client.get(world.url(world.own)).get_data(as_text=True)
