"""Benchmark only — never in the product: Sapa's application plus one bare endpoint that stores one
row, the floor a full submission is compared with in ``bench_submit.py``.

``POST /bench/bare`` reads the JSON body's ``submission_key`` and inserts it into a small table of its
own, through the same stack as a submission (gunicorn, Flask with every hook of the app, a
SQLAlchemy session, one commit per request, PostgreSQL). Serve it with
``gunicorn --pythonpath benchmarks bare_wsgi:app``.
"""

from __future__ import annotations

from flask import request
from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, insert, text

from survey_app import create_app
from survey_app.extensions import csrf, db

metadata = MetaData()
bare_rows = Table(
    "bench_bare_row", metadata,
    Column("id", Integer, primary_key=True),
    Column("submission_key", String(40), nullable=False, unique=True),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
)

app = create_app()


@app.post("/bench/bare")
@csrf.exempt
def bare():
    payload = request.get_json(silent=True)
    key = payload.get("submission_key") if isinstance(payload, dict) else None
    if not isinstance(key, str) or not key:
        return {"status": "refused"}, 400
    db.session.execute(insert(bare_rows).values(submission_key=key[:40]))
    return {"status": "stored"}, 201


with app.app_context(), db.engine.begin() as connection:
    if connection.dialect.name == "postgresql":  # two workers start at once: one creates the table
        connection.execute(text("SELECT pg_advisory_xact_lock(727274)"))
    metadata.create_all(connection)
