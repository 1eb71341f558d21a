"""``flask backup`` and ``flask restore``: every row back, exactly, on SQLite and PostgreSQL and across them;
refusals of a non-empty database, another revision and a changed archive, with nothing loaded."""

from __future__ import annotations

import hashlib
import json
import re
import stat
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import func, select

from survey_app.config import PROJECT_ROOT
from survey_app.extensions import db
from survey_app.maintenance.backup import row_decoder, row_encoder, write_backup
from survey_app.models import Contract, Provider, Region
from survey_app.models.users import LoginAttempt
from tests.maintenance.conftest import BUDGET, MICROSECONDS, TRICKY_NAME, json_texts

HEAD = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_current_head()
ENGINES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=list(args))


def contents(app) -> dict[str, list[dict]]:
    """Every row of every table, sorted by primary key in Python (the engines sort text differently)."""
    with app.app_context(), db.engine.connect() as connection:
        tables = {}
        for table in db.metadata.sorted_tables:
            keys = [column.name for column in table.primary_key.columns]
            rows = [row._asdict() for row in connection.execute(select(table))]
            tables[table.name] = sorted(rows, key=lambda row: tuple(row[key] for key in keys))
        return tables


def counts(app) -> dict[str, int]:
    with app.app_context():
        return {table.name: db.session.scalar(select(func.count()).select_from(table))
                for table in db.metadata.sorted_tables}


def manifest_of(archive: Path) -> dict:
    with zipfile.ZipFile(archive) as opened:
        return json.loads(opened.read("manifest.json"))


def rewrite(archive: Path, destination: Path, manifest=None, table: str | None = None, change=None,
            recount: bool = False) -> Path:
    """A copy of ``archive`` with its manifest edited by ``manifest`` and the lines of ``table`` by ``change``;
    ``recount``: the manifest records the changed table's new count and checksum (a forged archive)."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(destination, "w", zipfile.ZIP_DEFLATED) as target:
        contents = {info.filename: source.read(info.filename) for info in source.infolist()}
        if table:
            data = b"".join(change(contents[f"tables/{table}.jsonl"].splitlines(keepends=True)))
            contents[f"tables/{table}.jsonl"] = data
        edited = json.loads(contents["manifest.json"])
        if recount:
            entry = next(entry for entry in edited["tables"] if entry["name"] == table)
            entry["rows"], entry["sha256"] = data.count(b"\n"), hashlib.sha256(data).hexdigest()
        contents["manifest.json"] = json.dumps(manifest(edited) if manifest else edited).encode()
        for name, data in contents.items():
            target.writestr(name, data)
    return destination


def set_value(archive: Path, table: str, column: str, value):
    """A ``change`` for ``rewrite``: ``column`` of the table's first row set to ``value``."""
    names = [entry for entry in manifest_of(archive)["tables"] if entry["name"] == table][0]["columns"]
    position = [column_entry["name"] for column_entry in names].index(column)

    def change(lines):
        row = json.loads(lines[0])
        row[position] = value
        return [json.dumps(row, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"] + lines[1:]

    return change


def assert_same_rows(target, source, source_rows) -> None:
    restored = contents(target)
    assert {name: len(rows) for name, rows in restored.items()} == \
        {name: len(rows) for name, rows in source_rows.items()}
    for name, rows in source_rows.items():
        assert restored[name] == rows, f"table {name} differs after restore"
    assert json_texts(target) == json_texts(source.app)
    with target.app_context():
        assert db.session.get(Region, 10_000).parent_id == 10_001  # stored before its parent, restored after it
        assert db.session.scalar(select(Provider.name).order_by(Provider.id).limit(1)) == TRICKY_NAME


@pytest.fixture(scope="module")
def source_rows(source):
    return contents(source.app)


def test_values_keep_their_exact_type_and_value():
    kinds = ["integer", "text", "boolean", "float", "float", "float", "decimal", "date", "datetime", "time", "bytes",
             "json", "json", "float"]
    values = (7, 'a "b"\nc 😀', True, 0.1 + 0.2, float("inf"), float("nan"), Decimal("12.30"), date(2026, 2, 28),
              MICROSECONDS, time(23, 59, 1, 5), b"\x00\xffxlsx", "null", None, 1e-300)
    line = row_encoder(kinds)(values)
    assert line == ('[7,"a \\"b\\"\\nc 😀",true,0.30000000000000004,"Infinity","NaN","12.30","2026-02-28",'
                    '"2026-03-01T12:30:45.123456","23:59:01.000005","AP94bHN4","null",null,1e-300]\n').encode()
    [back] = row_decoder(kinds)([line])
    assert back[5] != back[5]  # NaN
    assert back[:5] + back[6:] == list(values[:5] + values[6:])
    assert [type(value) for value in back[6:11]] == [Decimal, date, datetime, time, bytes]


@pytest.mark.parametrize("line", [b'["7","x"]\n', b'[true,"x"]\n', b'[7,5]\n', b'[7]\n', b'[7,"x"],[8,"y"]\n'])
def test_a_value_of_the_wrong_type_is_refused(line):
    with pytest.raises(ValueError):
        row_decoder(["integer", "text"])([line])


def test_the_archive_holds_every_table_with_counts_and_checksums(source, source_rows):
    archive = source.archive
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert not archive.with_name(archive.name + ".part").exists()
    manifest = manifest_of(archive)
    assert (manifest["format"], manifest["format_version"], manifest["alembic_revision"]) == ("sapa-backup", 1, HEAD)
    assert manifest["source"]["engine"] == "sqlite" and manifest["sapa_version"]
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None
    with source.app.app_context():
        assert [entry["name"] for entry in manifest["tables"]] == [table.name for table in db.metadata.sorted_tables]
    with zipfile.ZipFile(archive) as opened:
        for entry in manifest["tables"]:
            data = opened.read(entry["file"])
            assert entry["rows"] == len(source_rows[entry["name"]]) == data.count(b"\n")
            assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    empty = [entry["name"] for entry in manifest["tables"] if entry["rows"] == 0]
    assert len(empty) <= 5, f"the source leaves too many tables empty: {empty}"


def test_restore_into_an_empty_sqlite_gives_every_row_back(source, source_rows, fresh_database):
    target = fresh_database("sqlite")
    result = run(target, "restore", str(source.archive))
    assert result.exit_code == 0, result.output
    for table in ("region", "response", "answer"):  # a line per table with its count
        assert re.search(rf"^  {table} +{len(source_rows[table]):,} rows", result.output, re.MULTILINE)
    assert "Checked: every table reads back exactly as backed up" in result.output
    assert_same_rows(target, source, source_rows)
    assert json_texts(target)["B-draft"].startswith("{") and json_texts(target)["a-draft"] == "null"


@pytest.mark.postgres
def test_restore_into_an_empty_postgresql_gives_every_row_back_and_fresh_ids(source, source_rows, fresh_database):
    target = fresh_database("postgresql")
    result = run(target, "restore", str(source.archive))
    assert result.exit_code == 0, result.output
    assert_same_rows(target, source, source_rows)
    with target.app_context():
        assert db.session.scalar(select(func.max(Region.id))) == 10_001
        assert BUDGET in db.session.scalars(select(Contract.budget)).all()
        # The sequences were moved past the restored ids: new rows get fresh ids instead of failing.
        region = Region(code="after-restore", country="KZ", kind="city")
        region.set_names({"kk": "Қала", "ru": "Город", "uk": "Місто", "en": "City"})
        attempt = LoginAttempt(client="e" * 64)
        db.session.add_all([region, attempt])
        db.session.commit()
        assert region.id == 10_002
        assert attempt.id == max(row["id"] for row in source_rows["login_attempt"]) + 1


@pytest.mark.postgres
def test_a_postgresql_backup_is_the_same_archive_and_restores_into_sqlite(source, source_rows, fresh_database,
                                                                       tmp_path):
    postgresql = fresh_database("postgresql")
    assert run(postgresql, "restore", str(source.archive)).exit_code == 0
    archive = tmp_path / "from-postgresql.zip"
    result = run(postgresql, "backup", str(archive))
    assert result.exit_code == 0, result.output
    made, original = manifest_of(archive), manifest_of(source.archive)
    assert made["source"]["engine"] == "postgresql"
    # Same rows in the same order, every value written the same way: the same file for every table.
    assert [(entry["name"], entry["rows"], entry["sha256"]) for entry in made["tables"]] == \
        [(entry["name"], entry["rows"], entry["sha256"]) for entry in original["tables"]]
    sqlite = fresh_database("sqlite")
    result = run(sqlite, "restore", str(archive))
    assert result.exit_code == 0, result.output
    assert_same_rows(sqlite, source, source_rows)


@pytest.mark.parametrize("engine", ENGINES)
def test_restore_refuses_a_database_that_is_not_empty(source, fresh_database, engine):
    target = fresh_database(engine)
    with target.app_context():
        db.session.add(LoginAttempt(client="d" * 64))
        db.session.commit()
    result = run(target, "restore", str(source.archive))
    assert result.exit_code == 1
    assert "This database is not empty (login_attempt: 1 row)" in result.output
    assert f"`flask db upgrade {HEAD}`" in result.output and "Traceback" not in result.output
    assert sum(counts(target).values()) == 1


def test_restore_refuses_another_revision(source, fresh_database, tmp_path):
    previous = ScriptDirectory(str(PROJECT_ROOT / "migrations")).get_revision(HEAD).down_revision
    older = fresh_database("sqlite", revision=previous)
    result = run(older, "restore", str(source.archive))
    assert result.exit_code == 1
    assert f"made from a database at revision {HEAD}, but this database is at revision {previous}" in result.output
    assert "Run `flask db upgrade` on it" in result.output

    bare = fresh_database("sqlite", revision=None)
    result = run(bare, "restore", str(source.archive))
    assert result.exit_code == 1
    assert "This database has not been migrated" in result.output and "`flask db upgrade`" in result.output

    current = fresh_database("sqlite")
    old_archive = rewrite(source.archive, tmp_path / "old.zip", manifest=lambda m: {**m, "alembic_revision": previous})
    result = run(current, "restore", str(old_archive))
    assert result.exit_code == 1
    assert f"`flask db upgrade {previous}`, restore into it, then run `flask db upgrade`" in result.output

    newer = rewrite(source.archive, tmp_path / "newer.zip", manifest=lambda m: {**m, "alembic_revision": "9999"})
    result = run(current, "restore", str(newer))
    assert result.exit_code == 1 and "made by a newer version" in result.output
    assert sum(counts(current).values()) == 0


def _changed_choice(lines):
    row = json.loads(lines[10])
    row[2] = "changed"  # answer.choice
    return lines[:10] + [json.dumps(row, separators=(",", ":")).encode() + b"\n"] + lines[11:]


def _missing_response(lines):
    row = json.loads(lines[10])
    row[0] = 99_999_999  # answer.response_id: no such response (the database would refuse it too)
    return lines[:10] + [json.dumps(row, separators=(",", ":")).encode() + b"\n"] + lines[11:]


def _text_for_a_number(lines):
    row = json.loads(lines[10])
    row[0] = "ten"  # answer.response_id as text: refused while decoding, in the middle of PostgreSQL's COPY
    return lines[:10] + [json.dumps(row, separators=(",", ":")).encode() + b"\n"] + lines[11:]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize(("change", "message"), [
    (_changed_choice, "table answer does not match the checksum in its manifest"),
    (_missing_response, "table answer does not match the checksum in its manifest"),
    (_text_for_a_number, "table answer does not match the checksum in its manifest"),
    (lambda lines: lines[:-1], "table answer holds"),
])
def test_a_changed_archive_is_refused_and_nothing_is_loaded(source, fresh_database, tmp_path, engine, change,
                                                            message):
    with zipfile.ZipFile(source.archive) as opened:
        assert json.loads(opened.read("tables/answer.jsonl").splitlines()[10])[2] != "changed"
    tampered = rewrite(source.archive, tmp_path / "tampered.zip", table="answer", change=change)
    target = fresh_database(engine)
    result = run(target, "restore", str(tampered))
    assert result.exit_code == 1
    assert "The backup is damaged or was changed after it was made" in result.output
    assert message in result.output and "Nothing was restored." in result.output
    assert "Traceback" not in result.output
    assert sum(counts(target).values()) == 0  # the tables loaded before "answer" were rolled back too


def test_a_file_that_is_not_a_backup_is_refused_in_plain_words(source, fresh_database, tmp_path):
    target = fresh_database("sqlite")
    text = tmp_path / "notes.txt"
    text.write_text("not an archive")
    other_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(other_zip, "w") as opened:
        opened.writestr("hello.txt", "hello")
    expected = {
        text: "is not a Sapa backup, or it is damaged",
        other_zip: "This file is not a Sapa backup: it holds no manifest.json.",
        tmp_path / "missing.zip": "There is no file",
        rewrite(source.archive, tmp_path / "v2.zip", manifest=lambda m: {**m, "format_version": 2}):
            "format version 2",
    }
    for path, message in expected.items():
        result = run(target, "restore", str(path))
        assert result.exit_code == 1 and message in result.output, result.output
        assert "Traceback" not in result.output
    assert sum(counts(target).values()) == 0


def test_backup_keeps_an_existing_file_unless_told_and_stays_private(source, tmp_path):
    archive = tmp_path / "daily.zip"
    archive.write_text("yesterday")
    archive.chmod(0o644)
    result = run(source.app, "backup", str(archive))
    assert result.exit_code == 1 and "exists already" in result.output
    assert archive.read_text() == "yesterday"
    result = run(source.app, "backup", str(archive), "--overwrite")
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
    assert "keep it as safely as the database" in result.output
    assert [entry["sha256"] for entry in manifest_of(archive)["tables"]] == \
        [entry["sha256"] for entry in manifest_of(source.archive)["tables"]]


def test_backup_of_a_database_never_migrated_is_refused(fresh_database, tmp_path):
    bare = fresh_database("sqlite", revision=None)
    result = run(bare, "backup", str(tmp_path / "nothing.zip"))
    assert result.exit_code == 1 and "has never been migrated" in result.output
    assert not (tmp_path / "nothing.zip").exists() and not (tmp_path / "nothing.zip.part").exists()


@pytest.mark.parametrize("engine", ENGINES)
def test_backup_reads_one_snapshot_while_the_app_writes(fresh_database, tmp_path, engine):
    app = fresh_database(engine)
    written = []

    def write_meanwhile(event, table, rows, seconds):
        if not written:  # after the first table, before login_attempt is read
            with app.app_context(), db.engine.begin() as connection:
                connection.execute(LoginAttempt.__table__.insert().values(client="c" * 64,
                                                                          attempted_at=MICROSECONDS))
            written.append(table)

    with app.app_context():
        manifest = write_backup(db.engine, tmp_path / "snapshot.zip", progress=write_meanwhile)
    assert written == ["indicator_definition"]
    assert {entry["name"]: entry["rows"] for entry in manifest["tables"]}["login_attempt"] == 0
    assert counts(app)["login_attempt"] == 1


@pytest.mark.parametrize("engine", ENGINES)
def test_a_forged_archive_that_the_database_refuses_loads_nothing(source, fresh_database, tmp_path, engine):
    forged = rewrite(source.archive, tmp_path / "forged.zip", table="answer", recount=True,
                     change=set_value(source.archive, "answer", "response_id", 99_999_999))
    target = fresh_database(engine)
    result = run(target, "restore", str(forged))
    assert result.exit_code == 1
    assert "The database refused a row of table answer" in result.output and "Nothing was restored." in result.output
    assert "Traceback" not in result.output
    assert sum(counts(target).values()) == 0


@pytest.mark.parametrize("engine", ENGINES)
def test_a_value_the_database_cannot_keep_exactly_is_caught_by_reading_back(source, fresh_database, tmp_path,
                                                                            engine):
    forged = rewrite(source.archive, tmp_path / "forged.zip", table="contract", recount=True,
                     change=set_value(source.archive, "contract", "budget", "12.345"))  # the column keeps 2 places
    target = fresh_database(engine)
    result = run(target, "restore", str(forged))
    assert result.exit_code == 1
    assert "Table contract does not read back exactly as it was backed up" in result.output
    assert sum(counts(target).values()) == 0
