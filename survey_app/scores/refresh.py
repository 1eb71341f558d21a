"""Compute and store a score snapshot; keep it fresh after new responses.

``refresh_scores()`` is what ``flask refresh-scores`` runs. Staff pages call
``refresh_if_stale(app)``: when responses newer than the snapshot exist it starts one refresh in
a background thread (at most one at a time across workers, at most every few minutes) and the
page shows the snapshot it has, with its time.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pandas as pd
from flask import Flask, current_app
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import aliased

from survey_app.extensions import db
from survey_app.models import Provider, Region, Response
from survey_app.models.base import utcnow
from survey_app.models.providers import ServiceStandard, ServiceType, provider_service, provider_standard
from survey_app.models.scores import GroupScore, ProviderScore, ScoreSnapshot
from survey_app.scores.compute import group_rows, provider_rows
from survey_app.scores.frames import respondent_frame

KEEP_SNAPSHOTS = 2
RUNNING_TIMEOUT = timedelta(minutes=15)
MINIMUM_INTERVAL = timedelta(minutes=2)


def provider_frame() -> pd.DataFrame:
    """Provider attributes the lenses need: recipients served, oblast, setting, form, services, standards."""
    oblast = aliased(Region)
    rows = db.session.execute(
        select(Provider.id, Provider.recipients_served, Provider.setting, Provider.org_form,
               func.coalesce(oblast.code, Region.code))
        .join(Region, Provider.region_id == Region.id)
        .outerjoin(oblast, Region.parent_id == oblast.id)
    ).all()
    frame = pd.DataFrame(rows, columns=["provider_id", "population", "setting", "org_form", "region"])
    frame = frame.set_index("provider_id")
    for column, table, model, key in (
        ("service_types", provider_service, ServiceType, "service_type_id"),
        ("standards", provider_standard, ServiceStandard, "service_standard_id"),
    ):
        links = db.session.execute(
            select(table.c.provider_id, model.code).join(model, model.id == table.c[key])
        ).all()
        grouped: dict[int, list[str]] = {}
        for provider_id, code in links:
            grouped.setdefault(provider_id, []).append(code)
        frame[column] = [grouped.get(provider_id, []) for provider_id in frame.index]
    return frame


def refresh_scores(echo=None, snapshot: ScoreSnapshot | None = None) -> ScoreSnapshot:
    """Compute a new snapshot from every response so far; the caller commits.

    Everything is read and computed before the first write, so on SQLite the write lock is held
    only for the short insert at the end and survey submissions never wait behind a refresh.
    """
    started = time.monotonic()
    last_id = db.session.scalar(select(func.max(Response.id))) or 0
    frame, _dimensions = respondent_frame(last_id)
    scores: list[dict] = []
    groups: list[dict] = []
    if not frame.empty:
        providers = provider_frame()
        scores = provider_rows(frame, providers)
        groups = group_rows(frame, providers)
    if snapshot is None:
        snapshot = ScoreSnapshot(status="running", started_at=utcnow())
        db.session.add(snapshot)
    snapshot.last_response_id = last_id
    snapshot.responses = len(frame)
    db.session.flush()
    for start in range(0, len(scores), 5000):
        db.session.execute(insert(ProviderScore.__table__),
                           [{"snapshot_id": snapshot.id, **row} for row in scores[start:start + 5000]])
    for start in range(0, len(groups), 5000):
        db.session.execute(insert(GroupScore.__table__),
                           [{"snapshot_id": snapshot.id, **row} for row in groups[start:start + 5000]])
    snapshot.status = "done"
    snapshot.finished_at = utcnow()
    _forget_old_snapshots(snapshot.id)
    db.session.flush()
    if echo:
        echo(f"{len(frame)} responses → {len(scores)} provider scores, {len(groups)} group scores; "
             f"snapshot {snapshot.id} done in {time.monotonic() - started:.1f} s.")
    return snapshot


def _forget_old_snapshots(newest_id: int) -> None:
    keep = select(ScoreSnapshot.id).where(ScoreSnapshot.status == "done").order_by(
        ScoreSnapshot.id.desc()).limit(KEEP_SNAPSHOTS)
    kept = set(db.session.scalars(keep)) | {newest_id}
    old = list(db.session.scalars(select(ScoreSnapshot.id).where(ScoreSnapshot.id.not_in(kept),
                                                                  ScoreSnapshot.status != "running")))
    if old:
        db.session.execute(delete(GroupScore).where(GroupScore.snapshot_id.in_(old)))
        db.session.execute(delete(ProviderScore).where(ProviderScore.snapshot_id.in_(old)))
        db.session.execute(delete(ScoreSnapshot).where(ScoreSnapshot.id.in_(old)))


def latest_snapshot() -> ScoreSnapshot | None:
    return db.session.scalar(
        select(ScoreSnapshot).where(ScoreSnapshot.status == "done").order_by(ScoreSnapshot.id.desc()).limit(1)
    )


def new_responses_since(snapshot: ScoreSnapshot | None) -> int:
    last = snapshot.last_response_id if snapshot else 0
    return db.session.scalar(select(func.count()).select_from(Response).where(Response.id > last)) or 0


def refresh_if_stale(app: Flask) -> bool:
    """Start a background refresh when there are newer responses and none is running; True if started."""
    if not app.config.get("SAPA_AUTO_REFRESH_SCORES", True):
        return False
    snapshot = latest_snapshot()
    if snapshot is not None and utcnow() - (snapshot.finished_at or snapshot.started_at) < MINIMUM_INTERVAL:
        return False
    if not new_responses_since(snapshot):
        return False
    running = db.session.scalar(
        select(func.count()).select_from(ScoreSnapshot).where(
            ScoreSnapshot.status == "running", ScoreSnapshot.started_at > utcnow() - RUNNING_TIMEOUT)
    )
    if running:
        return False
    thread = threading.Thread(target=_refresh_in_background, args=(app,), daemon=True, name="sapa-refresh")
    thread.start()
    return True


def _refresh_in_background(app: Flask) -> None:
    with app.app_context():
        try:
            # A committed "running" marker first, so other workers do not start a second refresh.
            marker = ScoreSnapshot(status="running", started_at=utcnow())
            db.session.add(marker)
            db.session.commit()
            refresh_scores(snapshot=marker)
            db.session.commit()
        except Exception:  # noqa: BLE001 - a failed refresh must never take a worker down
            db.session.rollback()
            current_app.logger.exception("Score refresh failed")
            _mark_failed()
        finally:
            db.session.remove()


def _mark_failed() -> None:
    try:
        for stuck in db.session.scalars(select(ScoreSnapshot).where(ScoreSnapshot.status == "running")):
            stuck.status = "failed"
        db.session.commit()
    except Exception:  # noqa: BLE001
        db.session.rollback()
