"""Keeping the snapshot fresh (issue #6.9): ``flask refresh-scores``, and a background refresh started by a
staff page only when responses newer than the snapshot exist, at most one at a time and not more often
than every few minutes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from survey_app.models import Response, ScoreSnapshot
from survey_app.models.base import utcnow
from survey_app.scores import refresh
from survey_app.scores.refresh import MINIMUM_INTERVAL, latest_snapshot, refresh_if_stale, refresh_scores

SQLITE_ONLY = pytest.mark.parametrize("any_db", ["sqlite"], indirect=True)


class Started:
    """Stands in for ``threading.Thread``: records what would run in the background, runs nothing."""

    calls: list = []

    def __init__(self, target, args=(), daemon=None, name=None):
        self.target, self.args = target, args

    def start(self):
        Started.calls.append(self.target)


@pytest.fixture
def started(app, monkeypatch):
    Started.calls = []
    monkeypatch.setattr(refresh.threading, "Thread", Started)
    monkeypatch.setitem(app.config, "SAPA_AUTO_REFRESH_SCORES", True)
    return Started.calls


def _new_response(world) -> Response:
    campaign = world["campaigns"][1]
    provider = world["providers"][world["chosen"][0].code]
    response = Response(submission_key="refresh-test", campaign=campaign, provider=provider,
                        instrument_version_id=campaign.instrument_version_id, language="ru", mode="web",
                        submitted_on=campaign.ends_on)
    world["db"].session.add(response)
    world["db"].session.flush()
    return response


@SQLITE_ONLY
def test_a_page_starts_a_refresh_only_when_newer_responses_exist(app, scored_world, started):
    assert refresh_if_stale(app) and len(started) == 1  # responses and no snapshot yet
    snapshot = refresh_scores()
    assert not refresh_if_stale(app)  # just refreshed: nothing new, and too soon
    snapshot.finished_at = utcnow() - MINIMUM_INTERVAL - timedelta(seconds=1)
    assert not refresh_if_stale(app), "nothing new since the snapshot"
    _new_response(scored_world)
    assert refresh_if_stale(app) and len(started) == 2
    snapshot.finished_at = utcnow()
    assert not refresh_if_stale(app), "not more often than every few minutes"
    snapshot.finished_at = utcnow() - MINIMUM_INTERVAL - timedelta(seconds=1)
    app.config["SAPA_AUTO_REFRESH_SCORES"] = False
    assert not refresh_if_stale(app), "switched off"
    app.config["SAPA_AUTO_REFRESH_SCORES"] = True
    scored_world["db"].session.add(ScoreSnapshot(status="running", started_at=utcnow()))
    scored_world["db"].session.flush()
    assert not refresh_if_stale(app), "one refresh at a time"
    assert len(started) == 2


@SQLITE_ONLY
def test_the_command_takes_in_every_response(app, scored_world, runner):
    result = runner.invoke(args=["refresh-scores"])
    assert result.exit_code == 0, result.output
    snapshot = latest_snapshot()
    total = scored_world["db"].session.scalar(select(func.count()).select_from(Response))
    assert snapshot.responses == total and f"{total} responses" in result.output
    _new_response(scored_world)
    assert runner.invoke(args=["refresh-scores"]).exit_code == 0
    newer = latest_snapshot()
    assert newer.id != snapshot.id and newer.responses == total + 1
