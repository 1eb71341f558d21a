"""The read layer: scope in every query, and no figure from fewer than five responses below admin."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from survey_app.auth.services import create_user
from survey_app.models import Provider, Region
from survey_app.scores.read import group_scores, provider_measures, provider_scores
from survey_app.scores.refresh import refresh_scores

SQLITE_ONLY = pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)


def _users(world):
    chosen = world["chosen"]
    providers = world["providers"]
    own = providers[chosen[0].code]
    region = own.region
    monitor_region = region.parent or region
    return {
        "admin": create_user("a@x.kz", "A", "password-123", "admin"),
        "evaluator": create_user("e@x.kz", "E", "password-123", "evaluator"),
        "monitor": create_user("m@x.kz", "M", "password-123", "monitor", regions=[monitor_region]),
        "manager": create_user("p@x.kz", "P", "password-123", "provider_manager", provider=own),
    }


@SQLITE_ONLY
def test_a_small_provider_is_suppressed_below_admin(scored_world):
    refresh_scores()
    users = _users(scored_world)
    small = scored_world["providers"][scored_world["chosen"][-1].code]
    campaign = scored_world["campaigns"][0]
    for role, shown in (("admin", True), ("evaluator", False)):
        rows = {row.provider_id: row for row in provider_scores(users[role], campaign.id)}
        row = rows[small.id]
        assert row.raw.nobs == 3
        assert row.raw.shown is shown
        assert (row.adjusted.value is not None) is shown or row.adjusted.value is None
        if not shown:
            assert row.raw.value is None and row.raw.low is None and row.grade is None
            assert row.funnel_flag is None and row.reliability is None


@SQLITE_ONLY
def test_scope_limits_providers_and_regions(scored_world):
    refresh_scores()
    users = _users(scored_world)
    campaign = scored_world["campaigns"][0]
    everyone = {row.provider_id for row in provider_scores(users["evaluator"], campaign.id)}
    assert len(everyone) == len(scored_world["chosen"])
    monitored = {row.provider_id for row in provider_scores(users["monitor"], campaign.id)}
    own_region = scored_world["providers"][scored_world["chosen"][0].code].region
    oblast = own_region.parent or own_region
    in_region = {p.id for p in scored_world["db"].session.scalars(select(Provider).join(Region)).all()
                 if (p.region.parent or p.region).id == oblast.id}
    assert monitored == in_region & everyone
    managed = {row.provider_id for row in provider_scores(users["manager"], campaign.id)}
    assert managed == {scored_world["providers"][scored_world["chosen"][0].code].id}
    # Another provider's scorecard is empty for the manager, as if it did not exist.
    other = scored_world["providers"][scored_world["chosen"][1].code]
    assert provider_measures(users["manager"], other.id) == []
    assert provider_measures(users["evaluator"], other.id)
    # Regional figures only for the monitor's own regions; national figures for everyone.
    regions = {row.group_key for row in group_scores(users["monitor"], campaign.id, "region")}
    assert regions == {oblast.code}
    assert [row.group_key for row in group_scores(users["manager"], campaign.id, "national")] == ["all"]
