"""Portable backups: every table in one zip archive that SQLite and PostgreSQL can both restore.

The archive (format 1) holds:

- ``manifest.json``: the format and its version, when the backup was made, the Sapa version, the
  source engine, the database's Alembic revision, and per table its file, its columns with their
  kinds, its row count and the SHA-256 of its file;
- ``tables/<table>.jsonl``: one JSON array per row, values in the manifest's column order, rows in
  primary-key order (text compared byte by byte on both engines, so both write the same file).

Values are kept exactly: text, integers and booleans as JSON; floats as their shortest exact
decimal (``"NaN"``, ``"Infinity"``, ``"-Infinity"`` as strings); decimals as strings; dates, times
and timestamps in ISO 8601; bytes in base64; JSON columns as the JSON text the database holds;
SQL NULL as ``null``. A backup reads every table in one transaction (one SQLite snapshot, one
PostgreSQL REPEATABLE READ READ ONLY transaction), so it is consistent while the app is serving.
Tables are streamed in batches; only the rows of a table that refers to itself (regions,
questionnaire items) are held in memory while restoring, to insert parents before children.

A restore refuses a database that is not at the archive's Alembic revision or not empty, checks
each table's row count and checksum while loading, reads every table back and compares it with
the archive, and commits once: on any failure nothing is restored.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import time
import tomllib
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as clock_time
from decimal import Decimal
from importlib import metadata as package_metadata
from pathlib import Path

from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import (
    Column,
    Connection,
    Engine,
    MetaData,
    Table,
    Text,
    cast,
    collate,
    func,
    literal,
    select,
)
from sqlalchemy import types as sqltypes
from sqlalchemy.exc import SQLAlchemyError

import survey_app.models  # noqa: F401  (every model's table on the metadata)
from survey_app.config import PROJECT_ROOT
from survey_app.extensions import db

FORMAT = "sapa-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH_ROWS = 2000

# progress(event, table, rows, seconds) with event "backup", "load" or "check", after each table.
Progress = Callable[[str, str, int, float], None]


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why and what to do, in plain words."""


@dataclass(frozen=True)
class TableResult:
    name: str
    rows: int
    seconds: float


@dataclass
class RestoreReport:
    tables: list[TableResult] = field(default_factory=list)
    load_seconds: float = 0.0
    check_seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(table.rows for table in self.tables)


# ---------------------------------------------------------------------------------------------------------------
# Values


# Order matters: a Float is a Numeric, JSON and Boolean are checked before the types they resemble.
_KINDS = (
    (sqltypes.JSON, "json"),
    (sqltypes.Boolean, "boolean"),
    (sqltypes.Integer, "integer"),
    (sqltypes.Float, "float"),
    (sqltypes.Numeric, "decimal"),
    (sqltypes.DateTime, "datetime"),
    (sqltypes.Date, "date"),
    (sqltypes.Time, "time"),
    (sqltypes.LargeBinary, "bytes"),
    (sqltypes.String, "text"),
)


def column_kind(column: Column) -> str:
    """How a column's values are written in the archive."""
    for type_class, kind in _KINDS:
        if isinstance(column.type, type_class):
            if kind == "decimal" and not column.type.asdecimal:
                return "float"
            return kind
    raise BackupError(f"Column {column.table.name}.{column.name} has a type ({column.type}) that backups cannot "
                      "keep exactly; teach survey_app/maintenance/backup.py about it.")


def _float_out(value) -> float | str:
    value = float(value)
    if math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")


def _float_in(value) -> float:
    if isinstance(value, str):
        if value not in ("NaN", "Infinity", "-Infinity"):
            raise ValueError(f"{value!r} is not a number")
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    return float(value)


def _text_in(value) -> str:
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not text")
    return value


def _iso(value) -> str:
    return value.isoformat()


# Text, integers, booleans and JSON text go into the archive as the driver gives them (see _PLAIN).
_ENCODERS = {
    "float": _float_out,
    "decimal": str,
    "datetime": _iso,
    "date": _iso,
    "time": _iso,
    "bytes": lambda value: base64.b64encode(bytes(value)).decode("ascii"),
}

# Text, integers, booleans and JSON text are only checked for their type (see row_decoder).
_DECODERS = {
    "float": _float_in,
    "decimal": lambda value: Decimal(_text_in(value)),
    "datetime": lambda value: datetime.fromisoformat(_text_in(value)),
    "date": lambda value: date.fromisoformat(_text_in(value)),
    "time": lambda value: clock_time.fromisoformat(_text_in(value)),
    "bytes": lambda value: base64.b64decode(_text_in(value), validate=True),
}


# Kinds whose values the database driver already gives as JSON-ready Python values.
_PLAIN = {"text", "integer", "boolean", "json"}
_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def row_encoder(kinds: list[str]) -> Callable[[tuple], bytes]:
    """A function from a row's values to its archive line: a compact JSON array, UTF-8, ending in a newline."""
    converted = [(index, _ENCODERS[kind]) for index, kind in enumerate(kinds) if kind not in _PLAIN]
    encode = _JSON.encode

    def line(values) -> bytes:
        row = list(values)
        for index, convert in converted:
            if row[index] is not None:
                row[index] = convert(row[index])
        return (encode(row) + "\n").encode("utf-8")

    return line


_PLAIN_TYPES = {"text": str, "integer": int, "boolean": bool, "json": str}


def row_decoder(kinds: list[str]) -> Callable[[list[bytes]], list[list]]:
    """A function from archive lines to rows of values ready for the database, checking each value's type."""
    plain = [(index, _PLAIN_TYPES[kind]) for index, kind in enumerate(kinds) if kind in _PLAIN]
    converted = [(index, _DECODERS[kind]) for index, kind in enumerate(kinds) if kind not in _PLAIN]
    width = len(kinds)
    decode = json.JSONDecoder().decode

    def rows(lines: list[bytes]) -> list[list]:
        # One JSON text per batch: far cheaper than a json.loads per line.
        decoded = decode("[" + b",".join(lines).decode("utf-8") + "]")
        if len(decoded) != len(lines):
            raise ValueError("a line holds more than one row")
        for row in decoded:
            if type(row) is not list or len(row) != width:
                raise ValueError(f"a row is not a list of {width} values")
            for index, expected in plain:
                if row[index] is not None and type(row[index]) is not expected:
                    raise ValueError(f"{row[index]!r} is not {_PLAIN_NAMES[expected]}")
            for index, convert in converted:
                if row[index] is not None:
                    row[index] = convert(row[index])
        return decoded

    return rows


_PLAIN_NAMES = {str: "text", int: "an integer", bool: "true or false"}


# ---------------------------------------------------------------------------------------------------------------
# Reading tables


def _tables(metadata: MetaData | None) -> list[Table]:
    """Every table of the models, parents before children."""
    return list((metadata or db.metadata).sorted_tables)


def _rows_query(connection: Connection, table: Table, columns: list[Column]):
    """The table's rows in primary-key order; text keys in byte order on PostgreSQL too (as SQLite sorts)."""
    postgresql = connection.dialect.name == "postgresql"
    selected = [cast(column, Text).label(column.name) if column_kind(column) == "json" else column
                for column in columns]
    keys = list(table.primary_key.columns) or [column for column in columns if column_kind(column) != "json"]
    order = [collate(key, "C") if postgresql and column_kind(key) == "text" else key for key in keys]
    return select(*selected).order_by(*order).execution_options(yield_per=BATCH_ROWS)


def table_lines(connection: Connection, table: Table, columns: list[Column]) -> Iterator[bytes]:
    """The table's archive lines, read in batches."""
    encode = row_encoder([column_kind(column) for column in columns])
    result = connection.execute(_rows_query(connection, table, columns))
    for batch in result.partitions():
        for values in batch:
            try:
                yield encode(values)
            except (TypeError, ValueError) as error:
                raise BackupError(f"Table {table.name} holds a value that cannot be written exactly ({error}).") \
                    from None


def current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def sapa_version() -> str | None:
    try:
        return package_metadata.version("sapa")
    except package_metadata.PackageNotFoundError:
        pass
    try:
        return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return None


def _pin_sqlite_snapshot(connection: Connection) -> None:
    """Open SQLite's read transaction now, so every table is read from the same snapshot.

    The app's "begin" listener (survey_app.database) already sent BEGIN; without it the sqlite3
    module would read in autocommit mode, one statement at a time.
    """
    raw = connection.connection.dbapi_connection
    if not raw.in_transaction:
        connection.exec_driver_sql("BEGIN")
    connection.exec_driver_sql("SELECT count(*) FROM sqlite_master").scalar()


# ---------------------------------------------------------------------------------------------------------------
# Backup


def write_backup(engine: Engine, path: Path, progress: Progress | None = None,
                 metadata: MetaData | None = None) -> dict:
    """Write the whole database to ``path`` (readable by its owner only); return the manifest.

    The archive is written under ``<path>.part`` and renamed once complete.
    """
    path = Path(path)
    tables = _tables(metadata)
    for table in tables:
        for column in table.columns:
            column_kind(column)  # an unknown type fails before anything is written
    partial = path.with_name(path.name + ".part")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as error:
        raise BackupError(f"Cannot write {partial}: {error.strerror}.") from None
    try:
        with os.fdopen(descriptor, "wb") as raw:
            os.fchmod(raw.fileno(), 0o600)  # an old .part file keeps its mode otherwise
            with zipfile.ZipFile(raw, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as archive:
                manifest = _write_tables(engine, archive, tables, progress)
                archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1) + "\n")
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(partial, path)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return manifest


def _write_tables(engine: Engine, archive: zipfile.ZipFile, tables: list[Table], progress: Progress | None) -> dict:
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
        with connection.begin():
            if connection.dialect.name == "sqlite":
                _pin_sqlite_snapshot(connection)
            revision = current_revision(connection)
            if revision is None:
                raise BackupError("This database has never been migrated (it has no Alembic revision), so there "
                                  "is nothing to back up. Check DATABASE_URL, or run `flask db upgrade`.")
            server = connection.dialect.server_version_info or ()
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "sapa_version": sapa_version(),
                "source": {"engine": connection.dialect.name, "server_version": ".".join(map(str, server))},
                "alembic_revision": revision,
                "tables": [],
            }
            for table in tables:
                manifest["tables"].append(_write_table(connection, archive, table, progress))
    return manifest


def _write_table(connection: Connection, archive: zipfile.ZipFile, table: Table, progress: Progress | None) -> dict:
    started = time.monotonic()
    columns = list(table.columns)
    name = f"tables/{table.name}.jsonl"
    digest = hashlib.sha256()
    rows = 0
    with archive.open(name, "w", force_zip64=True) as member:
        buffer = []
        for line in table_lines(connection, table, columns):
            digest.update(line)
            buffer.append(line)
            rows += 1
            if len(buffer) >= BATCH_ROWS:
                member.write(b"".join(buffer))
                buffer.clear()
        member.write(b"".join(buffer))
    if progress:
        progress("backup", table.name, rows, time.monotonic() - started)
    return {
        "name": table.name,
        "file": name,
        "columns": [{"name": column.name, "kind": column_kind(column)} for column in columns],
        "rows": rows,
        "sha256": digest.hexdigest(),
    }


# ---------------------------------------------------------------------------------------------------------------
# Reading an archive


@contextmanager
def open_archive(path: Path) -> Iterator[tuple[zipfile.ZipFile, dict]]:
    """The archive and its checked manifest."""
    try:
        with zipfile.ZipFile(path) as archive:
            yield archive, read_manifest(archive)
    except zipfile.BadZipFile as error:
        raise BackupError(f"{path} is not a Sapa backup, or it is damaged ({error}).") from None
    except FileNotFoundError:
        raise BackupError(f"There is no file {path}.") from None
    except PermissionError:
        raise BackupError(f"{path} cannot be read: permission denied.") from None


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST))
    except KeyError:
        raise BackupError("This file is not a Sapa backup: it holds no manifest.json.") from None
    except ValueError:
        raise BackupError("The backup's manifest.json is damaged (it is not valid JSON).") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError("This file is not a Sapa backup: its manifest.json is not Sapa's.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(f"This backup is in format version {manifest.get('format_version')}, and this version of "
                          f"Sapa reads version {FORMAT_VERSION} only. Restore it with the version of Sapa that made it "
                          f"({manifest.get('sapa_version') or 'unknown'}).")
    if not _well_formed(manifest):
        raise BackupError("The backup's manifest.json is damaged (a table's name, file, columns, row count or "
                          "checksum is missing).")
    return manifest


def _well_formed(manifest: dict) -> bool:
    tables = manifest.get("tables")
    if not isinstance(manifest.get("alembic_revision"), str) or not isinstance(tables, list):
        return False
    for entry in tables:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(k), str) for k in ("name", "file", "sha256")):
            return False
        if not isinstance(entry.get("rows"), int) or not isinstance(entry.get("columns"), list):
            return False
        for column in entry["columns"]:
            if not isinstance(column, dict) or not isinstance(column.get("name"), str) \
                    or column.get("kind") not in _PLAIN | set(_DECODERS):
                return False
    return True


# ---------------------------------------------------------------------------------------------------------------
# Restore


@dataclass(frozen=True)
class _TablePlan:
    table: Table
    columns: list[Column]  # in the archive's order
    entry: dict


def restore_backup(engine: Engine, path: Path, progress: Progress | None = None,
                   metadata: MetaData | None = None) -> RestoreReport:
    """Load the archive at ``path`` into the empty database behind ``engine``, all or nothing."""
    tables = _tables(metadata)
    report = RestoreReport()
    with open_archive(Path(path)) as (archive, manifest):
        with engine.connect() as connection, connection.begin():
            if connection.dialect.name == "sqlite":
                _lock_sqlite_for_writing(connection)
            _check_revision(connection, manifest["alembic_revision"])
            plan = _plan(manifest, tables)
            _check_empty(connection, tables, manifest["alembic_revision"])
            started = time.monotonic()
            for step in plan:
                report.tables.append(_load_table(connection, archive, step, progress))
            report.load_seconds = time.monotonic() - started
            started = time.monotonic()
            for step in plan:
                _check_table(connection, step, progress)
            report.check_seconds = time.monotonic() - started
            if connection.dialect.name == "postgresql":
                _reset_sequences(connection, tables)
    return report


def _lock_sqlite_for_writing(connection: Connection) -> None:
    """Take SQLite's write lock before the first read.

    A transaction that reads first and writes later fails ("database is locked") when another
    writer commits in between; a DELETE that matches nothing takes the lock (waiting for the busy
    timeout) and changes nothing.
    """
    try:
        connection.exec_driver_sql("DELETE FROM alembic_version WHERE 0")
    except SQLAlchemyError as error:
        if "no such table" in str(error):
            return  # not migrated: the revision check says so
        raise BackupError(f"The database is busy ({_first_line(error)}): another process keeps writing to it. "
                          "Stop Sapa while restoring, then try again.") from None


def _migrations() -> ScriptDirectory:
    return ScriptDirectory(str(PROJECT_ROOT / "migrations"))


def _check_revision(connection: Connection, wanted: str) -> None:
    current = current_revision(connection)
    if current == wanted:
        return
    script = _migrations()
    try:
        script.get_revision(wanted)
    except CommandError:
        raise BackupError(f"The backup was made from a database at revision {wanted}, which this version of Sapa "
                          "does not know: it was made by a newer version. Restore it with that version of Sapa or a "
                          "newer one.") from None
    if wanted == script.get_current_head():
        fix = ("Run `flask db upgrade` on it (or create a new database and run `flask db upgrade` there), "
               "then restore again.")
    else:
        fix = (f"Create a new, empty database, migrate it to the backup's revision with `flask db upgrade {wanted}`, "
               "restore into it, then run `flask db upgrade` to bring it up to date.")
    if current is None:
        raise BackupError(f"This database has not been migrated (it has no Alembic revision); the backup needs "
                          f"revision {wanted}. {fix}")
    raise BackupError(f"The backup was made from a database at revision {wanted}, but this database is at revision "
                      f"{current}. {fix}")


def _plan(manifest: dict, tables: list[Table]) -> list[_TablePlan]:
    """Each table of this version of Sapa with its archive entry, parents first; refuse any mismatch."""
    entries = {entry["name"]: entry for entry in manifest["tables"]}
    names = {table.name for table in tables}
    if set(entries) != names:
        missing = ", ".join(sorted(names - set(entries))) or "none"
        unknown = ", ".join(sorted(set(entries) - names)) or "none"
        raise BackupError(f"The backup's tables do not match this version of Sapa's (not in the backup: {missing}; "
                          f"unknown here: {unknown}). Restore it with the version of Sapa that made it.")
    plan = []
    for table in tables:
        entry = entries[table.name]
        archived = {column["name"]: column["kind"] for column in entry["columns"]}
        expected = {column.name: column_kind(column) for column in table.columns}
        if archived != expected or len(entry["columns"]) != len(archived):
            raise BackupError(f"The backup's columns of table {table.name} do not match this version of Sapa's. "
                              "Restore it with the version of Sapa that made it.")
        plan.append(_TablePlan(table, [table.c[column["name"]] for column in entry["columns"]], entry))
    return plan


def _check_empty(connection: Connection, tables: list[Table], revision: str) -> None:
    filled = []
    for table in tables:
        if connection.execute(select(literal(1)).select_from(table).limit(1)).first() is not None:
            count = connection.scalar(select(func.count()).select_from(table))
            filled.append(f"{table.name}: {count:,} row{'' if count == 1 else 's'}")
    if filled:
        shown = ", ".join(filled[:5]) + (f" and {len(filled) - 5} more tables" if len(filled) > 5 else "")
        raise BackupError(f"This database is not empty ({shown}); a restore never mixes a backup with "
                          f"existing data. Create a new, empty database, run `flask db upgrade {revision}` on it, "
                          "point DATABASE_URL at it (or SAPA_INSTANCE_PATH at a new folder for SQLite), and restore "
                          "again.")


@contextmanager
def _row_writer(connection: Connection, step: _TablePlan) -> Iterator[Callable[[list[list]], None]]:
    """A function that inserts rows (values in the archive's column order) into the table.

    Both go to the driver directly (Core's per-row parameter handling took two thirds of the time):
    PostgreSQL gets one COPY per table, psycopg writing each Python value as its column's text (the
    archived JSON text included); SQLite gets an executemany of one INSERT, each value first turned
    into what SQLAlchemy would store for its column type (dates as text, booleans as 0/1, …).
    """
    dialect = connection.dialect
    quote = dialect.identifier_preparer
    names = ", ".join(quote.quote(column.name) for column in step.columns)
    if dialect.name == "postgresql":
        sql = f"COPY {quote.format_table(step.table)} ({names}) FROM STDIN"
        with connection.connection.driver_connection.cursor() as cursor, cursor.copy(sql) as copy:
            def write(rows: list[list]) -> None:
                for row in rows:
                    copy.write_row(row)

            yield write
        return
    if dialect.paramstyle != "qmark":
        raise BackupError(f"Restoring into {dialect.name} ({dialect.driver}) is not supported; use SQLite or "
                          "PostgreSQL.")
    # JSON text is stored as archived: no processor (SQLAlchemy's would encode the text as a JSON string).
    processors = [(index, processor) for index, column in enumerate(step.columns)
                  if column_kind(column) != "json" and (processor := column.type.bind_processor(dialect))]
    sql = f"INSERT INTO {quote.format_table(step.table)} ({names}) VALUES ({', '.join('?' * len(step.columns))})"

    def insert(rows: list[list]) -> None:
        for row in rows:
            for index, process in processors:
                if row[index] is not None:
                    row[index] = process(row[index])
        if rows:
            connection.exec_driver_sql(sql, [tuple(row) for row in rows])

    yield insert


def _self_references(step: _TablePlan) -> list[tuple[int, int]]:
    """(referring, referred) column positions of each foreign key from the table to itself."""
    position = {column.name: index for index, column in enumerate(step.columns)}
    return [(position[fk.parent.name], position[fk.column.name]) for fk in step.table.foreign_keys
            if fk.column.table is step.table]


def _parents_first(table: Table, rows: list[list], references: list[tuple[int, int]]) -> list[list]:
    """Rows of a table that refers to itself, each after the row it refers to."""
    placed: dict[int, set] = {referred: set() for _, referred in references}
    ordered, pending = [], rows
    while pending:
        ready, waiting = [], []
        for row in pending:
            settled = all(row[key] is None or row[key] == row[referred] or row[key] in placed[referred]
                          for key, referred in references)
            (ready if settled else waiting).append(row)
        if not ready:
            raise BackupError(f"Rows of table {table.name} refer to rows that are not in the backup; "
                              "nothing was restored.")
        for row in ready:
            for _, referred in references:
                placed[referred].add(row[referred])
        ordered += ready
        pending = waiting
    return ordered


def _damaged(table: str, detail: str) -> BackupError:
    return BackupError(f"The backup is damaged or was changed after it was made: table {table} {detail}. "
                       "Nothing was restored.")


def _load_table(connection: Connection, archive: zipfile.ZipFile, step: _TablePlan,
                progress: Progress | None) -> TableResult:
    started = time.monotonic()
    table, entry = step.table, step.entry
    decode = row_decoder([column_kind(column) for column in step.columns])
    references = _self_references(step)
    refused = (SQLAlchemyError, connection.dialect.loaded_dbapi.Error)
    digest = hashlib.sha256()
    rows = 0
    try:
        member = archive.open(entry["file"])
    except KeyError:
        raise _damaged(table.name, f"has no file {entry['file']}") from None
    with member:
        try:
            with _row_writer(connection, step) as write:
                held: list[list] = []  # a table that refers to itself is written at the end, parents first
                take = held.extend if references else write
                lines: list[bytes] = []
                for line in member:
                    digest.update(line)
                    rows += 1
                    lines.append(line)
                    if len(lines) >= BATCH_ROWS:
                        take(decode(lines))
                        lines = []
                take(decode(lines) if lines else [])
                if references:
                    write(_parents_first(table, held, references))
        except zipfile.BadZipFile as error:
            raise _damaged(table.name, f"cannot be read ({error})") from None
        except (ValueError, TypeError, BackupError, *refused) as error:
            # A changed archive is the likelier cause of a bad row: finish the checksum and say so.
            try:
                for line in member:
                    digest.update(line)
                    rows += 1
            except zipfile.BadZipFile:
                raise _damaged(table.name, "cannot be read") from None
            _compare(table.name, entry, rows, digest.hexdigest())
            if isinstance(error, BackupError):
                raise
            if isinstance(error, refused):
                raise BackupError(f"The database refused a row of table {table.name}: {_first_line(error)}. "
                                  "Nothing was restored.") from None
            raise _damaged(table.name, f"holds a row that cannot be read ({error})") from None
    _compare(table.name, entry, rows, digest.hexdigest())
    if progress:
        progress("load", table.name, rows, time.monotonic() - started)
    return TableResult(table.name, rows, time.monotonic() - started)


def _compare(table: str, entry: dict, rows: int, sha256: str) -> None:
    if rows != entry["rows"]:
        raise _damaged(table, f"holds {rows:,} rows where its manifest records {entry['rows']:,}")
    if sha256 != entry["sha256"]:
        raise _damaged(table, "does not match the checksum in its manifest")


def _check_table(connection: Connection, step: _TablePlan, progress: Progress | None) -> None:
    """Read the loaded table back and compare it with the archive, value by value (through the checksum)."""
    started = time.monotonic()
    digest = hashlib.sha256()
    rows = 0
    for line in table_lines(connection, step.table, step.columns):
        digest.update(line)
        rows += 1
    if rows != step.entry["rows"] or digest.hexdigest() != step.entry["sha256"]:
        raise BackupError(f"Table {step.table.name} does not read back exactly as it was backed up (the database "
                          "changed some values, e.g. a number too precise for it); nothing was restored.")
    if progress:
        progress("check", step.table.name, rows, time.monotonic() - started)


def _reset_sequences(connection: Connection, tables: list[Table]) -> None:
    """Move each PostgreSQL id sequence past the restored ids, so the next insert gets a fresh one."""
    quote = connection.dialect.identifier_preparer.format_table
    for table in tables:
        keys = list(table.primary_key.columns)
        if len(keys) != 1 or not isinstance(keys[0].type, sqltypes.Integer):
            continue
        highest = connection.scalar(select(func.max(keys[0])))
        if highest is not None:
            sequence = func.pg_get_serial_sequence(quote(table), keys[0].name)
            connection.execute(select(func.setval(sequence, highest)))


def _first_line(error: SQLAlchemyError) -> str:
    detail = str(getattr(error, "orig", None) or error)
    return detail.strip().splitlines()[0] if detail.strip() else type(error).__name__
