"""The application factory and configuration from the environment."""

from __future__ import annotations

import sqlite3

import pytest
from flask import Flask

from survey_app import create_app
from survey_app.config import Config, ProductionConfig, TestConfig, load_config, normalise_database_url

STRONG_KEY = "9f1c2e7a" * 8


def test_factory_builds_a_test_app():
    app = create_app(TestConfig())
    assert isinstance(app, Flask)
    assert app.testing
    assert {"main"} <= set(app.blueprints)
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite://"


def test_embedded_default_needs_no_configuration(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SAPA_INSTANCE_PATH", str(tmp_path))
    config = load_config(None)
    assert config.NAME == "embedded"
    assert config.SQLALCHEMY_DATABASE_URI == f"sqlite:///{tmp_path / 'sapa.sqlite3'}"
    assert len(config.SECRET_KEY) >= 64
    # The generated key is kept, so sessions survive a restart.
    assert Config().SECRET_KEY == config.SECRET_KEY


def test_embedded_sqlite_uses_wal_and_a_busy_timeout(tmp_path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("SAPA_INSTANCE_PATH", str(tmp_path))
    app = create_app("embedded")
    from survey_app.extensions import db

    with app.app_context():
        with db.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
            assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert sqlite3.connect(tmp_path / "sapa.sqlite3").execute("PRAGMA journal_mode").fetchone()[0] == "wal"


@pytest.mark.parametrize("secret", [None, "", "dev", "short-key"])
def test_production_refuses_to_start_without_a_real_secret_key(monkeypatch, secret):
    monkeypatch.setenv("DATABASE_URL", "postgresql://sapa@db/sapa")
    if secret is None:
        monkeypatch.delenv("SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("SECRET_KEY", secret)
    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app("production")


def test_production_refuses_to_start_without_a_database(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(RuntimeError, match="DATABASE_URL"):
        create_app("production")


def test_production_starts_with_both(monkeypatch):
    monkeypatch.setenv("SECRET_KEY", STRONG_KEY)
    monkeypatch.setenv("DATABASE_URL", "postgres://sapa:pw@db.internal/sapa")
    monkeypatch.setenv("SAPA_ENV", "production")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://sapa:pw@db.internal/sapa"
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert isinstance(load_config("production"), ProductionConfig)


def test_unknown_environment_is_refused():
    with pytest.raises(RuntimeError, match="Unknown SAPA_ENV"):
        load_config("staging")


def test_database_url_normalised_for_psycopg3():
    assert normalise_database_url("postgresql://a@b/c") == "postgresql+psycopg://a@b/c"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"
