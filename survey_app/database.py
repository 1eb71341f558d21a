"""Database behaviour shared by every request: SQLite pragmas, one commit per request, and ids in paths that
a database can hold."""

from __future__ import annotations

import sqlite3

from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.routing import IntegerConverter

from survey_app.extensions import db

SQLITE_BUSY_TIMEOUT_MS = 10_000
# The largest id either database holds: ids are INTEGER columns, 32 bits in PostgreSQL (SQLite's go to 2**63 - 1).
MAX_INTEGER = 2**31 - 1


class DatabaseInteger(IntegerConverter):
    """``<int:…>`` in every route: a number beyond ``MAX_INTEGER`` names no row, so the path matches nothing
    (404). Looked up, PostgreSQL refuses it ("integer out of range") and so does SQLite beyond 2**63 - 1
    (OverflowError): a server error on every page with an id."""

    def __init__(self, map, fixed_digits=0, min=None, max=MAX_INTEGER, signed=False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)


def database_integer(text: str) -> int:
    """A query argument's id, for ``request.args.get(name, type=database_integer)``: beyond ``MAX_INTEGER`` it is
    no id (``ValueError``: the argument's default), as in a path."""
    number = int(text)
    if abs(number) > MAX_INTEGER:
        raise ValueError(f"{text[:20]}… is beyond any id")
    return number


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record) -> None:
    """WAL (readers never block the writer), a busy timeout, and foreign keys switched on."""
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin, so that SAVEPOINTs
    # (nested transactions) work as documented (SQLAlchemy's "pysqlite serializable" recipe).
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    if connection.dialect.name == "sqlite":
        # A request that changes data takes the write lock at once and waits its turn (busy timeout):
        # a deferred transaction that read first fails outright with "database is locked" when it
        # then writes after another writer committed (SQLITE_BUSY_SNAPSHOT in WAL mode).
        writing = has_request_context() and request.method not in ("GET", "HEAD", "OPTIONS")
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseInteger  # before the blueprints' routes are added

    @app.after_request
    def commit_once(response):
        """Services flush; the request commits once at its end, and only when it succeeded."""
        if response.status_code < 400:
            db.session.commit()
        else:
            db.session.rollback()
        return response

    @app.teardown_request
    def roll_back_on_error(exc) -> None:
        if exc is not None:
            db.session.rollback()
