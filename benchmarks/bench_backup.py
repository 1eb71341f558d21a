"""Benchmark of ``flask backup`` and ``flask restore`` on the demo database (about 30,000 responses).

Run with ``.venv/bin/python benchmarks/bench_backup.py`` (``--rebuild`` to seed the demo again).

The first run builds the demo SQLite database the way ``make run`` does (``flask db upgrade`` and
``flask seed-demo`` in a subprocess) and keeps it in ``benchmarks/.cache/backup-demo/`` (git-ignored).
Then, in this process (so the application's start-up is not counted), it times:

- a backup of that SQLite database;
- a restore of the archive into a new, migrated SQLite database;
- a restore into a new, migrated database on a throwaway PostgreSQL cluster (the machine's own
  binaries, as the tests use), when PostgreSQL is installed;
- a backup of that PostgreSQL database, and checks that it is the same archive table by table
  (same rows, same checksums).

It prints the seconds of each step, the rows, the database's and the archive's sizes, and the
process's peak resident memory; nothing is hard-coded.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "benchmarks" / ".cache" / "backup-demo"


def build_demo(rebuild: bool) -> Path:
    database = CACHE / "sapa.sqlite3"
    if database.exists() and not rebuild:
        return database
    shutil.rmtree(CACHE, ignore_errors=True)
    CACHE.mkdir(parents=True)
    env = dict(os.environ, FLASK_APP="wsgi", SAPA_INSTANCE_PATH=str(CACHE), SAPA_ENV="embedded")
    env.pop("DATABASE_URL", None)
    started = time.monotonic()
    for command in (["db", "upgrade"], ["seed-demo"]):
        subprocess.run([str(ROOT / ".venv" / "bin" / "flask"), *command], cwd=ROOT, env=env, check=True,
                       stdout=subprocess.DEVNULL)
    print(f"Demo database built in {time.monotonic() - started:.0f} s: {database}")
    return database


def app_for(url: str, migrate: bool):
    from flask_migrate import upgrade

    from survey_app import create_app
    from survey_app.config import TestConfig

    app = create_app(TestConfig(url))
    if migrate:
        with app.app_context():
            upgrade()
    return app


def timed(label: str, work):
    started = time.monotonic()
    result = work()
    print(f"{label:<44} {time.monotonic() - started:>7.1f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="seed the demo database again")
    options = parser.parse_args()

    from survey_app.extensions import db
    from survey_app.maintenance.backup import restore_backup, write_backup
    from tests.support.postgres import PostgresUnavailable, start_cluster

    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    database = build_demo(options.rebuild)
    work = Path(tempfile.mkdtemp(prefix="sapa-bench-backup-"))
    try:
        source = app_for(f"sqlite:///{database}", migrate=False)
        archive = work / "demo.zip"
        with source.app_context():
            manifest = timed("backup of the demo SQLite", lambda: write_backup(db.engine, archive))
            db.engine.dispose()
        rows = sum(entry["rows"] for entry in manifest["tables"])
        print(f"{rows:,} rows in {len(manifest['tables'])} tables; SQLite file {database.stat().st_size / 1e6:.1f} MB, "
              f"archive {archive.stat().st_size / 1e6:.1f} MB")

        target = app_for(f"sqlite:///{work / 'restored.sqlite3'}", migrate=True)
        with target.app_context():
            report = timed("restore into an empty SQLite", lambda: restore_backup(db.engine, archive))
            print(f"  of which loading {report.load_seconds:.1f} s, reading back {report.check_seconds:.1f} s")
            db.engine.dispose()

        try:
            cluster = start_cluster()
        except PostgresUnavailable as error:
            print(f"PostgreSQL skipped: {error}")
        else:
            try:
                postgresql = app_for(cluster.create_database("sapa_bench_backup"), migrate=True)
                with postgresql.app_context():
                    report = timed("restore into an empty PostgreSQL", lambda: restore_backup(db.engine, archive))
                    print(f"  of which loading {report.load_seconds:.1f} s, reading back {report.check_seconds:.1f} s")
                    again = work / "from-postgresql.zip"
                    copy = timed("backup of that PostgreSQL database", lambda: write_backup(db.engine, again))
                    db.engine.dispose()
                same = [(e["name"], e["rows"], e["sha256"]) for e in copy["tables"]] == \
                    [(e["name"], e["rows"], e["sha256"]) for e in manifest["tables"]]
                print(f"PostgreSQL's archive {again.stat().st_size / 1e6:.1f} MB, same tables, rows and checksums as "
                      f"SQLite's: {'yes' if same else 'NO'}")
            finally:
                cluster.stop()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"Peak resident memory of this process: {peak:.0f} MiB")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
