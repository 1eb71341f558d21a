"""Storing complete responses: the profile on the response row, every other answer as an answer row,
safeguarding alerts for comments that may reveal abuse — all in the caller's transaction.

The web survey, the JSON submission endpoint, paper keying and file imports all store through
``store_responses``, so a response means the same whatever way it came in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import bindparam, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite

from survey_app.comments.alerts import alert_new_comments
from survey_app.extensions import db
from survey_app.instruments.runtime import (
    NOT_APPLICABLE,
    CompiledInstrument,
    Question,
    compiled_instrument,
    compiled_version,
)
from survey_app.models import Answer, CampaignProvider, RecipientCategory, Response
from survey_app.responses.validation import MAX_TEXT_ANSWER

PROFILE_COLUMNS = ("age_band", "sex", "recipient_category", "self_rated_health", "assistance")


@dataclass(frozen=True)
class ParticipantContext:
    """What storing a response needs of its participant, read as columns instead of ORM objects (the JSON
    endpoint reads it in one query); ``store_responses`` takes it wherever it takes a ``CampaignProvider``."""

    id: int
    campaign_id: int
    provider_id: int
    instrument_version_id: int
    status: str  # of the instrument version
    published_at: datetime | None  # of the instrument version: with its id, the instrument that checked the answers
    context: dict[str, str]  # as context_values makes it

    @property
    def instrument(self) -> CompiledInstrument:
        """From the compiled instruments' own cache (which tests clear when they make a new database)."""
        return compiled_version(self.instrument_version_id, self.status, self.published_at)


def context_values(participant: CampaignProvider | ParticipantContext) -> dict[str, str]:
    """What the instrument's skip logic may know about where the questionnaire is answered."""
    if isinstance(participant, ParticipantContext):
        return dict(participant.context)
    provider = participant.provider
    return {
        "provider_setting": provider.setting,
        "provider_standards": " ".join(sorted(standard.code for standard in provider.standards)),
        "country": participant.campaign.country,
    }


def shown_questions(instrument: CompiledInstrument, values: dict) -> list[Question]:
    """The questions a respondent with these answers (and context) is asked, in order."""
    return instrument.shown_questions(values)


def profile_columns(instrument: CompiledInstrument, values: dict, answers: dict,
                    shown: list[Question] | None = None) -> dict:
    """The respondent profile for the response row (never stored as answers); the recipient category
    as its code, which the insert turns into the category's id. ``shown``: ``shown_questions`` if known."""
    profile: dict[str, object] = dict.fromkeys(PROFILE_COLUMNS)
    for question in shown_questions(instrument, values) if shown is None else shown:
        field = question.profile_field
        value = answers.get(question.name)
        if not field or value in (None, NOT_APPLICABLE):
            continue
        if field == "self_rated_health":
            option = question.option(value)
            profile["self_rated_health"] = option.score if option else None
        else:
            profile[field] = value
    return profile


def answer_rows(instrument: CompiledInstrument, values: dict, answers: dict, response_id: int,
                shown: list[Question] | None = None) -> list[dict]:
    """One row per answered question that was asked (answers to skipped questions are dropped).
    ``shown``: ``shown_questions`` if known."""
    rows = []
    for question in shown_questions(instrument, values) if shown is None else shown:
        value = answers.get(question.name)
        if question.profile_field or value in (None, "", []) or question.type == "note":
            continue
        row = {"response_id": response_id, "item_id": question.id, "choice": None, "score": None,
               "number": None, "text": None}
        if question.type == "select_one":
            option = question.option(value)
            if option is None:
                continue
            row["choice"], row["score"] = option.name, option.score
        elif question.type == "select_multiple":
            row["choice"] = " ".join(value)
        elif question.type in ("integer", "decimal", "range"):
            row["number"] = float(value)
        else:
            row["text"] = str(value)[:MAX_TEXT_ANSWER]
        rows.append(row)
    return rows


@dataclass(frozen=True)
class PreparedResponse:
    """A complete, checked questionnaire ready to store."""

    participant: CampaignProvider | ParticipantContext
    answers: dict
    language: str
    mode: str
    submitted_on: date
    submission_key: str
    paper_batch: str | None = None
    shown: list[Question] | None = None  # the questions these answers (and context) are asked, if known


class ParticipantChanged(Exception):
    """The participant a submission was checked against is no longer as it was (its campaign closed, its
    provider re-described, another instrument): nothing was stored; check the answers again."""


def store_submission(item: PreparedResponse) -> int | None:
    """One submission whose participant was read before its answers were checked: its response id, or None
    when its key was stored before (a retry).

    PostgreSQL: one statement (``_SUBMISSION``) stores the response and its answers on condition that the
    participant is still what the answers were checked against — the campaign open on the day, the same
    instrument version as published then, the provider's setting and standards, the campaign's country —
    and raises ``ParticipantChanged`` when it is not, storing nothing; so the participant may be one kept
    in memory. Other databases: ``store_responses`` (the caller read the participant in this transaction).
    """
    participant = item.participant
    db.session.flush()  # as the session would before a statement of its own
    connection = db.session.connection()
    if not isinstance(participant, ParticipantContext) or connection.dialect.name != "postgresql":
        stored = store_responses([item], skip_stored=True)
        return stored[0] if stored else None
    instrument = participant.instrument
    values = {**participant.context, **item.answers}
    shown = shown_questions(instrument, values) if item.shown is None else item.shown
    answers = answer_rows(instrument, values, item.answers, None, shown)
    response_id, current = connection.exec_driver_sql(_submission_sql(connection.dialect), {
        **participant.context, **profile_columns(instrument, values, item.answers, shown),
        "participant_id": participant.id, "instrument_version_id": participant.instrument_version_id,
        "published_at": participant.published_at, "submission_key": item.submission_key,
        "language": item.language, "mode": item.mode, "submitted_on": item.submitted_on,
        "paper_batch": item.paper_batch, "answers": _answers_json(answers),
    }).one()
    if not current:
        raise ParticipantChanged()
    if response_id is not None:
        _alert_comments([dict(row, response_id=response_id) for row in answers],
                        {response_id: (participant.provider_id, participant.campaign_id)})
    return response_id


def store_responses(prepared: list[PreparedResponse], skip_stored: bool = False) -> list[int]:
    """Insert responses and their answers (one statement each, whatever their number); their ids.

    A submission key already taken raises ``IntegrityError`` at the insert: callers that may retry
    wrap this in a savepoint and treat that as "already stored". With ``skip_stored`` a taken key is
    left out instead (``ON CONFLICT DO NOTHING``, no savepoint needed) and only the ids of the
    responses stored now are returned.
    """
    if not prepared:
        return []
    rows, parts = [], []
    for item in prepared:
        participant = item.participant
        if isinstance(participant, ParticipantContext):
            instrument, version_id = participant.instrument, participant.instrument_version_id
        else:
            instrument = compiled_instrument(participant.campaign.instrument_version)
            version_id = participant.campaign.instrument_version_id
        values = {**context_values(participant), **item.answers}
        shown = shown_questions(instrument, values) if item.shown is None else item.shown
        rows.append({
            "submission_key": item.submission_key,
            "campaign_id": participant.campaign_id,
            "provider_id": participant.provider_id,
            "instrument_version_id": version_id,
            "language": item.language,
            "mode": item.mode,
            "submitted_on": item.submitted_on,
            "paper_batch": item.paper_batch,
            **profile_columns(instrument, values, item.answers, shown),
        })
        parts.append((instrument, values, item.answers, shown))
    # One statement for any number of responses; the category's id is looked up inside it. Core on the
    # session's connection (flushed first, as the session would): no ORM work on a statement of table columns.
    db.session.flush()
    connection = db.session.connection()
    id_of = dict(connection.execute(_response_insert(connection.dialect.name, skip_stored), rows).all())
    stored = [(part, id_of[row["submission_key"]]) for part, row in zip(parts, rows, strict=True)
              if row["submission_key"] in id_of]
    rows_of_answers = [row for (instrument, values, answers, shown), response_id in stored
                       for row in answer_rows(instrument, values, answers, response_id, shown)]
    if rows_of_answers:
        _insert_answers(connection, rows_of_answers)
    _alert_comments(rows_of_answers, {id_of[row["submission_key"]]: (row["provider_id"], row["campaign_id"])
                                      for row in rows if row["submission_key"] in id_of})
    return [response_id for _part, response_id in stored]


def _alert_comments(answers: list[dict], where: dict[int, tuple[int, int]]) -> None:
    """Comments that may reveal abuse: their alerts, in the same transaction. ``where``: each response's
    provider and campaign."""
    comments = [(row["response_id"], row["item_id"], row["text"], *where[row["response_id"]])
                for row in answers if row["text"] is not None]
    if comments:
        alert_new_comments(comments)


ANSWER_COLUMNS = ("response_id", "item_id", "choice", "score", "number", "text")
_ANSWER = Answer.__table__
# PostgreSQL: every answer of a batch in one statement, sent as one JSON parameter (json.dumps is C; psycopg
# dumps arrays element by element in Python) and read back into rows by json_to_recordset.
_ANSWERS_FROM_JSON = text(
    f"INSERT INTO answer ({', '.join(ANSWER_COLUMNS)}) SELECT {', '.join(ANSWER_COLUMNS)} "
    "FROM json_to_recordset(CAST(:rows AS json)) AS given("
    + ", ".join(f"{name} {_ANSWER.c[name].type.compile(dialect=postgresql.dialect())}" for name in ANSWER_COLUMNS)
    + ")"
)


_RESPONSE_VALUES = ("submission_key", "language", "mode", "submitted_on", "paper_batch",
                    *(name for name in PROFILE_COLUMNS if name != "recipient_category"))
_STANDARDS = 'string_agg(s.code, \' \' ORDER BY s.code COLLATE "C")'  # as Python's sorted() orders codes
_SUBMISSION = text(
    # The participant, if it is still what the answers were checked against (no row if not).
    "WITH participant AS (SELECT cp.campaign_id, cp.provider_id, c.instrument_version_id"
    " FROM campaign_provider cp JOIN campaign c ON c.id = cp.campaign_id"
    " JOIN instrument_version v ON v.id = c.instrument_version_id JOIN provider p ON p.id = cp.provider_id"
    " WHERE cp.id = :participant_id AND c.instrument_version_id = :instrument_version_id"
    " AND v.published_at IS NOT DISTINCT FROM :published_at"
    " AND c.closed_at IS NULL AND c.starts_on <= :submitted_on AND :submitted_on <= c.ends_on"
    " AND c.country IS NOT DISTINCT FROM :country AND p.setting IS NOT DISTINCT FROM :provider_setting"
    f" AND coalesce((SELECT {_STANDARDS} FROM provider_standard ps"
    " JOIN service_standard s ON s.id = ps.service_standard_id WHERE ps.provider_id = p.id), '')"
    " = :provider_standards),"
    # Its response, unless the key was stored before; the category's id looked up from its code.
    " stored AS (INSERT INTO response (campaign_id, provider_id, instrument_version_id, recipient_category_id, "
    + ", ".join(_RESPONSE_VALUES) + ") SELECT campaign_id, provider_id, instrument_version_id,"
    " (SELECT id FROM recipient_category WHERE code = :recipient_category), "
    + ", ".join(f":{name}" for name in _RESPONSE_VALUES)
    + " FROM participant ON CONFLICT (submission_key) DO NOTHING RETURNING id),"
    # Its answers, sent as one JSON parameter (as _ANSWERS_FROM_JSON).
    " answers AS (INSERT INTO answer (" + ", ".join(ANSWER_COLUMNS) + ") SELECT stored.id, "
    + ", ".join(f"given.{name}" for name in ANSWER_COLUMNS[1:])
    + " FROM stored CROSS JOIN json_to_recordset(CAST(:answers AS json)) AS given("
    + ", ".join(f"{name} {_ANSWER.c[name].type.compile(dialect=postgresql.dialect())}" for name in ANSWER_COLUMNS[1:])
    + ")) SELECT (SELECT id FROM stored) AS response_id, EXISTS (SELECT 1 FROM participant) AS current"
)


@lru_cache(maxsize=2)
def _submission_sql(dialect) -> str:
    """``_SUBMISSION`` in the driver's own parameter style, compiled once: run with ``exec_driver_sql``, which
    keeps SQLAlchemy's events, error translation and disconnect handling but not its per-call compiling and
    parameter processing (≈ 0.06 ms of a submission's ≈ 1 ms in the application)."""
    return str(_SUBMISSION.compile(dialect=dialect))


def _insert_answers(connection, rows: list[dict]) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(_ANSWERS_FROM_JSON, {"rows": _answers_json(rows)})
    else:
        connection.execute(insert(_ANSWER), rows)


def _answers_json(rows: list[dict]) -> str:
    # Numbers are finite (validation refuses NaN and infinities), so the JSON is valid.
    return json.dumps(rows, ensure_ascii=False, allow_nan=False)


@lru_cache(maxsize=8)
def _response_insert(dialect_name: str, skip_stored: bool):
    """The response insert, built once per dialect: building it (subquery, conflict clause, returning) cost
    more than running it. The recipient category's id is looked up inside it from its code."""
    table = Response.__table__
    category = RecipientCategory.__table__
    category_id = (select(category.c.id).where(category.c.code == bindparam("recipient_category"))
                   .scalar_subquery())
    if not skip_stored:
        statement = insert(table)
    else:
        dialect = {"postgresql": postgresql, "sqlite": sqlite}[dialect_name]
        statement = dialect.insert(table).on_conflict_do_nothing(index_elements=[table.c.submission_key])
    return statement.values(recipient_category_id=category_id).returning(table.c.submission_key, table.c.id)
