"""``flask backup`` and ``flask restore``: the whole database in one portable archive, and back."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy.exc import SQLAlchemyError

from survey_app.extensions import db
from survey_app.maintenance.backup import BackupError, open_archive, restore_backup, write_backup

KEEP_SAFE = ("The archive holds staff accounts and recipients' answers: keep it as safely as the database "
             "(it is readable by its owner only).")


def _where(engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _table_line(event: str, table: str, rows: int, seconds: float) -> None:
    if event != "check":
        click.echo(f"  {table:<24} {rows:>12,} rows {seconds:>7.1f} s")


def _database_error(error: SQLAlchemyError) -> click.ClickException:
    detail = str(getattr(error, "orig", None) or error).strip().splitlines()
    return click.ClickException(f"The database reported an error: {detail[0] if detail else type(error).__name__}")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--overwrite", is_flag=True, help="Replace FILE if it exists.")
@with_appcontext
def backup_command(file: Path, overwrite: bool):
    """Write every table of the database to FILE, a zip archive that SQLite and PostgreSQL can both restore.

    The backup reads one consistent snapshot, so Sapa can keep serving meanwhile. FILE is written
    under a temporary name, renamed when complete, and readable by its owner only.
    """
    if file.exists() and not overwrite:
        raise click.ClickException(f"{file} exists already; choose another name, or add --overwrite.")
    engine = db.engine
    click.echo(f"Backing up {_where(engine)} to {file}")
    started = time.monotonic()
    try:
        manifest = write_backup(engine, file, progress=_table_line)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except SQLAlchemyError as error:
        raise _database_error(error) from None
    except OSError as error:
        raise click.ClickException(f"Could not write {file}: {error.strerror or error}.") from None
    rows = sum(table["rows"] for table in manifest["tables"])
    size = file.stat().st_size / 1_000_000
    click.echo(f"Wrote {rows:,} rows of {len(manifest['tables'])} tables (revision {manifest['alembic_revision']}) "
               f"to {file}, {size:.1f} MB, in {time.monotonic() - started:.1f} s.")
    click.echo(KEEP_SAFE)


@click.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def restore_command(file: Path):
    """Load a backup made by `flask backup` into an empty database at the backup's revision.

    All or nothing: row counts and checksums are checked while loading and every table is read back
    before the one commit. To move from SQLite to PostgreSQL: `flask backup` with the old settings,
    `flask db upgrade` and `flask restore` with DATABASE_URL pointing at the new database.
    """
    engine = db.engine
    try:
        with open_archive(file) as (_, manifest):
            rows = sum(table["rows"] for table in manifest["tables"])
            source = manifest.get("source", {}).get("engine", "?")
            click.echo(f"Backup of {manifest.get('created_at', '?')} from {source}"
                       f" (Sapa {manifest.get('sapa_version') or '?'}, revision {manifest['alembic_revision']}): "
                       f"{rows:,} rows in {len(manifest['tables'])} tables.")
        click.echo(f"Restoring into {_where(engine)}")
        started = time.monotonic()
        report = restore_backup(engine, file, progress=_table_line)
    except BackupError as error:
        raise click.ClickException(str(error)) from None
    except SQLAlchemyError as error:
        raise _database_error(error) from None
    click.echo(f"Checked: every table reads back exactly as backed up ({report.check_seconds:.1f} s).")
    click.echo(f"Restored {report.rows:,} rows in {len(report.tables)} tables in {time.monotonic() - started:.1f} s.")
