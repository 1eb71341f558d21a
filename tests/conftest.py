"""Fixtures: ``app``, ``db`` (one transaction rolled back per test), ``client``, ``runner``, and the
same on a throwaway PostgreSQL (``pg_app``, ``pg_db``). In CI a missing PostgreSQL or Chromium fails
the run instead of skipping it."""

from __future__ import annotations

import os

import pytest
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy.orm import scoped_session, sessionmaker

from survey_app import create_app
from survey_app.config import TestConfig
from survey_app.extensions import db as _db
from survey_app.instruments.runtime import clear_cache
from tests.support.clients import RequestContextClient
from tests.support.postgres import PostgresUnavailable, start_cluster

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def unavailable(reason: str):
    """Skip on a developer's machine; fail in CI, where everything must run."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this must not be skipped)", pytrace=False)
    pytest.skip(reason)


def _make_app(database_url: str | None = None, **overrides):
    config = TestConfig(database_url)
    for key, value in overrides.items():
        setattr(config, key, value)
    app = create_app(config)
    app.test_client_class = RequestContextClient
    with app.app_context():
        _db.create_all()
    return app


@pytest.fixture(scope="session")
def app():
    return _make_app()


def _transactional(application):
    """Bind the session to one outer transaction; every commit inside becomes a savepoint."""
    with application.app_context():
        connection = _db.engine.connect()
        transaction = connection.begin()
        original = _db.session
        # A plain Session: Flask-SQLAlchemy's own picks its engine itself and would ignore ``bind``.
        _db.session = scoped_session(
            sessionmaker(bind=connection, join_transaction_mode="create_savepoint"), scopefunc=_app_ctx_id
        )
        clear_cache()
        try:
            yield _db
        finally:
            _db.session.remove()
            transaction.rollback()
            connection.close()
            _db.session = original
            clear_cache()


@pytest.fixture
def db(app):
    yield from _transactional(app)


@pytest.fixture
def client(app, db):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def postgres():
    try:
        cluster = start_cluster()
    except PostgresUnavailable as error:
        unavailable(str(error))
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_app(postgres):
    application = _make_app(postgres.create_database("sapa_test"))
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def pg_db(pg_app):
    yield from _transactional(pg_app)


def app_in_transaction(request, database: str):
    """The ``app`` (SQLite) or ``pg_app`` (PostgreSQL) fixture's application, with its ``db`` or ``pg_db``
    transaction open for the test (rolled back at its end) — a directory's own ``app`` and ``pg_app`` if it has them."""
    request.getfixturevalue("db" if database == "sqlite" else "pg_db")
    return request.getfixturevalue("app" if database == "sqlite" else "pg_app")


@pytest.fixture(params=["sqlite", "postgresql"])
def any_db(request):
    """The same test on the embedded SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        yield request.getfixturevalue("db")
    else:
        yield request.getfixturevalue("pg_db")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium per test process, shared by every test that drives a browser.

    In CI a missing Chromium fails the run (``unavailable``); on a developer's machine the tests are skipped.
    """
    from tests.browser.server import chromium_path, launch

    path = chromium_path()
    if path is None:
        unavailable("Chromium was not found (set CHROMIUM_PATH, or install the chromium package)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed (requirements-test.txt)")
    playwright = sync_playwright().start()
    try:
        chromium = launch(playwright, path)
    except Exception as error:  # any failure to start means there is no browser to test with
        playwright.stop()
        unavailable(f"Chromium at {path} could not be started: {error}")
    yield chromium
    chromium.close()
    playwright.stop()
