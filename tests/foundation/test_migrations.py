"""Migrations: exactly one head, and upgrading an empty database gives exactly the models' schema."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import upgrade

from survey_app import create_app
from survey_app.config import PROJECT_ROOT, TestConfig
from survey_app.extensions import db


def test_exactly_one_head():
    config = AlembicConfig(str(PROJECT_ROOT / "migrations" / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    heads = ScriptDirectory.from_config(config).get_heads()
    assert len(heads) == 1, f"several migration heads: {heads}"


def _upgrade_and_compare(database_url: str) -> list:
    app = create_app(TestConfig(database_url))
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


def test_upgrade_on_empty_sqlite_matches_the_models(tmp_path):
    assert _upgrade_and_compare(f"sqlite:///{tmp_path / 'empty.sqlite3'}") == []


@pytest.mark.postgres
def test_upgrade_on_empty_postgresql_matches_the_models(postgres):
    assert _upgrade_and_compare(postgres.create_database("sapa_migrations")) == []
