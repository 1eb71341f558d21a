"""Benchmark of the response export on 1,000,000 synthetic responses (Sapa Core, ~23 answers each).

Run with ``.venv/bin/python benchmarks/bench_export.py`` (options: ``--responses``, ``--providers``,
``--rebuild``, ``--xlsx-rows``, ``--sav-rows``, ``--pandas-rows``, ``--skip-build-check``).

The first run builds a SQLite database with the application's schema, the reference lists, the
standard instrument, one campaign with ``--providers`` providers and ``--responses`` responses with
their answers and profile (bulk inserts; a few minutes), and keeps it in ``benchmarks/.cache/``
(git-ignored) for later runs. Each measurement then runs in its own child process, which reports
its time and its peak resident memory (``ru_maxrss``) after the application is loaded and at the
end, so one measurement's memory never counts in another's:

- the CSV export of every response (the same code as the download and ``flask export-responses``);
- the SPSS export of about ``--sav-rows`` responses (a period filter; .sav needs the whole frame);
- the XLSX export of about ``--xlsx-rows`` responses (a period filter; openpyxl's write-only mode);
- for comparison, loading the answers of ``--pandas-rows`` responses into pandas and pivoting them
  to one row per response, the way an export without streaming would start.

Nothing is hard-coded: every figure printed is measured in this run.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import sqlite3
import subprocess
import sys
import time
from contextlib import suppress
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CACHE = ROOT / "benchmarks" / ".cache"
SEED = 2026
CAMPAIGN_CODE = "bench-export"
STARTS_ON = date(2026, 1, 1)
DAYS = 180
COMMENT_SHARE = 0.08
NOT_APPLICABLE_SHARE = 0.04
COMMENTS = (
    "Персонал всегда вежливый и внимательный.",
    "Қызметкерлер мейірімді, рахмет.",
    "Хотелось бы, чтобы социальный работник приходил чаще.",
    "Дуже дякую за підтримку та допомогу з документами.",
    "The staff are kind, but the waiting time is long.",
)


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    On Linux the high-water mark of this process's own memory (VmHWM): ``ru_maxrss`` would also do,
    but it carries the parent's peak over ``fork``/``exec``. Elsewhere ``ru_maxrss``.
    """
    with suppress(OSError):
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / 1024 / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _app(database: Path):
    from survey_app import create_app
    from survey_app.config import TestConfig

    config = TestConfig(f"sqlite:///{database}")
    config.TESTING = False
    return create_app(config)


# --- Building the database -------------------------------------------------------------------------

def build_database(database: Path, responses: int, providers: int) -> None:
    """The schema and reference data through the application, the bulk of the rows through sqlite3."""
    import numpy as np
    from sqlalchemy import select

    from survey_app.extensions import db
    from survey_app.instruments.runtime import compiled_instrument
    from survey_app.instruments.services import load_standard_instrument
    from survey_app.models import Campaign, CampaignProvider, Provider, RecipientCategory, Region
    from survey_app.models.providers import SETTINGS
    from survey_app.reference.loader import load_reference

    database.parent.mkdir(parents=True, exist_ok=True)
    partial = database.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    rng = np.random.default_rng(SEED)
    app = _app(partial)
    with app.app_context():
        db.create_all()
        load_reference()
        version = load_standard_instrument()
        regions = list(db.session.scalars(select(Region).where(Region.country == "KZ")))
        campaign = Campaign(code=CAMPAIGN_CODE, name="Benchmark", instrument_version=version, country="KZ",
                            default_language="kk", wave=1, starts_on=STARTS_ON,
                            ends_on=STARTS_ON + timedelta(days=DAYS - 1))
        db.session.add(campaign)
        settings = rng.choice(SETTINGS, providers)
        rows = []
        for number in range(providers):
            provider = Provider(code=f"bench-{number:05d}", name=f"Провайдер услуг № {number}", org_form="ngo",
                                setting=str(settings[number]), region=regions[number % len(regions)])
            rows.append(provider)
            db.session.add(CampaignProvider(campaign=campaign, provider=provider, link_code=f"B{number:07d}"))
        db.session.commit()
        plan = {
            "campaign_id": campaign.id,
            "version_id": version.id,
            "providers": [(row.id, row.setting) for row in rows],
            "categories": list(db.session.scalars(select(RecipientCategory.id))),
            "questions": compiled_instrument(version).questions,
        }
        db.session.remove()
        db.engine.dispose()
    started = time.monotonic()
    _bulk_insert(partial, plan, responses, rng)
    partial.rename(database)
    print(f"Built {database.relative_to(ROOT)} in {time.monotonic() - started:.0f} s "
          f"({database.stat().st_size / 2**30:.2f} GB).", flush=True)


def _bulk_insert(database: Path, plan: dict, responses: int, rng) -> None:
    import numpy as np

    questions = plan["questions"]
    agree = [q for q in questions.values() if q.list_name == "agree5" and q.dimension in (
        "access", "respect", "competence", "information", "coordination", "outcomes", "safety")]
    modules = {"residential": [q for q in questions.values() if q.name.startswith("living_")],
               "home_care": [q for q in questions.values() if q.name.startswith("home_visits_")]}
    overall, recommend, comment = questions["overall_satisfaction"], questions["recommend"], questions["comment_good"]
    provider_ids = np.array([pid for pid, _setting in plan["providers"]])
    provider_settings = np.array([setting for _pid, setting in plan["providers"]])
    weights = rng.lognormal(0.0, 0.9, len(provider_ids))
    quality = rng.normal(0.0, 0.35, len(provider_ids))
    cuts = np.array([-1.3, -0.5, 0.35, 1.25])
    categories = np.array(plan["categories"])
    choice_names = np.array([None, "na"] + [str(score) for score in range(11)], dtype=object)

    connection = sqlite3.connect(database, isolation_level=None, timeout=60)
    connection.execute("PRAGMA synchronous = OFF")
    connection.execute("PRAGMA cache_size = -262144")
    secondary = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('answer', 'response') "
        "AND sql IS NOT NULL").fetchall()
    for name, _sql in secondary:
        connection.execute(f"DROP INDEX {name}")
    response_sql = (
        "INSERT INTO response (id, submission_key, campaign_id, provider_id, instrument_version_id, language, mode, "
        "submitted_on, age_band, sex, recipient_category_id, self_rated_health, assistance) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    answer_sql = "INSERT INTO answer (response_id, item_id, choice, score, number, text) VALUES (?, ?, ?, ?, ?, ?)"
    batch = 50_000
    days = np.array([(STARTS_ON + timedelta(days=day)).isoformat() for day in range(DAYS)], dtype=object)
    for first in range(0, responses, batch):
        n = min(batch, responses - first)
        ids = np.arange(first + 1, first + n + 1)
        provider = rng.choice(len(provider_ids), n, p=weights / weights.sum())
        latent = quality[provider] + rng.normal(0, 0.45, n)
        connection.execute("BEGIN")
        connection.executemany(response_sql, zip(
            ids.tolist(), [f"bench-{i:08d}" for i in ids.tolist()], [plan["campaign_id"]] * n,
            provider_ids[provider].tolist(), [plan["version_id"]] * n,
            rng.choice(["kk", "ru"], n, p=[0.45, 0.55]).tolist(),
            rng.choice(["web", "kiosk", "assisted", "paper"], n).tolist(),
            days[(ids - 1) * DAYS // responses].tolist(),  # answers come in over the campaign's days
            rng.choice(["18_34", "35_59", "60_74", "75_plus"], n).tolist(),
            rng.choice(["female", "male"], n, p=[0.62, 0.38]).tolist(),
            categories[rng.integers(0, len(categories), n)].tolist(),
            rng.integers(1, 6, n).tolist(),
            rng.choice(["self", "helped", "proxy"], n, p=[0.6, 0.25, 0.15]).tolist(),
            strict=True,
        ))
        # Answer matrix (responses × items): code 0 not asked, 1 "na", 2 + score.
        columns, item_ids = [], []
        for question in agree + modules["residential"] + modules["home_care"] + [overall, recommend]:
            if question is recommend:
                z = 7.5 + 2.2 * latent + rng.normal(0, 1.4, n)
                code = 2 + np.clip(np.rint(z), 0, 10).astype(int)
            else:
                z = 0.95 + latent + rng.normal(0, 0.65, n) + rng.uniform(-0.3, 0.3)
                code = 2 + 1 + np.searchsorted(cuts, z)
            code = np.where(rng.random(n) < NOT_APPLICABLE_SHARE, 1, code)
            for setting, members in modules.items():
                if question in members:
                    code = np.where(provider_settings[provider] == setting, code, 0)
            columns.append(code)
            item_ids.append(question.id)
        codes = np.stack(columns, axis=1).ravel()
        response_ids = np.repeat(ids, len(item_ids))
        items = np.tile(np.array(item_ids), n)
        asked = codes > 0
        scores = np.where(codes >= 2, codes - 2, -1)[asked]
        connection.executemany(answer_sql, zip(
            response_ids[asked].tolist(), items[asked].tolist(), choice_names[codes[asked]].tolist(),
            [None if score < 0 else score for score in scores.tolist()], [None] * int(asked.sum()),
            [None] * int(asked.sum()), strict=True,
        ))
        commented = ids[rng.random(n) < COMMENT_SHARE]
        connection.executemany(answer_sql, (
            (int(rid), comment.id, None, None, None, COMMENTS[int(rid) % len(COMMENTS)]) for rid in commented
        ))
        connection.execute("COMMIT")
        print(f"  {first + n:>9,} responses", end="\r", flush=True)
    print()
    for _name, sql in secondary:
        connection.execute(sql)
    connection.execute("ANALYZE")
    connection.close()


# --- Measurements, each in a child process ---------------------------------------------------------

def child(kind: str, database: Path, rows: int, out: Path) -> dict:
    """Runs in a fresh interpreter; returns what it measured."""
    from flask_babel import force_locale
    from sqlalchemy import func, select

    from survey_app.exports import services
    from survey_app.exports.formats import write_export
    from survey_app.exports.services import ExportFilters, find_campaign, plan_export
    from survey_app.extensions import db
    from survey_app.models import Response

    app = _app(database)
    with app.app_context(), force_locale("ru"):
        campaign = find_campaign(CAMPAIGN_CODE)
        baseline = rss_mb()
        started, cpu_started = time.perf_counter(), cpu_seconds()
        if kind == "pandas":
            import pandas as pd

            last = db.session.scalar(select(Response.id).order_by(Response.id).offset(rows - 1).limit(1))
            frame = pd.read_sql(
                "SELECT a.response_id, i.name, a.score, a.choice, a.text FROM answer a "
                f"JOIN item i ON i.id = a.item_id WHERE a.response_id <= {int(last)}",
                db.engine,
            )
            wide = frame.pivot(index="response_id", columns="name", values="score")
            responses = db.session.execute(select(Response.__table__).where(Response.id <= last))
            profile = pd.DataFrame(responses.all(), columns=list(responses.keys()))
            table = profile.join(wide, on="id")
            return {"rows": len(table), "seconds": time.perf_counter() - started,
                    "cpu": cpu_seconds() - cpu_started, "baseline_mb": baseline, "peak_mb": rss_mb()}
        filters = ExportFilters(campaign_id=campaign.id)
        if rows:
            # The period holding about ``rows`` responses (they are spread evenly over the days).
            total = db.session.scalar(select(func.count()).select_from(Response))
            days = max(1, round(DAYS * rows / total))
            filters = ExportFilters(campaign_id=campaign.id, submitted_to=STARTS_ON + timedelta(days=days - 1))
            services.SAV_MAX_ROWS = max(services.SAV_MAX_ROWS, rows * 2)
        plan = plan_export(None, filters, "ru", kind)
        write_export(plan, str(out))
        return {"rows": plan.responses, "seconds": time.perf_counter() - started,
                "cpu": cpu_seconds() - cpu_started, "baseline_mb": baseline, "peak_mb": rss_mb(),
                "bytes": out.stat().st_size}


def measure(kind: str, database: Path, rows: int = 0) -> dict:
    out = CACHE / f"bench-export.{kind}"
    answer = subprocess.run(
        [sys.executable, __file__, "--child", kind, "--database", str(database), "--rows", str(rows), "--out",
         str(out)],
        capture_output=True, text=True, check=False,
    )
    if answer.returncode != 0:
        raise SystemExit(f"The {kind} measurement failed:\n{answer.stderr}")
    out.unlink(missing_ok=True)
    return json.loads(answer.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--providers", type=int, default=1_000)
    parser.add_argument("--rebuild", action="store_true", help="Build the database again.")
    parser.add_argument("--sav-rows", type=int, default=100_000, help="Responses in the .sav, about (0: skip).")
    parser.add_argument("--xlsx-rows", type=int, default=20_000, help="Responses in the XLSX, about (0: skip).")
    parser.add_argument("--pandas-rows", type=int, default=100_000)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--database", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rows", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "build":
        build_database(args.database, args.responses, args.providers)
        return
    if args.child:
        print(json.dumps(child(args.child, args.database, args.rows, args.out)))
        return

    database = CACHE / f"export-{args.responses}-{args.providers}.sqlite3"
    if args.rebuild:
        database.unlink(missing_ok=True)
    if not database.exists():
        print(f"Building a database of {args.responses:,} responses (kept for later runs)…", flush=True)
        # In a child process too, so that this one stays small.
        subprocess.run([sys.executable, __file__, "--child", "build", "--database", str(database), "--responses",
                        str(args.responses), "--providers", str(args.providers)], check=True)
    answers = sqlite3.connect(database).execute("SELECT count(*) FROM answer").fetchone()[0]
    print(f"Python {platform.python_version()} · SQLite {sqlite3.sqlite_version} · {os.cpu_count()} CPUs · "
          f"{args.responses:,} responses, {answers:,} answers, {args.providers:,} providers")

    results = [("CSV, all responses", measure("csv", database))]
    if args.sav_rows:
        results.append(("SPSS .sav", measure("sav", database, args.sav_rows)))
    if args.xlsx_rows:
        results.append(("XLSX", measure("xlsx", database, args.xlsx_rows)))
    results.append(("pandas: load + pivot (no export)", measure("pandas", database, args.pandas_rows)))

    print()
    print(f"{'measurement':<34} {'rows':>10} {'wall s':>7} {'CPU s':>7} {'rows/CPU s':>10} {'base MB':>8} "
          f"{'peak MB':>8} {'+MB':>6} {'file MB':>8}")
    for label, result in results:
        size = f"{result['bytes'] / 2**20:8.1f}" if "bytes" in result else f"{'':>8}"
        rate = result["rows"] / result["cpu"]
        print(f"{label:<34} {result['rows']:>10,} {result['seconds']:>7.1f} {result['cpu']:>7.1f} {rate:>10,.0f} "
              f"{result['baseline_mb']:>8.0f} {result['peak_mb']:>8.0f} "
              f"{result['peak_mb'] - result['baseline_mb']:>6.0f} {size}")
    print(f"\nLoad average while measuring: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs (wall time suffers "
          "from a busy machine; CPU time much less).")
    print("base MB: peak resident memory (VmHWM) after loading the application; peak MB: at the end; +MB: the "
          "difference, what the measurement itself needed.")


if __name__ == "__main__":
    main()
