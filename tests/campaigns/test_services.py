"""The campaign queries on the embedded SQLite and on PostgreSQL: scope, search, paging, code counts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from survey_app.auth.services import create_user
from survey_app.campaigns.services import (
    campaign_summaries,
    code_counts,
    codes_to_print,
    issue_codes,
    participants_page,
    visible_participant,
)
from survey_app.models.base import today
from tests.support import factories


@pytest.fixture
def setting(any_db):
    version = factories.small_instrument()
    region = factories.region()
    providers = [factories.provider(region) for _ in range(7)]
    for number, provider in enumerate(providers):
        provider.name = f"Centre {number} 100%_sure" if number == 3 else f"Centre {number}"
    campaign = factories.campaign(version, providers, starts_on=today() - timedelta(days=5),
                                  ends_on=today() + timedelta(days=5))
    for participant in campaign.participants:
        participant.target_responses = 4
    any_db.session.flush()
    admin = create_user(f"admin-{campaign.id}@campaigns.test", "Admin", "x" * 12, "admin")
    manager = create_user(f"manager-{campaign.id}@campaigns.test", "Manager", "x" * 12, "provider_manager",
                          provider=providers[0])
    return campaign, providers, admin, manager


def test_summaries_and_pages_keep_to_the_scope(setting):
    campaign, providers, admin, manager = setting
    [summary] = [s for s in campaign_summaries(admin) if s.campaign.id == campaign.id]
    assert (summary.providers, summary.target) == (7, 28)
    [own] = [s for s in campaign_summaries(manager) if s.campaign.id == campaign.id]
    assert own.providers == 1
    page = participants_page(admin, campaign, page=2, per_page=3)
    assert (page.total, page.pages, page.page, len(page.rows)) == (7, 3, 2, 3)
    assert participants_page(admin, campaign, page=99, per_page=3).page == 3
    assert [row.participant.provider_id for row in participants_page(manager, campaign).rows] == [providers[0].id]
    assert visible_participant(manager, campaign.id, providers[1].id) is None


def test_search_takes_percent_and_underscore_literally(setting):
    campaign, providers, admin, _manager = setting
    found = participants_page(admin, campaign, search="100%_")
    assert [row.participant.provider_id for row in found.rows] == [providers[3].id]
    assert participants_page(admin, campaign, search="%").total == 1


def test_code_counts_and_printing(setting, any_db):
    campaign, providers, _admin, _manager = setting
    participant = next(p for p in campaign.participants if p.provider_id == providers[0].id)
    codes = issue_codes(participant, 5)
    codes[0].used_on = today()
    codes[1].expires_on = today() - timedelta(days=1)
    any_db.session.flush()
    counts, batches = code_counts(participant, today())
    assert (counts.issued, counts.used, counts.expired, counts.available) == (5, 1, 1, 3)
    assert [(batch.issued_on, batch.issued, batch.available) for batch in batches] == [(today(), 5, 3)]
    assert codes_to_print(participant, today(), ids=[code.id for code in codes]) == [c.code for c in codes[2:]]
    assert codes_to_print(participant, today(), issued_on=today() - timedelta(days=1)) == []
