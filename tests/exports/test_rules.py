"""Filters, scopes, the rule on small numbers (DESIGN §6) and the exports refused with a reason."""

from __future__ import annotations

from datetime import date

import pytest

from survey_app.exports import services
from survey_app.exports.services import ExportFilters, ExportRefused, plan_export
from tests.exports.conftest import add_response, export_instrument
from tests.exports.helpers import csv_rows, export_url, provider_codes
from tests.support import factories

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def admin_rows(client, world, sign_in):
    sign_in("admin")

    def rows(**filters):
        response = client.get(export_url(world, "csv", **filters))
        assert response.status_code == 200, response.get_data(as_text=True)
        return csv_rows(response)

    return rows


def test_filter_by_provider(admin_rows, world):
    rows = admin_rows(provider=world.far.id)
    assert provider_codes(rows) == {world.far.code} and len(rows) == 5


def test_filter_by_region(admin_rows, world):
    assert provider_codes(admin_rows(region=world.west.id)) == {world.far.code}
    assert provider_codes(admin_rows(region=world.east.id)) == {world.big.code, world.small.code}


def test_a_region_includes_its_hromadas(db, world):
    oblast = factories.region("UA")
    hromada = factories.region("UA", kind="hromada", parent=oblast)
    provider = factories.provider(hromada)
    campaign = factories.campaign(world.version, [provider], country="UA")
    for _ in range(5):
        add_response(campaign, provider)
    plan = plan_export(None, ExportFilters(region_id=oblast.id), "en", "csv")
    assert (plan.responses, plan.campaign_codes) == (5, (campaign.code,))


def test_filter_by_period(admin_rows, world):
    rows = admin_rows(submitted_from="2026-04-01", submitted_to="2026-04-30")
    assert [row["response_id"] for row in rows] == [str(world.responses["big"][2].id)]
    assert len(admin_rows(submitted_from="2026-04-01")) == 2
    assert len(admin_rows(submitted_to="2026-03-31")) == 13


def test_filter_by_campaign(admin_rows, world):
    other = factories.campaign(world.version, [world.far])
    add_response(other, world.far)
    assert len(admin_rows()) == 15
    assert len(admin_rows(campaign="")) == 16  # all campaigns: the same version, so one file
    assert {row["campaign"] for row in admin_rows(campaign=other.id)} == {other.code}


def test_a_monitor_gets_only_their_regions(client, world, sign_in):
    sign_in("monitor", regions=[world.west])
    rows = csv_rows(client.get(export_url(world)))
    assert provider_codes(rows) == {world.far.code}
    # Asking for a provider elsewhere gives nothing of it.
    page = client.get(export_url(world, provider=world.big.id))
    assert page.status_code == 302  # back to the form, which says why


def test_a_monitor_with_a_provider_assigned(client, world, sign_in):
    sign_in("monitor", providers=[world.big])
    assert provider_codes(csv_rows(client.get(export_url(world)))) == {world.big.code}


def test_a_provider_manager_gets_only_their_own(client, world, sign_in):
    sign_in("provider_manager", provider=world.far)
    rows = csv_rows(client.get(export_url(world)))
    assert provider_codes(rows) == {world.far.code} and len(rows) == 5


def test_a_small_provider_is_left_out_below_administrator(client, world, sign_in):
    sign_in("evaluator")
    rows = csv_rows(client.get(export_url(world)))
    assert provider_codes(rows) == {world.big.code, world.far.code}
    assert len(rows) == 11
    page = client.get(export_url(world).replace("/download", "/"))
    html = page.get_data(as_text=True)
    assert "Rule on small numbers: 1 provider with fewer than 5 responses in this export is left out" in html
    assert "Responses left out: 4." in html


def test_an_administrator_gets_the_small_provider(admin_rows, world):
    assert world.small.code in provider_codes(admin_rows())


def test_open_answers_are_left_out_below_administrator(client, world, sign_in):
    sign_in("evaluator")
    rows = csv_rows(client.get(export_url(world)))
    assert "comment" not in rows[0]
    html = client.get(export_url(world).replace("/download", "/")).get_data(as_text=True)
    assert "Open answers (comments) are left out" in html


def test_the_threshold_counts_within_the_export(client, world, sign_in):
    """A provider with 6 responses in the campaign but 2 in the chosen period is left out too."""
    sign_in("evaluator")
    assert client.get(export_url(world, submitted_from="2026-04-01")).status_code == 302
    html = client.get(export_url(world, submitted_from="2026-04-01").replace("/download", "/")).get_data(
        as_text=True)
    assert "All 2 matching responses come from providers with fewer than 5 responses" in html


def test_the_threshold_is_configurable(app, db, world, monkeypatch):
    from survey_app.models import User

    evaluator = User(email="e@exports.test", full_name="E", password_hash="x", role="evaluator")
    db.session.add(evaluator)
    db.session.flush()
    monkeypatch.setitem(app.config, "SAPA_MIN_RESPONSES", 6)
    plan = plan_export(evaluator, ExportFilters(campaign_id=world.campaign.id), "en", "csv")
    assert (plan.responses, plan.left_out_responses, plan.left_out_providers) == (6, 9, 2)


def test_everything_left_out_is_refused_with_the_reason(db, world):
    from survey_app.models import User

    manager = User(email="m@exports.test", full_name="M", password_hash="x", role="provider_manager",
                   provider_id=world.small.id)
    db.session.add(manager)
    db.session.flush()
    with pytest.raises(ExportRefused, match="fewer than 5 responses"):
        plan_export(manager, ExportFilters(), "en", "csv")


def test_several_versions_need_a_campaign(client, world, sign_in):
    second = export_instrument()
    other = factories.campaign(second, [world.far])
    for _ in range(5):
        add_response(other, world.far, version=second)
    with pytest.raises(ExportRefused, match="2 different versions"):
        plan_export(None, ExportFilters(), "en", "csv")
    assert plan_export(None, ExportFilters(campaign_id=other.id), "en", "csv").responses == 5
    sign_in("admin")
    html = client.get("/staff/exports/?campaign=&file_format=csv&labels=en").get_data(as_text=True)
    assert "Choose a campaign" in html


def test_nothing_to_export(db, world):
    with pytest.raises(ExportRefused, match="No responses"):
        plan_export(None, ExportFilters(submitted_from=date(2030, 1, 1)), "en", "csv")


def test_sav_has_a_row_cap(client, world, sign_in, monkeypatch):
    monkeypatch.setattr(services, "SAV_MAX_ROWS", 10)
    sign_in("admin")
    assert client.get(export_url(world, "sav")).status_code == 302
    html = client.get(export_url(world, "sav").replace("/download", "/")).get_data(as_text=True)
    assert "at most 10 responses" in html
    assert client.get(export_url(world, "sav", provider=world.far.id)).status_code == 200


def test_xlsx_has_the_sheet_limit(db, world, monkeypatch):
    monkeypatch.setattr(services, "XLSX_MAX_ROWS", 10)
    with pytest.raises(ExportRefused, match="one Excel sheet"):
        plan_export(None, ExportFilters(), "en", "xlsx")
