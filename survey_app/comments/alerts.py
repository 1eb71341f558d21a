"""Safeguarding alerts raised from comments: as a response is stored, and by ``flask scan-comments``.

``alert_new_comments(comments)`` is called by every path that stores responses (the web survey, the
JSON submissions, paper keying and file imports: ``survey_app.responses.store``) inside their own
transaction, so a response and its alert are stored together or not at all.
``raise_safeguarding_alerts(response_ids)`` does the same for stored responses, read back by their ids;
``scan_comments`` looks at every comment without an alert (after the word list changed, or for
responses stored before this feature); both skip comments that already have one, so running them
again adds nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from datetime import datetime, time
from pathlib import Path

from flask import current_app
from sqlalchemy import exists, insert, select, tuple_

from survey_app.comments.safeguarding import WordList, build_word_list
from survey_app.extensions import db
from survey_app.models import Answer, Item, Response, SafeguardingAlert
from survey_app.models.base import today

CHUNK = 500
SCAN_CHUNK = 5000
_CACHE_KEY = "sapa_safeguarding_words"


def word_list() -> WordList:
    """The application's word list (defaults and configuration), compiled once per configuration."""
    config = current_app.config
    path = config.get("SAPA_SAFEGUARDING_WORDS_FILE")
    signature = (
        json.dumps(config.get("SAPA_SAFEGUARDING_WORDS") or {}, sort_keys=True, ensure_ascii=False, default=list),
        str(path or ""),
        Path(path).stat().st_mtime if path else None,
        bool(config.get("SAPA_SAFEGUARDING_DEFAULTS", True)),
    )
    cached = current_app.extensions.get(_CACHE_KEY)
    if cached is None or cached[0] != signature:
        words = build_word_list(config.get("SAPA_SAFEGUARDING_WORDS") or {}, [path] if path else [],
                                defaults=signature[3])
        cached = (signature, words)
        current_app.extensions[_CACHE_KEY] = cached
    return cached[1]


def _without_alert():
    return ~exists().where(SafeguardingAlert.response_id == Answer.response_id,
                           SafeguardingAlert.item_id == Answer.item_id)


def _comments():
    """Open answers (items of type text) with their response's provider and campaign."""
    return (
        select(Answer.response_id, Answer.item_id, Answer.text, Response.provider_id, Response.campaign_id)
        .join(Item, Item.id == Answer.item_id)
        .join(Response, Response.id == Answer.response_id)
        .where(Item.type == "text", Answer.text.is_not(None), _without_alert())
    )


def _alert_rows(rows: Iterable, words: WordList) -> list[dict]:
    # The day only: a time next to an alert made with its response would tell when it was given.
    created_at = datetime.combine(today(), time())
    alerts = []
    for response_id, item_id, text, provider_id, campaign_id in rows:
        concepts = words.matches(text)
        if concepts:
            alerts.append({"response_id": response_id, "item_id": item_id, "provider_id": provider_id,
                           "campaign_id": campaign_id, "matched_terms": " ".join(concepts)[:400],
                           "created_at": created_at, "status": "open"})
    return alerts


def _store(alerts: list[dict]) -> int:
    if alerts:
        db.session.execute(insert(SafeguardingAlert.__table__), alerts)
    return len(alerts)


def alert_new_comments(comments: Iterable[tuple[int, int, str, int, int]]) -> int:
    """Alerts for comments stored with their responses just now, given as (response, item, text, provider,
    campaign) — nothing read back, and none has an alert yet; how many were made."""
    return _store(_alert_rows(comments, word_list()))


def raise_safeguarding_alerts(response_ids: Iterable[int]) -> int:
    """Alerts for the comments of these (just stored) responses that match the word list; how many."""
    ids = list(response_ids)
    if not ids:
        return 0
    words = word_list()
    made = 0
    for start in range(0, len(ids), CHUNK):
        rows = db.session.execute(_comments().where(Answer.response_id.in_(ids[start:start + CHUNK]))).all()
        made += _store(_alert_rows(rows, words))
    return made


def scan_comments(campaign_id: int | None = None, echo: Callable[[str], None] | None = None) -> int:
    """Alerts for every stored comment that matches and has none yet (idempotent); how many were made.

    Comments are read a chunk at a time in key order, so memory stays flat however many there are.
    """
    words = word_list()
    query = _comments().order_by(Answer.response_id, Answer.item_id).limit(SCAN_CHUNK)
    if campaign_id is not None:
        query = query.where(Response.campaign_id == campaign_id)
    scanned = made = 0
    after: tuple[int, int] | None = None
    while True:
        chunk = query if after is None else query.where(tuple_(Answer.response_id, Answer.item_id) > tuple_(*after))
        rows = db.session.execute(chunk).all()
        if not rows:
            break
        scanned += len(rows)
        made += _store(_alert_rows(rows, words))
        after = (rows[-1].response_id, rows[-1].item_id)
    db.session.flush()
    if echo is not None:
        echo(f"{scanned} comments without an alert scanned; {made} safeguarding alerts raised.")
    return made
