"""Backups' world: a migrated SQLite file filled by the demo seeder (a dozen providers, every table it knows) plus
rows that test exactness (text PKs whose order differs between collations, a child region stored before its
parent, JSON null, microseconds, a 0.30000000000000004, a large budget), backed up once per module.

``fresh_database("sqlite" | "postgresql")`` gives a new, empty database migrated to the head (or a given
revision) as an app; PostgreSQL comes from the session's throwaway cluster, and in CI its absence fails.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from unittest.mock import patch

import pytest
from argon2 import PasswordHasher
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import Text, cast, select, update

from survey_app import create_app
from survey_app.config import TestConfig
from survey_app.demo import seed
from survey_app.extensions import db
from survey_app.instruments.runtime import clear_cache
from survey_app.models import (
    AdministrativeFigure,
    CampaignProvider,
    Contract,
    ContractTarget,
    Provider,
    Region,
    SurveyDraft,
)
from survey_app.models.users import LoginAttempt

CHEAP_HASH = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash("backup-password")
TRICKY_NAME = 'Центр «Мейірім» "quoted"\nsecond line\t\\ 😀 ʼ'
DRAFT_IDS = ("B-draft", "a-draft", "Ä-draft", "_draft", "Z-draft")  # C order differs from a linguistic one
BUDGET = Decimal("98765432109.87")
MICROSECONDS = datetime(2026, 3, 1, 12, 30, 45, 123456)
_numbers = itertools.count(1)


@dataclass
class Source:
    app: Flask
    archive: Path


def make_app(url: str, revision: str = "head") -> Flask:
    app = create_app(TestConfig(url))
    with app.app_context():
        if revision:
            upgrade(revision=revision)
    return app


def dispose(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def _few_providers(generate):
    """The demo's providers cut to a dozen: the demo manager's own, five more in Kazakhstan, six in Ukraine."""
    def few(rng, dimensions):
        everyone = generate(rng, dimensions)
        manager = [p for p in everyone if p.code == "kz-ngo-crisis-001"]
        kazakh = [p for p in everyone if p.region_code.startswith("kz") and p not in manager][:5]
        ukrainian = [p for p in everyone if p.region_code.startswith("ua")][:6]
        return manager + kazakh + ukrainian
    return few


def _plant_exact_values() -> None:
    oblast = Region(id=10_001, code="backup-oblast", country="UA", kind="oblast")
    oblast.set_names({"kk": "Облыс", "ru": "Область", "uk": "Область", "en": "Oblast"})
    hromada = Region(id=10_000, code="backup-hromada", country="UA", kind="hromada", parent=oblast)
    hromada.set_names({"kk": "Громада", "ru": "Громада", "uk": "Громада", "en": "Hromada"})
    db.session.add_all([oblast, hromada])
    db.session.add(LoginAttempt(client="f" * 64, attempted_at=MICROSECONDS))
    participant = db.session.scalars(select(CampaignProvider).order_by(CampaignProvider.id)).first()
    answers = [{"easy": 5, "note": TRICKY_NAME, "ratio": 0.1, "nested": [1, None, True]}, None, {}, {"x": []}, {"y": 1}]
    for draft_id, value in zip(DRAFT_IDS, answers, strict=True):
        db.session.add(SurveyDraft(id=draft_id, participant=participant, mode="web", language="kk",
                                   submission_key=f"key-{draft_id}", answers=value, created_at=MICROSECONDS,
                                   expires_at=MICROSECONDS + timedelta(days=1)))
    db.session.flush()
    first = select(Provider.id).order_by(Provider.id).limit(1).scalar_subquery()
    db.session.execute(update(Provider).where(Provider.id == first).values(name=TRICKY_NAME))
    db.session.execute(update(Contract).where(Contract.id == select(Contract.id).order_by(Contract.id).limit(1)
                                              .scalar_subquery()).values(budget=BUDGET))
    db.session.execute(update(AdministrativeFigure).values(value=0.1 + 0.2))
    db.session.execute(update(ContractTarget).where(ContractTarget.baseline.is_(None)).values(baseline=1e-300))


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Source:
    folder = tmp_path_factory.mktemp("backup-source")
    app = make_app(f"sqlite:///{folder / 'source.sqlite3'}")
    clear_cache()
    with app.app_context():
        with patch.object(seed, "generate_providers", _few_providers(seed.generate_providers)), \
                patch("survey_app.auth.services.hash_password", return_value=CHEAP_HASH):
            seed.seed_demo(echo=lambda *args: None)
        _plant_exact_values()
        db.session.commit()
    clear_cache()
    archive = folder / "sapa-backup.zip"
    result = app.test_cli_runner().invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    yield Source(app, archive)
    dispose(app)


def linguistic_database(cluster, name: str) -> str:
    """A database whose text sorts the linguistic way ("a" before "B"), as production databases usually do.

    The test cluster's own default is C (byte order, as SQLite sorts), which would hide a backup that
    forgot to ask for byte order. Needs PostgreSQL 15 with ICU; otherwise the cluster's default.
    """
    import psycopg

    url = cluster.create_database(name)
    with psycopg.connect(f"host=127.0.0.1 port={cluster.port} user=postgres dbname=postgres",
                         autocommit=True) as connection:
        try:
            connection.execute(f'DROP DATABASE "{name}"')
            connection.execute(f"CREATE DATABASE \"{name}\" TEMPLATE template0 LOCALE_PROVIDER icu "
                               "ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
        except psycopg.Error:
            connection.execute(f'CREATE DATABASE "{name}"')
    return url


@pytest.fixture
def fresh_database(request, tmp_path):
    """A factory of new, empty databases migrated to ``revision`` (None: not migrated at all)."""
    made = []

    def fresh(kind: str, revision: str | None = "head") -> Flask:
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / f'fresh-{next(_numbers)}.sqlite3'}"
        else:
            url = linguistic_database(request.getfixturevalue("postgres"), f"sapa_backup_{next(_numbers)}")
        app = make_app(url, revision)
        made.append(app)
        return app

    yield fresh
    for app in made:
        dispose(app)


def json_texts(app: Flask) -> dict[str, str | None]:
    """The stored JSON text of each planted draft (SQL NULL and JSON null differ here)."""
    with app.app_context(), db.engine.connect() as connection:
        rows = connection.execute(select(SurveyDraft.id, cast(SurveyDraft.answers, Text))
                                  .where(SurveyDraft.id.in_(DRAFT_IDS)))
        return dict(rows.all())

